package com.maclogin.cutover.simulator;

import com.dd.plist.PropertyListParser;
import com.maclogin.cutover.contracts.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.xml.sax.SAXParseException;

/** The macOS commands of one lease that need the simulator: launchctl (launchd emulator), sudo, plutil, npm. */
final class MacCommands {

    static final String NPM_VERSION = "10.9.2";

    private final LeaseHome home;
    private final LaunchdEmulator launchd;
    private final SudoEmulator sudo;

    MacCommands(LeaseHome home, LaunchdEmulator launchd, SudoEmulator sudo) {
        this.home = home;
        this.launchd = launchd;
        this.sudo = sudo;
    }

    /** Runs {@code command argv...} as if in {@code cwd}, by the lease's own account. */
    CommandResult run(String command, Path cwd, List<String> argv) {
        return run(command, cwd, argv, Caller.owner());
    }

    /** Runs {@code command argv...} as if in {@code cwd}, by {@code caller} (launchctl and sudo decide by it). */
    CommandResult run(String command, Path cwd, List<String> argv, Caller caller) {
        return switch (command) {
            case "launchctl" -> launchd.launchctl(cwd, argv, caller);
            case "sudo" -> sudo == null ? CommandResult.fail(127, "sh: sudo: command not found\n")
                    : sudo.run(cwd, argv, caller);
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
        if (e instanceof SAXParseException sax) {
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
            case "pack" -> {
                CommandResult r = npmPack(cwd, rest);
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
                        + "npm install -g [--prefix <dir>] openclaw@<version>|<file>.tgz)\n");
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
        if (prefix == null) {
            prefix = home.home().resolve(".npm-global");
        }
        if (isFileSpec(spec)) {
            return installTarball(cwd, prefix, spec);
        }
        String name = spec;
        String version = "latest";
        int at = spec.lastIndexOf('@');
        if (at > 0) {
            name = spec.substring(0, at);
            version = spec.substring(at + 1);
        }
        CommandResult notFound = registryLookup(name, version);
        if (notFound != null) {
            return notFound;
        }
        if (version.equals("latest") || version.isEmpty()) {
            version = GatewayPackage.LATEST;
        }
        long t0 = System.nanoTime();
        try {
            boolean existed = Files.exists(prefix.resolve("lib/node_modules/openclaw/package.json"));
            GatewayPackage.install(prefix, version);
            return CommandResult.ok("\n" + (existed ? "changed" : "added") + " 1 package in " + elapsed(t0) + "\n");
        } catch (Exception e) {
            return CommandResult.fail(1, "npm error code EACCES\nnpm error syscall mkdir\nnpm error path " + prefix
                    + "\nnpm error " + e.getMessage() + "\n");
        }
    }

    /** null when the simulated registry has {@code name@version}; otherwise npm's E404 or ETARGET failure. */
    private static CommandResult registryLookup(String name, String version) {
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
        if (!version.equals("latest") && !version.isEmpty() && !GatewayPackage.PUBLISHED.contains(version)) {
            String safe = version.replaceAll("[^0-9A-Za-z.^~<>=*|-]", "_");
            return CommandResult.fail(1, "npm error code ETARGET\n"
                    + "npm error notarget No matching version found for openclaw@" + safe + ".\n"
                    + "npm error notarget In most cases you or one of your dependencies are requesting\n"
                    + "npm error notarget a package version that doesn't exist.\n");
        }
        return null;
    }

    /** npm reads a spec as a local file or folder when it looks like a path (npm-package-arg). */
    private static boolean isFileSpec(String spec) {
        return spec.startsWith("file:") || spec.startsWith("/") || spec.startsWith("./") || spec.startsWith("../")
                || spec.startsWith("~/") || spec.equals(".") || spec.equals("..") || spec.endsWith(".tgz")
                || spec.endsWith(".tar.gz") || spec.endsWith(".tar");
    }

    private Path resolveFileSpec(Path cwd, String spec) {
        String p = spec.startsWith("file:") ? spec.substring("file:".length()) : spec;
        if (p.startsWith("~/")) {
            return home.home().resolve(p.substring(2)).normalize();
        }
        return cwd.resolve(p).normalize();
    }

    /** {@code npm install -g --prefix P <file>.tgz}: unpacks the tarball's package into P, as a registry install. */
    private CommandResult installTarball(Path cwd, Path prefix, String spec) {
        Path file = resolveFileSpec(cwd, spec);
        if (Files.isDirectory(file)) {
            return CommandResult.fail(1, "npm error lease-simulator installs from a registry version or a packed "
                    + "tarball, not from a folder: " + file + "\n");
        }
        if (!Files.isRegularFile(file)) {
            return CommandResult.fail(1, "npm error code ENOENT\nnpm error syscall open\nnpm error path " + file
                    + "\nnpm error errno -2\nnpm error enoent ENOENT: no such file or directory, open '" + file + "'\n");
        }
        long t0 = System.nanoTime();
        NpmTarball.Unpacked pkg;
        try (var in = Files.newInputStream(file)) {
            pkg = NpmTarball.read(in);
        } catch (NpmTarball.BadTarballException e) {
            return CommandResult.fail(1, "npm error code " + e.code + "\nnpm error " + e.getMessage()
                    + "\nnpm error Could not install from \"" + file + "\": the tarball is corrupt or not an npm package\n");
        } catch (IOException e) {
            return CommandResult.fail(1, "npm error code EACCES\nnpm error syscall open\nnpm error path " + file
                    + "\nnpm error " + e.getMessage() + "\n");
        }
        if (!pkg.name().equals("openclaw")) {
            return CommandResult.fail(1, "npm error code EUNSUPPORTED\nnpm error lease-simulator installs only the "
                    + "openclaw package; " + file + " holds " + sanitize(pkg.name()) + "@" + sanitize(pkg.version()) + "\n");
        }
        if (!GatewayPackage.isVersionSyntax(pkg.version())) {
            return CommandResult.fail(1, "npm error code EBADSEMVER\nnpm error Invalid version: \""
                    + sanitize(pkg.version()) + "\" in the package.json of " + file + "\n");
        }
        String bin = pkg.binTarget();
        if (bin == null || pkg.files().stream().noneMatch(f -> f.path().equals(bin))) {
            return CommandResult.fail(1, "npm error code EUNSUPPORTED\nnpm error " + file
                    + " has no openclaw bin entry (package.json \"bin\": {\"openclaw\": ...} naming a packed file)\n");
        }
        try {
            boolean existed = Files.exists(prefix.resolve("lib/node_modules/openclaw/package.json"));
            GatewayPackage.install(prefix, pkg.files(), bin);
            return CommandResult.ok("\n" + (existed ? "changed" : "added") + " 1 package in " + elapsed(t0) + "\n");
        } catch (Exception e) {
            return CommandResult.fail(1, "npm error code EACCES\nnpm error syscall mkdir\nnpm error path " + prefix
                    + "\nnpm error " + e.getMessage() + "\n");
        }
    }

    private static String sanitize(String s) {
        return s.replaceAll("[^0-9A-Za-z@/._~^<>=*|-]", "_");
    }

    private static String elapsed(long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        return secs < 1 ? Math.max(1, Math.round(secs * 1000)) + "ms" : Math.round(secs) + "s";
    }

    /**
     * {@code npm pack openclaw[@<v>|@latest]... [--pack-destination <dir>] [--json] [--dry-run]}: writes the
     * deterministic {@code openclaw-<v>.tgz} (see {@link NpmTarball}) into the cwd or the destination, prints its
     * file name on stdout and npm's notices on stderr (or npm's JSON array with {@code --json}).
     */
    private CommandResult npmPack(Path cwd, List<String> args) {
        Path dest = cwd;
        boolean json = false;
        boolean dryRun = false;
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--pack-destination")) {
                if (i + 1 >= args.size()) {
                    return CommandResult.fail(1, "npm error --pack-destination requires a value\n");
                }
                dest = cwd.resolve(args.get(++i)).normalize();
            } else if (a.startsWith("--pack-destination=")) {
                dest = cwd.resolve(a.substring("--pack-destination=".length())).normalize();
            } else if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--dry-run")) {
                dryRun = true;
            } else if (a.equals("--silent") || a.equals("--quiet") || a.equals("--no-progress")
                    || a.equals("--no-update-notifier") || a.startsWith("--loglevel") || a.equals("--ignore-scripts")
                    || a.equals("--prefer-offline") || a.equals("--yes") || a.equals("-y")) {
                if (a.equals("--loglevel")) {
                    i++;
                }
            } else if (a.startsWith("-")) {
                return CommandResult.fail(1, "npm error unsupported option " + a + " (lease-simulator emulates only "
                        + "npm pack openclaw@<version> [--pack-destination <dir>] [--json] [--dry-run])\n");
            } else {
                specs.add(a);
            }
        }
        if (specs.isEmpty()) {
            return CommandResult.fail(1, "npm error lease-simulator packs only registry specs: "
                    + "npm pack openclaw@<version> (not the package in the current directory)\n");
        }
        List<String> versions = new ArrayList<>();
        for (String spec : specs) {
            if (isFileSpec(spec)) {
                return CommandResult.fail(1, "npm error lease-simulator packs only registry specs "
                        + "(openclaw@<version>), not " + spec + "\n");
            }
            int at = spec.lastIndexOf('@');
            String name = at > 0 ? spec.substring(0, at) : spec;
            String version = at > 0 ? spec.substring(at + 1) : "latest";
            CommandResult notFound = registryLookup(name, version);
            if (notFound != null) {
                return notFound;
            }
            versions.add(version.equals("latest") || version.isEmpty() ? GatewayPackage.LATEST : version);
        }
        if (!Files.isDirectory(dest)) {
            return CommandResult.fail(1, "npm error code ENOENT\nnpm error syscall open\nnpm error path " + dest
                    + "\nnpm error errno -2\nnpm error enoent ENOENT: no such file or directory, open '" + dest + "'\n");
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        List<Map<String, Object>> reports = new ArrayList<>();
        for (String version : versions) {
            byte[] tgz = NpmTarball.packed(version);
            String fileName = NpmTarball.fileName(version);
            if (!dryRun) {
                Path target = dest.resolve(fileName);
                Path tmp = dest.resolve("." + fileName + "." + UUID.randomUUID().toString().substring(0, 8));
                try {
                    Files.write(tmp, tgz);
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (Exception e) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // best effort
                    }
                    return CommandResult.fail(1, "npm error code EACCES\nnpm error syscall open\nnpm error path "
                            + target + "\nnpm error " + e.getMessage() + "\n");
                }
            }
            List<GatewayPackage.PackageFile> files = GatewayPackage.files(version);
            long unpacked = files.stream().mapToLong(f -> f.content().length).sum();
            String sha1 = digestHex("SHA-1", tgz);
            String integrity = "sha512-" + Base64.getEncoder().encodeToString(digest("SHA-512", tgz));
            if (json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", "openclaw@" + version);
                r.put("name", "openclaw");
                r.put("version", version);
                r.put("size", tgz.length);
                r.put("unpackedSize", unpacked);
                r.put("shasum", sha1);
                r.put("integrity", integrity);
                r.put("filename", fileName);
                r.put("files", files.stream().map(f -> Map.of("path", f.path(), "size", f.content().length,
                        "mode", f.mode())).toList());
                r.put("entryCount", files.size());
                r.put("bundled", List.of());
                reports.add(r);
            } else {
                err.append("npm notice\nnpm notice \uD83D\uDCE6  openclaw@").append(version)
                        .append("\nnpm notice Tarball Contents\n");
                for (GatewayPackage.PackageFile f : files) {
                    err.append("npm notice ").append(size(f.content().length, "")).append(' ').append(f.path()).append('\n');
                }
                err.append("npm notice Tarball Details\n")
                        .append("npm notice name: openclaw\n")
                        .append("npm notice version: ").append(version).append('\n')
                        .append("npm notice filename: ").append(fileName).append('\n')
                        .append("npm notice package size: ").append(size(tgz.length, " ")).append('\n')
                        .append("npm notice unpacked size: ").append(size(unpacked, " ")).append('\n')
                        .append("npm notice shasum: ").append(sha1).append('\n')
                        .append("npm notice integrity: ").append(integrity, 0, 20).append("[...]")
                        .append(integrity.substring(integrity.length() - 15)).append('\n')
                        .append("npm notice total files: ").append(files.size()).append('\n')
                        .append("npm notice\n");
                out.append(fileName).append('\n');
            }
        }
        if (json) {
            try {
                out.append(Json.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(reports)).append('\n');
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return new CommandResult(out.toString(), err.toString(), 0);
    }

    /** npm's byte-size style: {@code 412B}, {@code 18.3kB}, {@code 1.2MB} ({@code sep} between number and unit). */
    private static String size(long bytes, String sep) {
        if (bytes < 1000) {
            return bytes + sep + "B";
        }
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f%skB", bytes / 1000.0, sep);
        }
        return String.format(Locale.ROOT, "%.1f%sMB", bytes / 1_000_000.0, sep);
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digestHex(String algorithm, byte[] data) {
        return HexFormat.of().formatHex(digest(algorithm, data));
    }

    private static CommandResult unsupported(String what) {
        return CommandResult.fail(1, "npm error Unknown command: \"" + what + "\" (lease-simulator emulates "
                + "npm install -g [--prefix <dir>] openclaw@<version>|<file>.tgz, npm pack openclaw@<version>, npm -v, "
                + "npm prefix -g)\n");
    }
}
