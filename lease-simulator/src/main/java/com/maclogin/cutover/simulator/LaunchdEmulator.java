package com.maclogin.cutover.simulator;

import com.sun.security.auth.module.UnixSystem;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-user launchd domain {@code gui/<uid>} of one lease: bootstrap/bootout/enable/disable/kickstart/print, real
 * child processes from ProgramArguments, KeepAlive respawn throttled like launchd, and the disabled-services database.
 */
final class LaunchdEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LaunchdEmulator.class);
    static final int UID = currentUid();

    private final String leaseId;
    private final LeaseHome home;
    private final Path disabledDb;
    private final Path pidFile;
    private final Duration throttleOverride;
    private final Duration startupDelay;
    private final ScheduledExecutorService scheduler;
    /** LIGHT mode: the shared machinery of in-JVM gateways; null = every job is a real process (PROCESS mode). */
    private final LightGateway.Host light;
    private final Map<String, Job> jobs = new HashMap<>();
    private final Set<String> disabled = new TreeSet<>();
    private boolean closed;

    /** A loaded job: the definition cached at bootstrap plus runtime state. */
    private static final class Job {
        final LaunchAgentPlist.Definition def;
        final Path plistPath;
        Process process;
        int runs;
        Integer lastExitCode;
        boolean lastExitBySignal;
        long lastSpawnNanos;
        ScheduledFuture<?> respawn;
        boolean removed;
        boolean held;
        Process restarting;
        Process lastReaped;

        Job(LaunchAgentPlist.Definition def, Path plistPath) {
            this.def = def;
            this.plistPath = plistPath;
        }
    }

    LaunchdEmulator(String leaseId, LeaseHome home, Path leaseDir, Duration throttleOverride, Duration startupDelay,
                    ScheduledExecutorService scheduler) throws IOException {
        this(leaseId, home, leaseDir, throttleOverride, startupDelay, scheduler, null);
    }

    /** With {@code light} set, a job whose program is the gateway stand-in runs as a {@link LightGateway}. */
    LaunchdEmulator(String leaseId, LeaseHome home, Path leaseDir, Duration throttleOverride, Duration startupDelay,
                    ScheduledExecutorService scheduler, LightGateway.Host light) throws IOException {
        this.light = light;
        this.leaseId = leaseId;
        this.home = home;
        this.disabledDb = leaseDir.resolve("launchd-disabled.txt");
        this.pidFile = leaseDir.resolve("launchd-pids.txt");
        this.throttleOverride = throttleOverride;
        this.startupDelay = startupDelay;
        this.scheduler = scheduler;
        if (Files.exists(disabledDb)) {
            for (String line : Files.readAllLines(disabledDb)) {
                if (!line.isBlank()) {
                    disabled.add(line.trim());
                }
            }
        }
        killStaleProcesses();
    }

    static String domain() {
        return "gui/" + UID;
    }

    // ------------------------------------------------------------------------------------------------ login

    /** What a GUI login does: load every LaunchAgent plist in ~/Library/LaunchAgents that is not disabled. */
    void login() throws IOException {
        Path agents = home.home().resolve("Library/LaunchAgents");
        if (!Files.isDirectory(agents)) {
            return;
        }
        try (var list = Files.list(agents)) {
            for (Path plist : list.filter(p -> p.toString().endsWith(".plist")).sorted().toList()) {
                CommandResult r = bootstrap(plist);
                event("login load " + plist + " -> " + (r.exitCode() == 0 ? "loaded" : r.stderr().trim()));
            }
        }
    }

    synchronized boolean isDisabled(String label) {
        return disabled.contains(label);
    }

    // ------------------------------------------------------------------------------------------------ launchctl

    /** {@code launchctl argv...} run by the lease's own account. */
    CommandResult launchctl(Path cwd, List<String> argv) {
        return launchctl(cwd, argv, Caller.owner());
    }

    /**
     * {@code launchctl argv...} run by {@code caller}. As on macOS, the {@code gui/<uid>} domain belongs to its user:
     * a caller that is neither root nor that user is refused whatever it asks of the domain or its services
     * ({@link #refused}); {@code list} shows such a caller its own domain, which holds no jobs here.
     */
    CommandResult launchctl(Path cwd, List<String> argv, Caller caller) {
        if (argv.isEmpty()) {
            return CommandResult.fail(64, usage());
        }
        String sub = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        CommandResult refused = caller.owns(UID) ? null : refused(sub, args);
        if (refused != null) {
            event("refused launchctl " + String.join(" ", argv) + " from uid " + caller.uid() + " ("
                    + caller.name() + "): " + refused.stderr().trim());
            return sub.equals("print") || sub.equals("print-disabled") || sub.equals("list") ? refused
                    : mutating(argv, refused);
        }
        try {
            return switch (sub) {
                case "bootstrap" -> mutating(argv, bootstrapCommand(cwd, args));
                case "bootout" -> mutating(argv, bootoutCommand(cwd, args));
                case "enable" -> mutating(argv, enableCommand(args, true));
                case "disable" -> mutating(argv, enableCommand(args, false));
                case "kickstart" -> mutating(argv, kickstartCommand(args));
                case "load" -> mutating(argv, loadCommand(cwd, args, true));
                case "unload" -> mutating(argv, loadCommand(cwd, args, false));
                case "print" -> printCommand(args);
                case "print-disabled" -> printDisabledCommand(args);
                case "list" -> listCommand(args);
                case "version" -> CommandResult.ok("Darwin Bootstrapper Version 7.0.0: Sat Apr 12 00:00:00 PDT 2025; "
                        + "root:libxpc_executables-2894.121.3~1/launchd/RELEASE_ARM64_T6000\n");
                case "help" -> CommandResult.ok(usage());
                default -> CommandResult.fail(64, "Unrecognized subcommand: " + sub + "\n" + usage());
            };
        } catch (RuntimeException e) {
            LOG.warn("lease {}: launchctl {} failed", leaseId, argv, e);
            return CommandResult.fail(1, "launchctl: internal simulator error: " + e.getMessage() + "\n");
        }
    }

    /**
     * What macOS answers a non-root user who addresses another user's {@code gui/<uid>} domain, or null when the
     * command does not address this domain (it then fails or succeeds as it would for anyone). launchctl prints
     * {@code <what> failed: <errno>: <strerror>} with the errno as exit code; launchd refuses with EPERM (1). Texts
     * from launchctl's own formats (ProcursusTeam/launchctl {@code print.c}, {@code kickstart.c}, {@code bootstrap.c},
     * {@code enable.c}, which reproduce Apple's strings) and transcripts of real Macs:
     * {@code Could not kickstart service "org.nixos.nix-daemon": 1: Operation not permitted}, exit status 1
     * (DeterminateSystems/nix-installer#1344; kcrawford/dockutil#162 on macOS 14.4);
     * {@code Boot-out failed: 1: Operation not permitted} (Alkenso/sLaunchctl#1);
     * {@code Could not print domain: 1: Operation not permitted}, exit 1 (the same text is what public launchd
     * clients test their "permission, not absence" handling against).
     */
    private static CommandResult refused(String sub, List<String> args) {
        String target = switch (sub) {
            case "print", "print-disabled", "bootstrap", "bootout", "enable", "disable" -> args.isEmpty() ? null : args.get(0);
            case "kickstart" -> args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse(null);
            case "load", "unload" -> "";
            case "list" -> "";
            default -> null;
        };
        if (target == null || !(target.isEmpty() || target.equals(domain()) || target.startsWith(domain() + "/"))) {
            return null;
        }
        String label = target.startsWith(domain() + "/") ? target.substring(domain().length() + 1) : "";
        return switch (sub) {
            case "print", "print-disabled" -> CommandResult.fail(1, "Could not print domain: 1: Operation not permitted\n");
            case "kickstart" -> CommandResult.fail(1, "Could not kickstart service \"" + label
                    + "\": 1: Operation not permitted\n");
            case "bootout" -> CommandResult.fail(1, "Boot-out failed: 1: Operation not permitted\n");
            case "bootstrap" -> CommandResult.fail(1, "Bootstrap failed: 1: Operation not permitted\n");
            case "enable", "disable" -> CommandResult.fail(1, "Could not " + sub + " service: 1: Operation not permitted\n");
            // legacy load/unload address the caller's own domain, which does not exist for it here
            case "load", "unload" -> new CommandResult("", (sub.equals("load") ? "Load" : "Unload")
                    + " failed: 5: Input/output error\nTry running `launchctl " + (sub.equals("load") ? "bootstrap" : "bootout")
                    + "` as root for richer errors.\n", 0);
            // the caller's own (empty) domain
            case "list" -> args.isEmpty() ? CommandResult.ok("PID\tStatus\tLabel\n")
                    : CommandResult.fail(113, "Could not find service \"" + args.get(0) + "\" in domain for port\n");
            default -> null;
        };
    }

    private CommandResult mutating(List<String> argv, CommandResult result) {
        record("launchctl " + String.join(" ", argv), result.exitCode());
        return result;
    }

    private CommandResult bootstrapCommand(Path cwd, List<String> args) {
        if (args.size() < 2) {
            return CommandResult.fail(64, "Usage: launchctl bootstrap <domain-target> [service-path, service-path2, ...]\n");
        }
        if (!args.get(0).equals(domain())) {
            return badDomain(args.get(0));
        }
        CommandResult last = CommandResult.ok("");
        for (String p : args.subList(1, args.size())) {
            last = bootstrap(cwd.resolve(p));
            if (last.exitCode() != 0) {
                return last;
            }
        }
        return last;
    }

    CommandResult bootstrap(Path plist) {
        if (!Files.isRegularFile(plist)) {
            return CommandResult.fail(2, "Bootstrap failed: 2: No such file or directory\n");
        }
        LaunchAgentPlist.Definition def;
        try {
            def = LaunchAgentPlist.parse(plist);
        } catch (Exception e) {
            event("bootstrap " + plist + " refused: invalid plist: " + e.getMessage());
            return ioError();
        }
        synchronized (this) {
            if (closed) {
                return ioError();
            }
            if (disabled.contains(def.label())) {
                event("bootstrap " + def.label() + " refused: service is disabled");
                return ioError();
            }
            if (jobs.containsKey(def.label())) {
                event("bootstrap " + def.label() + " refused: service already loaded");
                return ioError();
            }
            Job job = new Job(def, plist.toAbsolutePath());
            jobs.put(def.label(), job);
            event("loaded " + def.label() + " from " + plist + " (program " + def.programArguments() + ")");
            if (def.runAtLoad()) {
                spawn(job);
            }
        }
        return CommandResult.ok("");
    }

    private static CommandResult ioError() {
        return CommandResult.fail(5, "Bootstrap failed: 5: Input/output error\n"
                + "Try re-running the command as root for richer errors.\n");
    }

    private CommandResult bootoutCommand(Path cwd, List<String> args) {
        if (args.isEmpty()) {
            return CommandResult.fail(64, "Usage: launchctl bootout <domain-target> [service-path1, service-path2, ...] | <service-target>\n");
        }
        String target = args.get(0);
        String label;
        if (args.size() >= 2) {
            if (!target.equals(domain())) {
                return badDomain(target);
            }
            try {
                label = LaunchAgentPlist.parse(cwd.resolve(args.get(1))).label();
            } catch (Exception e) {
                return CommandResult.fail(5, "Boot-out failed: 5: Input/output error\n");
            }
        } else {
            label = serviceLabel(target);
            if (label == null) {
                return badDomain(target);
            }
        }
        return bootout(label) ? CommandResult.ok("") : CommandResult.fail(3, "Boot-out failed: 3: No such process\n");
    }

    /** Unloads the job: SIGTERM, SIGKILL after ExitTimeOut, waits for the exit. False when it was not loaded. */
    boolean bootout(String label) {
        Job job;
        Process p;
        synchronized (this) {
            job = jobs.remove(label);
            if (job == null) {
                return false;
            }
            job.removed = true;
            cancelRespawn(job);
            p = job.process;
        }
        if (p != null) {
            terminate(p, Duration.ofSeconds(Math.max(1, job.def.exitTimeOutSeconds())));
        }
        event("unloaded " + label + (p == null ? "" : " (pid " + p.pid() + " exited " + exitDescription(p) + ")"));
        return true;
    }

    private CommandResult enableCommand(List<String> args, boolean enable) {
        if (args.size() != 1) {
            return CommandResult.fail(64, "Usage: launchctl " + (enable ? "enable" : "disable") + " <service-target>\n");
        }
        String label = serviceLabel(args.get(0));
        if (label == null) {
            return badDomain(args.get(0));
        }
        synchronized (this) {
            boolean changed = enable ? disabled.remove(label) : disabled.add(label);
            if (changed) {
                persistDisabled();
                event((enable ? "enabled " : "disabled ") + label);
            }
        }
        return CommandResult.ok("");
    }

    private CommandResult kickstartCommand(List<String> args) {
        boolean kill = false;
        boolean printPid = false;
        String target = null;
        for (String a : args) {
            if (a.startsWith("-") && a.length() > 1) {
                for (char c : a.substring(1).toCharArray()) {
                    switch (c) {
                        case 'k' -> kill = true;
                        case 'p' -> printPid = true;
                        case 's' -> { }
                        default -> {
                            return CommandResult.fail(64, "Usage: launchctl kickstart [-k] [-p] <service-target>\n");
                        }
                    }
                }
            } else {
                target = a;
            }
        }
        if (target == null) {
            return CommandResult.fail(64, "Usage: launchctl kickstart [-k] [-p] <service-target>\n");
        }
        String label = serviceLabel(target);
        if (label == null) {
            return badDomain(target);
        }
        Job job;
        Process old;
        synchronized (this) {
            job = jobs.get(label);
            if (job == null) {
                return notFound(label);
            }
            if (disabled.contains(label)) {
                return CommandResult.fail(119, "Could not kickstart service \"" + label + "\": 119: Service is disabled\n");
            }
            old = job.process;
            if (old != null && !kill) {
                return CommandResult.ok(printPid ? old.pid() + "\n" : "");
            }
            if (old != null) {
                job.restarting = old;
            }
        }
        if (old != null) {
            terminate(old, Duration.ofSeconds(Math.max(1, job.def.exitTimeOutSeconds())));
        }
        synchronized (this) {
            if (old != null) {
                reap(job, old);
            }
            if (job.removed || closed) {
                return notFound(label);
            }
            if (job.process == null) {
                spawn(job);
            }
            event("kickstart" + (kill ? " -k " : " ") + label);
            return CommandResult.ok(printPid && job.process != null ? job.process.pid() + "\n" : "");
        }
    }

    private CommandResult loadCommand(Path cwd, List<String> args, boolean load) {
        boolean write = false;
        List<String> paths = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-w")) {
                write = true;
            } else if (!a.startsWith("-")) {
                paths.add(a);
            }
        }
        if (paths.isEmpty()) {
            return CommandResult.fail(64, "Usage: launchctl " + (load ? "load" : "unload") + " <service-path, service-path2, ...>\n");
        }
        StringBuilder err = new StringBuilder();
        for (String p : paths) {
            String label;
            try {
                label = LaunchAgentPlist.parse(cwd.resolve(p)).label();
            } catch (Exception e) {
                err.append(load ? "Load" : "Unload").append(" failed: 5: Input/output error\n");
                continue;
            }
            if (write) {
                synchronized (this) {
                    if (load ? disabled.remove(label) : disabled.add(label)) {
                        persistDisabled();
                    }
                }
            }
            if (load) {
                CommandResult r = bootstrap(cwd.resolve(p));
                if (r.exitCode() != 0) {
                    err.append("Load failed: 5: Input/output error\n");
                }
            } else if (!bootout(label)) {
                err.append("Unload failed: 3: No such process\n");
            }
        }
        return new CommandResult("", err.toString(), 0);
    }

    private CommandResult printCommand(List<String> args) {
        if (args.size() != 1) {
            return CommandResult.fail(64, "Usage: launchctl print <domain-target> | <service-target>\n");
        }
        String target = args.get(0);
        if (target.equals(domain())) {
            return CommandResult.ok(printDomain());
        }
        String label = serviceLabel(target);
        if (label == null) {
            return badDomain(target);
        }
        synchronized (this) {
            Job job = jobs.get(label);
            if (job == null) {
                return notFound(label);
            }
            return CommandResult.ok(printJob(job));
        }
    }

    private CommandResult printDisabledCommand(List<String> args) {
        if (args.size() != 1 || !args.get(0).equals(domain())) {
            return args.size() == 1 ? badDomain(args.get(0))
                    : CommandResult.fail(64, "Usage: launchctl print-disabled <domain-target>\n");
        }
        StringBuilder s = new StringBuilder("disabled services = {\n");
        synchronized (this) {
            for (String label : disabled) {
                s.append("\t\"").append(label).append("\" => disabled\n");
            }
        }
        s.append("}\n\nlogin item associations = {\n}\n");
        return CommandResult.ok(s.toString());
    }

    private CommandResult listCommand(List<String> args) {
        synchronized (this) {
            if (args.isEmpty()) {
                StringBuilder s = new StringBuilder("PID\tStatus\tLabel\n");
                for (Job job : jobs.values()) {
                    s.append(job.process != null ? Long.toString(job.process.pid()) : "-").append('\t')
                            .append(job.lastExitCode == null ? 0 : job.lastExitCode).append('\t')
                            .append(job.def.label()).append('\n');
                }
                return CommandResult.ok(s.toString());
            }
            Job job = jobs.get(args.get(0));
            if (job == null) {
                return CommandResult.fail(113, "Could not find service \"" + args.get(0) + "\" in domain for port\n");
            }
            StringBuilder s = new StringBuilder("{\n");
            s.append("\t\"LimitLoadToSessionType\" = \"Aqua\";\n");
            s.append("\t\"Label\" = \"").append(job.def.label()).append("\";\n");
            s.append("\t\"OnDemand\" = ").append(job.def.keepAlive() ? "false" : "true").append(";\n");
            s.append("\t\"LastExitStatus\" = ").append(job.lastExitCode == null ? 0 : job.lastExitCode << 8).append(";\n");
            if (job.process != null) {
                s.append("\t\"PID\" = ").append(job.process.pid()).append(";\n");
            }
            s.append("\t\"Program\" = \"").append(job.def.programArguments().get(0)).append("\";\n");
            s.append("\t\"ProgramArguments\" = (\n");
            for (String a : job.def.programArguments()) {
                s.append("\t\t\"").append(a).append("\";\n");
            }
            s.append("\t);\n};\n");
            return CommandResult.ok(s.toString());
        }
    }

    private String printDomain() {
        StringBuilder s = new StringBuilder(domain()).append(" = {\n\ttype = login\n\thandle = ").append(UID)
                .append("\n\tactive count = ");
        synchronized (this) {
            long active = jobs.values().stream().filter(j -> j.process != null).count();
            s.append(active).append("\n\tservice count = ").append(jobs.size()).append("\n\n\tservices = {\n");
            for (Job job : jobs.values()) {
                s.append("\t\t").append(job.process != null ? Long.toString(job.process.pid()) : "0").append("\t\t")
                        .append(job.lastExitCode == null ? "-" : Integer.toString(job.lastExitCode)).append(" \t")
                        .append(job.def.label()).append('\n');
            }
            s.append("\t}\n\n\tdisabled services = {\n");
            for (String label : disabled) {
                s.append("\t\t\"").append(label).append("\" => disabled\n");
            }
        }
        s.append("\t}\n}\n");
        return s.toString();
    }

    /** launchd's {@code print} text for a service target. Caller holds the lock. */
    private String printJob(Job job) {
        LaunchAgentPlist.Definition d = job.def;
        StringBuilder s = new StringBuilder();
        s.append(domain()).append('/').append(d.label()).append(" = {\n");
        s.append("\tactive count = ").append(job.process != null ? 1 : 0).append('\n');
        s.append("\tpath = ").append(job.plistPath).append('\n');
        s.append("\ttype = LaunchAgent\n");
        s.append("\tstate = ").append(job.process != null ? "running" : "not running").append("\n\n");
        s.append("\tprogram = ").append(d.programArguments().get(0)).append('\n');
        s.append("\targuments = {\n");
        for (String a : d.programArguments()) {
            s.append("\t\t").append(a).append('\n');
        }
        s.append("\t}\n\n");
        if (d.workingDirectory() != null) {
            s.append("\tworking directory = ").append(d.workingDirectory()).append("\n\n");
        }
        if (d.standardInPath() != null) {
            s.append("\tstdin path = ").append(d.standardInPath()).append('\n');
        }
        if (d.standardOutPath() != null) {
            s.append("\tstdout path = ").append(d.standardOutPath()).append('\n');
        }
        if (d.standardErrorPath() != null) {
            s.append("\tstderr path = ").append(d.standardErrorPath()).append('\n');
        }
        s.append("\tdefault environment = {\n\t\tPATH => /usr/bin:/bin:/usr/sbin:/sbin\n\t}\n\n");
        s.append("\tenvironment = {\n");
        for (Map.Entry<String, String> e : d.environment().entrySet()) {
            s.append("\t\t").append(e.getKey()).append(" => ").append(e.getValue()).append('\n');
        }
        s.append("\t\tXPC_SERVICE_NAME => ").append(d.label()).append("\n\t}\n\n");
        s.append("\tdomain = ").append(domain()).append(" [100005]\n");
        s.append("\tasid = 100005\n");
        s.append("\tminimum runtime = ").append(d.throttleIntervalSeconds()).append('\n');
        s.append("\texit timeout = ").append(d.exitTimeOutSeconds()).append('\n');
        s.append("\truns = ").append(job.runs).append('\n');
        if (job.process != null) {
            s.append("\tpid = ").append(job.process.pid()).append('\n');
        }
        s.append("\timmediate reason = ").append(job.runs > 1 ? "keepalive" : "speculative").append('\n');
        s.append("\tforks = 0\n\texecs = ").append(job.runs).append('\n');
        s.append("\tinitialized = 1\n\ttrampolined = 1\n\tstarted suspended = 0\n\tproxy started suspended = 0\n");
        if (job.lastExitCode == null) {
            s.append("\tlast exit code = (never exited)\n");
        } else if (job.lastExitBySignal) {
            int sig = job.lastExitCode - 128;
            s.append("\tlast terminating signal = ").append(signalName(sig)).append(": ").append(sig).append('\n');
        } else {
            s.append("\tlast exit code = ").append(exitCodeText(job.lastExitCode)).append('\n');
        }
        s.append("\n\tspawn type = ").append("Interactive".equals(d.processType()) ? "interactive (4)" : "daemon (3)").append('\n');
        s.append("\tjetsam priority = 40\n\tjetsam memory limit (active) = (unlimited)\n");
        s.append("\tjetsam memory limit (inactive) = (unlimited)\n\tjetsamproperties category = daemon\n");
        s.append("\tsubmitted job. ignore execute allowed\n\tjetsam thread limit = 32\n\tcpumon = default\n");
        s.append('\n');
        List<String> props = new ArrayList<>();
        if (d.keepAlive()) {
            props.add("keepalive");
        }
        if (d.runAtLoad()) {
            props.add("runatload");
        }
        props.add("inferred program");
        s.append("\tproperties = ").append(String.join(" | ", props)).append('\n');
        s.append("}\n");
        return s.toString();
    }

    /**
     * {@code last exit code} as launchd prints it: sysexits(3) codes with their name ({@code 78: EX_CONFIG}),
     * anything else as the bare number.
     */
    static String exitCodeText(int code) {
        String name = switch (code) {
            case 64 -> "EX_USAGE";
            case 65 -> "EX_DATAERR";
            case 66 -> "EX_NOINPUT";
            case 67 -> "EX_NOUSER";
            case 68 -> "EX_NOHOST";
            case 69 -> "EX_UNAVAILABLE";
            case 70 -> "EX_SOFTWARE";
            case 71 -> "EX_OSERR";
            case 72 -> "EX_OSFILE";
            case 73 -> "EX_CANTCREAT";
            case 74 -> "EX_IOERR";
            case 75 -> "EX_TEMPFAIL";
            case 76 -> "EX_PROTOCOL";
            case 77 -> "EX_NOPERM";
            case 78 -> "EX_CONFIG";
            default -> null;
        };
        return name == null ? Integer.toString(code) : code + ": " + name;
    }

    private static String signalName(int sig) {
        return switch (sig) {
            case 9 -> "Killed";
            case 15 -> "Terminated";
            case 6 -> "Abort trap";
            case 2 -> "Interrupt";
            case 11 -> "Segmentation fault";
            default -> "Signal " + sig;
        };
    }

    // ------------------------------------------------------------------------------------------------ processes

    /** Starts the job's program. Caller holds the lock. */
    private void spawn(Job job) {
        cancelRespawn(job);
        LaunchAgentPlist.Definition d = job.def;
        List<String> command = new ArrayList<>();
        if (d.umask() != null) {
            // launchd applies Umask before exec; `exec` keeps the pid, so the pid is still the program's
            command.addAll(List.of("/bin/sh", "-c", "umask " + String.format("%03o", d.umask() & 0777) + " && exec \"$0\" \"$@\""));
        }
        command.addAll(d.programArguments());
        if (light != null && LightGateway.runsStandIn(d.programArguments())) {
            spawnLight(job, command);
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        Path wd = d.workingDirectory() != null ? Path.of(d.workingDirectory()) : Path.of("/");
        pb.directory(Files.isDirectory(wd) ? wd.toFile() : new File("/"));
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(jobEnvironment(d));
        pb.redirectInput(d.standardInPath() != null && Files.exists(Path.of(d.standardInPath()))
                ? ProcessBuilder.Redirect.from(new File(d.standardInPath()))
                : ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(logRedirect(d.standardOutPath()));
        pb.redirectError(logRedirect(d.standardErrorPath()));
        job.runs++;
        job.lastSpawnNanos = System.nanoTime();
        try {
            Process p = pb.start();
            job.process = p;
            persistPids();
            event("spawned " + d.label() + " pid " + p.pid() + " (run " + job.runs + ")");
            p.onExit().thenRun(() -> onExit(job, p));
        } catch (IOException e) {
            job.process = null;
            job.lastExitCode = 78;
            job.lastExitBySignal = false;
            event("spawn of " + d.label() + " failed: " + e.getMessage());
            scheduleRespawn(job, 78);
        }
    }

    /** What launchd gives a job: HOME, USER, LOGNAME, SHELL, PATH, TMPDIR, XPC_*, the simulator's, the plist's. */
    private Map<String, String> jobEnvironment(LaunchAgentPlist.Definition d) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.home().toString());
        env.put("USER", System.getProperty("user.name"));
        env.put("LOGNAME", System.getProperty("user.name"));
        env.put("SHELL", "/bin/zsh");
        env.put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        env.put("TMPDIR", System.getProperty("java.io.tmpdir"));
        env.put("XPC_SERVICE_NAME", d.label());
        env.put("XPC_FLAGS", "0x0");
        env.put("OPENCLAW_SIM_LEASE_ID", leaseId);
        env.put("OPENCLAW_SIM_STARTUP_DELAY_MS", Long.toString(startupDelay.toMillis()));
        env.putAll(d.environment());
        return env;
    }

    /** LIGHT mode: the gateway stand-in as an in-JVM {@link LightGateway}; the bookkeeping is a spawned process's. Caller holds the lock. */
    private void spawnLight(Job job, List<String> command) {
        LaunchAgentPlist.Definition d = job.def;
        job.runs++;
        job.lastSpawnNanos = System.nanoTime();
        Path out = logPath(d.standardOutPath());
        Path err = logPath(d.standardErrorPath());
        LightGateway p = LightGateway.start(light, leaseId, command, jobEnvironment(d), out, err,
                argv -> launchctl(home.home(), argv, Caller.owner()));
        job.process = p;
        persistPids();
        event("spawned " + d.label() + " pid " + p.pid() + " (run " + job.runs + ", light gateway in the simulator JVM)");
        p.onExit().thenRun(() -> onExit(job, p));
    }

    private static Path logPath(String path) {
        if (path == null) {
            return null;
        }
        Path p = Path.of(path);
        return p.getParent() != null && Files.isDirectory(p.getParent()) ? p : null;
    }

    /** The running job's process if it is a LIGHT gateway, else null. */
    synchronized LightGateway lightGateway(String label) {
        Job job = jobs.get(label);
        return job != null && job.process instanceof LightGateway g ? g : null;
    }

    /**
     * LIGHT mode's {@code kill}: sends {@code signal} (9 or 15) to the job whose LIGHT gateway has {@code pid}; false
     * when no LIGHT gateway of this domain has that pid.
     */
    boolean signalLight(long pid, int signal) {
        LightGateway target = null;
        synchronized (this) {
            for (Job job : jobs.values()) {
                if (job.process instanceof LightGateway g && g.pid() == pid && g.isAlive()) {
                    target = g;
                }
            }
        }
        if (target == null) {
            return false;
        }
        event("signal " + signal + " to light gateway pid " + pid);
        if (signal == 9) {
            target.destroyForcibly();
        } else {
            target.destroy();
        }
        return true;
    }

    private static ProcessBuilder.Redirect logRedirect(String path) {
        if (path == null) {
            return ProcessBuilder.Redirect.DISCARD;
        }
        Path p = Path.of(path);
        if (p.getParent() == null || !Files.isDirectory(p.getParent())) {
            return ProcessBuilder.Redirect.DISCARD;
        }
        return ProcessBuilder.Redirect.appendTo(p.toFile());
    }

    private synchronized void onExit(Job job, Process p) {
        if (!reap(job, p) || job.removed || closed || job.restarting == p) {
            return;
        }
        scheduleRespawn(job, p.exitValue());
    }

    /** Records the exit of {@code p} once (exit callback or a waiting kickstart, whichever comes first). Caller holds the lock. */
    private boolean reap(Job job, Process p) {
        if (job.lastReaped == p) {
            return false;
        }
        job.lastReaped = p;
        int code = p.exitValue();
        if (job.process == p) {
            job.process = null;
        }
        job.lastExitCode = code;
        job.lastExitBySignal = code > 128 && code < 160;
        persistPids();
        event("exited " + job.def.label() + " pid " + p.pid() + " " + exitDescription(p));
        return true;
    }

    /** KeepAlive: respawn no sooner than ThrottleInterval after the previous start. Caller holds the lock. */
    private void scheduleRespawn(Job job, int exitCode) {
        LaunchAgentPlist.Definition d = job.def;
        boolean wanted = d.keepAlive() && (d.keepAliveSuccessfulExit() == null
                || (d.keepAliveSuccessfulExit() ? exitCode == 0 : exitCode != 0));
        if (!wanted) {
            return;
        }
        if (job.held) {
            event("respawn of " + d.label() + " held by the simulator");
            return;
        }
        if (disabled.contains(d.label())) {
            event("not respawning " + d.label() + ": service is disabled");
            return;
        }
        long throttleNanos = throttleOverride != null ? throttleOverride.toNanos()
                : TimeUnit.SECONDS.toNanos(d.throttleIntervalSeconds());
        long ran = System.nanoTime() - job.lastSpawnNanos;
        long delay = Math.max(0, throttleNanos - ran);
        if (delay > 0) {
            event(String.format("Service only ran for %d seconds. Pushing respawn out by %.3f seconds.",
                    TimeUnit.NANOSECONDS.toSeconds(ran), delay / 1e9));
        }
        job.respawn = scheduler.schedule(() -> {
            synchronized (LaunchdEmulator.this) {
                if (!job.removed && !closed && !job.held && job.process == null && !disabled.contains(d.label())) {
                    spawn(job);
                }
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private static void cancelRespawn(Job job) {
        if (job.respawn != null) {
            job.respawn.cancel(false);
            job.respawn = null;
        }
    }

    /** SIGTERM, then SIGKILL after {@code timeout}; waits for the exit. */
    static void terminate(Process p, Duration timeout) {
        if (!p.isAlive()) {
            p.onExit().join();
            return;
        }
        p.destroy();
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            p.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        } catch (ExecutionException e) {
            p.destroyForcibly();
        }
    }

    private static String exitDescription(Process p) {
        if (p.isAlive()) {
            return "(still running)";
        }
        int code = p.exitValue();
        return code > 128 && code < 160 ? "on signal " + (code - 128) : "with code " + code;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The label of {@code gui/<uid>/<label>}, or null when the target is not in this domain. */
    private static String serviceLabel(String target) {
        String prefix = domain() + "/";
        if (!target.startsWith(prefix) || target.length() == prefix.length()) {
            return null;
        }
        return target.substring(prefix.length());
    }

    private static CommandResult notFound(String label) {
        return CommandResult.fail(113, "Could not find service \"" + label + "\" in domain for port\n");
    }

    private static CommandResult badDomain(String target) {
        if (target.startsWith("gui/") || target.startsWith("user/")) {
            return CommandResult.fail(113, "Could not find domain for port\n");
        }
        return CommandResult.fail(64, "Unrecognized target specifier.\n");
    }

    private static String usage() {
        return "Usage: launchctl <subcommand> ... | help [subcommand]\n"
                + "Subcommands (emulated by lease-simulator): bootstrap, bootout, enable, disable, kickstart, print,\n"
                + "print-disabled, list, load, unload, version, help\n";
    }

    /** Something to run while a job is held down. */
    interface WhileDown {
        void run() throws IOException;
    }

    /**
     * Fault injection: SIGKILLs the running job (as a crash would), keeps KeepAlive from respawning it while
     * {@code whileDown} runs, then lets KeepAlive respawn it as usual. Runs {@code whileDown} alone when not loaded.
     */
    void killAndHold(String label, WhileDown whileDown) throws IOException {
        Job job;
        Process p;
        synchronized (this) {
            job = jobs.get(label);
            if (job == null) {
                whileDown.run();
                return;
            }
            job.held = true;
            cancelRespawn(job);
            p = job.process;
        }
        try {
            if (p != null) {
                event("simulator fault: SIGKILL " + label + " pid " + p.pid());
                p.destroyForcibly();
                p.onExit().join();
            }
            whileDown.run();
        } finally {
            synchronized (this) {
                job.held = false;
                if (!job.removed && !closed && job.process == null) {
                    scheduleRespawn(job, job.lastExitCode == null ? 0 : job.lastExitCode);
                }
            }
        }
    }

    /** Fault injection: {@code launchctl kickstart -k} of a loaded job (no-op when not loaded or disabled). */
    void restart(String label) {
        synchronized (this) {
            if (!jobs.containsKey(label) || disabled.contains(label)) {
                return;
            }
        }
        CommandResult r = kickstartCommand(List.of("-k", domain() + "/" + label));
        event("simulator fault: kickstart -k " + label + " -> exit " + r.exitCode());
    }

    /** State of a job for the control API: loaded, state, pid, runs, last exit code (null = never exited). */
    record JobStatus(boolean loaded, boolean disabled, String state, long pid, int runs, Integer lastExitCode) {
    }

    synchronized JobStatus status(String label) {
        Job job = jobs.get(label);
        if (job == null) {
            return new JobStatus(false, disabled.contains(label), "not loaded", 0, 0, null);
        }
        return new JobStatus(true, disabled.contains(label), job.process != null ? "running" : "not running",
                job.process != null ? job.process.pid() : 0, job.runs, job.lastExitCode);
    }

    /** Pid of the running job, or 0. */
    synchronized long pid(String label) {
        Job job = jobs.get(label);
        return job != null && job.process != null ? job.process.pid() : 0;
    }

    synchronized boolean isLoaded(String label) {
        return jobs.containsKey(label);
    }

    private void persistDisabled() {
        try {
            Files.write(disabledDb, disabled);
        } catch (IOException e) {
            LOG.warn("lease {}: cannot persist disabled services", leaseId, e);
        }
    }

    private void persistPids() {
        if (closed) {
            // close() deleted the file: an exit reaped after it (SIGTERM's callback) must not write it again, or the
            // lease's state directory is not empty for whoever deletes it next (a test's @TempDir, --reset)
            return;
        }
        StringBuilder s = new StringBuilder();
        for (Job job : jobs.values()) {
            if (job.process != null) {
                s.append(job.process.pid()).append('\n');
            }
        }
        try {
            Files.writeString(pidFile, s.toString());
        } catch (IOException e) {
            LOG.warn("lease {}: cannot persist pids", leaseId, e);
        }
    }

    /** Kills gateways left behind by a simulator that died without closing (their pids are in the pid file). */
    private void killStaleProcesses() throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        for (String line : Files.readAllLines(pidFile)) {
            if (line.isBlank()) {
                continue;
            }
            ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ph -> {
                String cmd = ph.info().commandLine().orElse("");
                if (ph.isAlive() && cmd.contains(home.home().toString())) {
                    LOG.warn("lease {}: killing stale gateway pid {} from a previous run", leaseId, ph.pid());
                    ph.destroyForcibly();
                    ph.onExit().join();
                }
            });
        }
        Files.delete(pidFile);
    }

    /** Appends a mutating operation to ~/.sim/applied.log. */
    void record(String operation, int exitCode) {
        String line = Instant.now() + "\t" + leaseId + "\t" + operation + "\texit=" + exitCode + "\n";
        synchronized (home) {
            try {
                Files.writeString(home.appliedLog(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                LOG.warn("lease {}: cannot append to applied.log", leaseId, e);
            }
        }
    }

    private void event(String message) {
        LOG.info("lease {} launchd: {}", leaseId, message);
        try {
            Files.writeString(home.simDir().resolve("launchd.log"), Instant.now() + " " + message + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.debug("cannot write launchd.log", e);
        }
    }

    /** Stops every job (SIGTERM, SIGKILL after {@code timeout}) without touching the disabled database. */
    @Override
    public void close() {
        List<Process> running = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Job job : jobs.values()) {
                cancelRespawn(job);
                job.removed = true;
                if (job.process != null) {
                    running.add(job.process);
                }
            }
            jobs.clear();
        }
        for (Process p : running) {
            p.destroy();
        }
        for (Process p : running) {
            terminate(p, Duration.ofSeconds(5));
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.debug("cannot delete pid file", e);
        }
    }

    private static int currentUid() {
        try {
            return (int) new UnixSystem().getUid();
        } catch (Throwable t) {
            return 501;
        }
    }

    /** For tests and diagnostics: label → pid (0 when not running). */
    synchronized Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        jobs.forEach((k, v) -> m.put(k, v.process == null ? 0L : v.process.pid()));
        return m;
    }
}
