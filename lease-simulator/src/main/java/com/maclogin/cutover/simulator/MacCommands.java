package com.maclogin.cutover.simulator;

import com.dd.plist.PropertyListParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The macOS commands of one lease that need the simulator: launchctl (launchd emulator), plutil, npm. */
final class MacCommands {

    static final String NPM_VERSION = "10.9.2";

    private final LeaseHome home;
    private final LaunchdEmulator launchd;

    MacCommands(LeaseHome home, LaunchdEmulator launchd) {
        this.home = home;
        this.launchd = launchd;
    }

    /** Runs {@code command argv...} as if in {@code cwd}. */
    CommandResult run(String command, Path cwd, List<String> argv) {
        return switch (command) {
            case "launchctl" -> launchd.launchctl(cwd, argv);
            case "plutil" -> plutil(cwd, argv);
            case "npm" -> npm(cwd, argv);
            default -> CommandResult.fail(127, "sh: " + command + ": command not found\n");
        };
    }

    // ------------------------------------------------------------------------------------------------ plutil

    static CommandResult plutil(Path cwd, List<String> argv) {
        if (argv.isEmpty()) {
            return CommandResult.fail(1, "No files specified.\n" + plutilUsage());
        }
        if (argv.get(0).equals("-help") || argv.get(0).equals("-h")) {
            return CommandResult.ok(plutilUsage());
        }
        List<String> files = new ArrayList<>();
        boolean silent = false;
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            switch (a) {
                case "-lint" -> { }
                case "-s" -> silent = true;
                case "--" -> {
                    files.addAll(argv.subList(i + 1, argv.size()));
                    i = argv.size();
                }
                default -> {
                    if (a.startsWith("-")) {
                        return CommandResult.fail(1, "unrecognized option: " + a
                                + " (lease-simulator emulates only plutil -lint)\n" + plutilUsage());
                    }
                    files.add(a);
                }
            }
        }
        if (files.isEmpty()) {
            return CommandResult.fail(1, "No files specified.\n" + plutilUsage());
        }
        StringBuilder out = new StringBuilder();
        int exit = 0;
        for (String f : files) {
            Path p = cwd.resolve(f);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                out.append(f).append(": file does not exist or is not readable or is not a regular file "
                        + "(Error Domain=NSCocoaErrorDomain Code=260 \"The file \u201c").append(p.getFileName())
                        .append("\u201d couldn\u2019t be opened because there is no such file.\")\n");
                exit = 1;
                continue;
            }
            try {
                byte[] bytes = Files.readAllBytes(p);
                if (bytes.length == 0) {
                    throw new IllegalArgumentException("Cannot parse a NULL or zero-length data");
                }
                PropertyListParser.parse(bytes);
                if (!silent) {
                    out.append(f).append(": OK\n");
                }
            } catch (Exception e) {
                out.append(f).append(": ").append(describe(e)).append('\n');
                exit = 1;
            }
        }
        return new CommandResult(out.toString(), "", exit);
    }

    private static String describe(Exception e) {
        if (e instanceof org.xml.sax.SAXParseException sax) {
            return "Encountered unexpected XML (" + sax.getMessage() + ") on line " + sax.getLineNumber();
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return msg.replace('\n', ' ');
    }

    private static String plutilUsage() {
        return "plutil: [command_option] [other_options] file...\n"
                + "Command options are (-lint is the default):\n"
                + " -lint                         check the property list files for syntax errors\n";
    }

    // ------------------------------------------------------------------------------------------------ npm

    CommandResult npm(Path cwd, List<String> argv) {
        if (argv.isEmpty()) {
            return CommandResult.fail(1, "npm <command>\n\nUsage:\n\nnpm install        install all the dependencies in your project\n");
        }
        String cmd = argv.get(0);
        List<String> rest = argv.subList(1, argv.size());
        switch (cmd) {
            case "-v", "--version", "version" -> {
                return CommandResult.ok(NPM_VERSION + "\n");
            }
            case "prefix" -> {
                return CommandResult.ok(home.home().resolve(".npm-global") + "\n");
            }
            case "config" -> {
                if (rest.size() == 2 && rest.get(0).equals("get") && rest.get(1).equals("prefix")) {
                    return CommandResult.ok(home.home().resolve(".npm-global") + "\n");
                }
                return unsupported("config " + String.join(" ", rest));
            }
            case "install", "i", "add", "isntall", "in" -> {
                CommandResult r = npmInstall(cwd, rest);
                launchd.record("npm " + String.join(" ", argv), r.exitCode());
                return r;
            }
            default -> {
                return unsupported(cmd);
            }
        }
    }

    private CommandResult npmInstall(Path cwd, List<String> args) {
        boolean global = false;
        Path prefix = null;
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-g") || a.equals("--global") || a.equals("--location=global")) {
                global = true;
            } else if (a.equals("--prefix") || a.equals("-C")) {
                if (i + 1 >= args.size()) {
                    return CommandResult.fail(1, "npm error --prefix requires a value\n");
                }
                prefix = cwd.resolve(args.get(++i)).normalize();
            } else if (a.startsWith("--prefix=")) {
                prefix = cwd.resolve(a.substring("--prefix=".length())).normalize();
            } else if (a.startsWith("--allow-scripts") || a.equals("--ignore-scripts") || a.startsWith("--omit")
                    || a.equals("--no-audit") || a.equals("--no-fund") || a.equals("--no-save") || a.equals("--silent")
                    || a.equals("--quiet") || a.equals("--no-progress") || a.startsWith("--loglevel")
                    || a.equals("--no-update-notifier") || a.equals("--yes") || a.equals("-y")) {
                if (a.equals("--loglevel")) {
                    i++;
                }
            } else if (a.startsWith("-")) {
                return CommandResult.fail(1, "npm error unsupported option " + a + " (lease-simulator emulates only "
                        + "npm install -g [--prefix <dir>] openclaw@<version>)\n");
            } else {
                specs.add(a);
            }
        }
        if (!global) {
            return CommandResult.fail(1, "npm error lease-simulator emulates only global installs: "
                    + "npm install -g [--prefix <dir>] openclaw@<version>\n");
        }
        if (specs.size() != 1) {
            return CommandResult.fail(1, "npm error lease-simulator installs exactly one package: openclaw@<version>\n");
        }
        String spec = specs.get(0);
        String name = spec;
        String version = "latest";
        int at = spec.lastIndexOf('@');
        if (at > 0) {
            name = spec.substring(0, at);
            version = spec.substring(at + 1);
        }
        if (!name.equals("openclaw")) {
            String safe = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9@/._-]", "_");
            return CommandResult.fail(1, "npm error code E404\n"
                    + "npm error 404 Not Found - GET https://registry.npmjs.org/" + safe + " - Not found\n"
                    + "npm error 404\n"
                    + "npm error 404  '" + safe + "@*' is not in this registry.\n"
                    + "npm error 404\n"
                    + "npm error 404 Note that you can also install from a\n"
                    + "npm error 404 tarball, folder, http url, or git url.\n");
        }
        if (version.equals("latest") || version.isEmpty()) {
            version = GatewayPackage.LATEST;
        }
        if (!GatewayPackage.PUBLISHED.contains(version)) {
            String safe = version.replaceAll("[^0-9A-Za-z.^~<>=*|-]", "_");
            return CommandResult.fail(1, "npm error code ETARGET\n"
                    + "npm error notarget No matching version found for openclaw@" + safe + ".\n"
                    + "npm error notarget In most cases you or one of your dependencies are requesting\n"
                    + "npm error notarget a package version that doesn't exist.\n");
        }
        if (prefix == null) {
            prefix = home.home().resolve(".npm-global");
        }
        long t0 = System.nanoTime();
        try {
            boolean existed = Files.exists(prefix.resolve("lib/node_modules/openclaw/package.json"));
            GatewayPackage.install(prefix, version);
            double secs = (System.nanoTime() - t0) / 1e9;
            return CommandResult.ok("\n" + (existed ? "changed" : "added") + " 1 package in "
                    + (secs < 1 ? Math.max(1, Math.round(secs * 1000)) + "ms" : Math.round(secs) + "s") + "\n");
        } catch (Exception e) {
            return CommandResult.fail(1, "npm error code EACCES\nnpm error syscall mkdir\nnpm error path " + prefix
                    + "\nnpm error " + e.getMessage() + "\n");
        }
    }

    private static CommandResult unsupported(String what) {
        return CommandResult.fail(1, "npm error Unknown command: \"" + what + "\" (lease-simulator emulates "
                + "npm install -g [--prefix <dir>] openclaw@<version>, npm -v, npm prefix -g)\n");
    }
}
