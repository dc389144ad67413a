package com.maclogin.cutover.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * LIGHT mode: the command lines the worker's light watch runs on every round, answered in the simulator JVM without
 * forking a shell (also when sent as {@code /bin/sh -c '<line>'}, as the product's SSH client sends every command), with the outputs, exit codes and refusals the shell path gives (the same {@link MacCommands},
 * {@link SudoEmulator} and launchd emulator answer both; {@code df} is computed as GNU df and the {@code df} shim's
 * DISK_LOW rewrite compute it). Only these exact shapes (words separated by spaces, each bare, single-quoted without
 * a quote inside, or {@code "$HOME"}) are taken; every other command line goes to {@code /bin/sh -c} as always:
 * <ul>
 *   <li>{@code launchctl print <target>} (the gateway account's read, {@code LaunchdRead.own});</li>
 *   <li>{@code sudo -n -u <user> /bin/launchctl print <target>} (the probe account's grant, {@code LaunchdRead.viaGrant});</li>
 *   <li>{@code df -k <path>} and {@code df -k "$HOME"} ({@code DiskProbe});</li>
 *   <li>{@code id -u <gateway user>} (the watch reads the gateway's uid once per lease);</li>
 *   <li>{@code kill [-9|-KILL|-15|-TERM] <pid>…} when every pid is a LIGHT gateway of the lease (there is no real
 *       process to signal).</li>
 * </ul>
 * The caller is who the shell would be: the gateway's account, or the probe account ({@code $EUID} = its uid when it
 * is an OS user, {@code $USER} = its name).
 */
final class LightExec {

    /** Commands answered in the JVM, for the benchmarks. */
    static final AtomicLong ANSWERED = new AtomicLong();

    private final Path leaseHome;
    private final Map<String, Integer> users;
    private final MacCommands commands;
    private final LaunchdEmulator launchd;
    private final Executor work;
    private final ScheduledExecutorService timers;
    /** When this lease last answered a launchd read (launchctl print, directly or through sudo) with exit 0. */
    private volatile long lastReadMillis;

    /**
     * @param users the OS users {@code id -u <name>} is answered for (the gateway's account; the probe account when it
     *              is a real OS user); any other name goes to the shell
     */
    LightExec(Path leaseHome, MacCommands commands, LaunchdEmulator launchd, Executor work,
              ScheduledExecutorService timers, Map<String, Integer> users) {
        this.users = Map.copyOf(users);
        this.leaseHome = leaseHome;
        this.commands = commands;
        this.launchd = launchd;
        this.work = work;
        this.timers = timers;
    }

    /**
     * The in-JVM command for {@code line}, or null when it is not one of the shapes (then the shell runs it).
     *
     * @param sessionHome the session's {@code $HOME} (the lease home, or the probe account's home)
     * @param caller      who the shell would run as
     */
    Command command(String line, Path sessionHome, Caller caller, long delayMillis) {
        List<String> argv = command(line, sessionHome);
        Answer answer;
        if (argv == null) {
            answer = split(script(line, sessionHome), sessionHome, caller);
        } else {
            answer = argv.isEmpty() ? null : answer(argv, sessionHome, caller);
        }
        return answer == null ? null : new InJvm(answer, delayMillis);
    }

    /** The split marker the worker's watch puts between two reads ({@code SplitExec}): {@code ocw-} and 32 hex digits. */
    private static final java.util.regex.Pattern MARKER = java.util.regex.Pattern.compile("ocw-[0-9a-f]{32}");

    /**
     * {@code <first>; echo <marker> $?; echo <marker> >&2; <second>} (the worker's {@code SplitExec}: the launchd
     * read and {@code df} in one exec) when both commands are read shapes ({@code launchctl print}, the sudo grant's
     * read, {@code df -k}, {@code id -u}): answered as the shell does, stdout = the first's stdout, the marker, a space,
     * the first's exit code and a newline, then the second's stdout; stderr = the first's stderr, the marker and a
     * newline, then the second's stderr; exit code = the second's. Null for anything else.
     */
    private Answer split(String script, Path home, Caller caller) {
        List<String> parts = topLevelSemicolons(script);
        if (parts == null || parts.size() != 4) {
            return null;
        }
        String echoOut = parts.get(1);
        String echoErr = parts.get(2);
        if (!echoOut.startsWith(" echo ") || !echoOut.endsWith(" $?") || !parts.get(3).startsWith(" ")) {
            return null;
        }
        String marker = echoOut.substring(6, echoOut.length() - 3);
        if (!MARKER.matcher(marker).matches() || !echoErr.equals(" echo " + marker + " >&2")) {
            return null;
        }
        Answer first = read(parts.get(0), home, caller);
        Answer second = read(parts.get(3).substring(1), home, caller);
        if (first == null || second == null) {
            return null;
        }
        return () -> {
            CommandResult a = first.run();
            CommandResult b = second.run();
            return new CommandResult(a.stdout() + marker + " " + a.exitCode() + "\n" + b.stdout(),
                    a.stderr() + marker + "\n" + b.stderr(), b.exitCode());
        };
    }

    /** The answer of a plain read command (not {@code kill}: the split form carries reads only), or null. */
    private Answer read(String line, Path home, Caller caller) {
        List<String> argv = words(line, home);
        if (argv == null || argv.isEmpty() || argv.get(0).equals("kill")) {
            return null;
        }
        return answer(argv, home, caller);
    }

    /**
     * {@code script} cut at every {@code ;} outside single quotes and backslash escapes (the only quoting the plain
     * shapes use), or null when a quote is not closed. The pieces keep their spaces; each is then checked on its own
     * (the commands by {@link #words}, which refuses every other operator, the echoes by exact text).
     */
    static List<String> topLevelSemicolons(String script) {
        if (script == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\'') {
                int end = script.indexOf('\'', i + 1);
                if (end < 0) {
                    return null;
                }
                i = end;
            } else if (c == '\\') {
                i++;
            } else if (c == ';') {
                out.add(script.substring(from, i));
                from = i + 1;
            }
        }
        out.add(script.substring(from));
        return out;
    }

    /** The script {@code /bin/sh -c <script>} (nested up to three times) runs, or null when {@code line} is not that. */
    static String script(String line, Path home) {
        String current = null;
        List<String> argv = words(line, home);
        for (int depth = 0; argv != null && depth < 3; depth++) {
            if (argv.size() == 3 && (argv.get(0).equals("/bin/sh") || argv.get(0).equals("sh")) && argv.get(1).equals("-c")) {
                current = argv.get(2);
                argv = words(current, home);
            } else {
                return null;
            }
        }
        return argv == null ? current : null;
    }

    private interface Answer {
        CommandResult run();
    }

    private Answer answer(List<String> argv, Path cwd, Caller caller) {
        String cmd = argv.get(0);
        if (cmd.equals("launchctl") && argv.size() == 3 && argv.get(1).equals("print")) {
            return () -> read(commands.run("launchctl", cwd, argv.subList(1, argv.size()), caller));
        }
        if (cmd.equals("sudo") && argv.size() == 7 && argv.get(1).equals("-n") && argv.get(2).equals("-u")
                && argv.get(4).equals("/bin/launchctl") && argv.get(5).equals("print")) {
            return () -> read(commands.run("sudo", cwd, argv.subList(1, argv.size()), caller));
        }
        if (cmd.equals("df") && argv.size() == 3 && argv.get(1).equals("-k")) {
            Path path = cwd.resolve(argv.get(2));
            return () -> df(path, argv.get(2));
        }
        if (cmd.equals("id") && argv.size() == 3 && argv.get(1).equals("-u") && users.containsKey(argv.get(2))) {
            int uid = users.get(argv.get(2));
            return () -> CommandResult.ok(uid + "\n");
        }
        if (cmd.equals("kill") && argv.size() >= 2) {
            return kill(argv.subList(1, argv.size()));
        }
        return null;
    }

    private CommandResult read(CommandResult r) {
        if (r.exitCode() == 0) {
            lastReadMillis = System.currentTimeMillis();
        }
        return r;
    }

    /** When this lease last answered a launchd read with exit 0 (epoch ms; 0 = never): the benchmarks' "watched". */
    long lastReadMillis() {
        return lastReadMillis;
    }

    private Answer kill(List<String> args) {
        int signal = 15;
        List<String> pids = args;
        String first = args.get(0);
        if (first.startsWith("-")) {
            signal = switch (first) {
                case "-9", "-KILL", "-SIGKILL" -> 9;
                case "-15", "-TERM", "-SIGTERM" -> 15;
                default -> -1;
            };
            pids = args.subList(1, args.size());
        }
        if (signal < 0 || pids.isEmpty()) {
            return null;
        }
        List<Long> targets = new ArrayList<>();
        for (String p : pids) {
            if (!p.matches("\\d{1,10}")) {
                return null;
            }
            long pid = Long.parseLong(p);
            LightGateway g = launchd.lightGateway(LaunchAgentPlist.LABEL);
            if (g == null || g.pid() != pid) {
                return null; // a real process (or none): the shell's kill answers
            }
            targets.add(pid);
        }
        int sig = signal;
        return () -> {
            for (long pid : targets) {
                if (!launchd.signalLight(pid, sig)) {
                    return CommandResult.fail(1, "sh: 1: kill: No such process\n\n");
                }
            }
            return CommandResult.ok("");
        };
    }

    // ------------------------------------------------------------------------------------------------ df -k

    /** Filesystem column and mount point of a volume, learned once per volume from the real {@code df -P}. */
    private record Volume(String filesystem, String mountedOn) {
    }

    private static final Map<String, Volume> VOLUMES = new ConcurrentHashMap<>();

    /**
     * {@code df -k <path>} as GNU df prints it (one volume row; sizes from statvfs: 1K-blocks = f_blocks, Used =
     * f_blocks − f_bfree, Available = f_bavail, Use% = ⌈Used·100/(Used+Available)⌉), then the DISK_LOW rewrite of the
     * {@code df} shim when the fault is on and the row is the lease home's volume.
     */
    CommandResult df(Path path, String word) {
        if (!Files.exists(path)) {
            return CommandResult.fail(1, "df: " + word + ": No such file or directory\n");
        }
        try {
            FileStore store = Files.getFileStore(path);
            Volume v = volume(store, path);
            long total = store.getTotalSpace() / 1024;
            long used = (store.getTotalSpace() - store.getUnallocatedSpace()) / 1024;
            long avail = store.getUsableSpace() / 1024;
            String pct = used + avail > 0 ? ceilDiv(used * 100, used + avail) + "%" : "-";
            Path fault = leaseHome.resolve(".sim/faults/disk-free-percent");
            if (Files.exists(fault)) {
                FileStore homeStore = Files.getFileStore(leaseHome);
                if (volume(homeStore, leaseHome).mountedOn().equals(v.mountedOn())) {
                    long p = Long.parseLong(Files.readString(fault).trim());
                    avail = total * p / 100;
                    used = total - avail;
                    pct = (total > 0 ? ceilDiv(used * 100, total) : 0) + "%";
                }
            }
            String[][] rows = {
                {"Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted on"},
                {v.filesystem(), Long.toString(total), Long.toString(used), Long.toString(avail), pct, v.mountedOn()}};
            int[] w = {14, 5, 5, 5, 4};
            for (String[] r : rows) {
                for (int i = 0; i < 5; i++) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            StringBuilder s = new StringBuilder();
            for (String[] r : rows) {
                s.append(String.format("%-" + w[0] + "s %" + w[1] + "s %" + w[2] + "s %" + w[3] + "s %" + w[4] + "s %s%n",
                        r[0], r[1], r[2], r[3], r[4], r[5]));
            }
            return CommandResult.ok(s.toString());
        } catch (IOException | RuntimeException e) {
            return CommandResult.fail(1, "df: " + word + ": " + e.getMessage() + "\n");
        }
    }

    private static long ceilDiv(long a, long b) {
        return a / b + (a % b != 0 ? 1 : 0);
    }

    private static Volume volume(FileStore store, Path path) throws IOException {
        String key = store.toString();
        Volume v = VOLUMES.get(key);
        if (v != null) {
            return v;
        }
        Process p = new ProcessBuilder("df", "-P", "-k", path.toString()).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String[] lines = out.split("\n");
        if (lines.length < 2) {
            throw new IOException("df -P gave no row: " + out.trim());
        }
        // Filesystem 1024-blocks Used Available Capacity Mounted-on (the mount point may contain spaces)
        String[] cols = lines[lines.length - 1].trim().split("\\s+", 6);
        if (cols.length < 6) {
            throw new IOException("df -P row not understood: " + lines[lines.length - 1]);
        }
        v = new Volume(cols[0], cols[5]);
        VOLUMES.put(key, v);
        return v;
    }

    // ------------------------------------------------------------------------------------------------ words

    /**
     * The words of {@code line} when it is a plain command line: words separated by spaces, each made of bare
     * characters ({@code [A-Za-z0-9_./:@%+=,-]}), single-quoted parts and backslash-escaped characters (as
     * {@code ShellQuote} writes a quote: {@code '\''}), or exactly {@code "$HOME"} / {@code $HOME}; null for anything
     * else (operators, other expansions, double quotes, redirections, globs).
     */
    static List<String> words(String line, Path home) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            if (line.startsWith("\"$HOME\"", i) && (i + 7 == n || line.charAt(i + 7) == ' ')) {
                out.add(home.toString());
                i += 7;
                continue;
            }
            if (line.startsWith("$HOME", i) && (i + 5 == n || line.charAt(i + 5) == ' ')) {
                out.add(home.toString());
                i += 5;
                continue;
            }
            StringBuilder w = new StringBuilder();
            while (i < n && line.charAt(i) != ' ') {
                char d = line.charAt(i);
                if (d == '\'') {
                    int end = line.indexOf('\'', i + 1);
                    if (end < 0) {
                        return null;
                    }
                    w.append(line, i + 1, end);
                    i = end + 1;
                } else if (d == '\\') {
                    if (i + 1 >= n || line.charAt(i + 1) == '\n') {
                        return null;
                    }
                    w.append(line.charAt(i + 1));
                    i += 2;
                } else if ((Character.isLetterOrDigit(d) && d < 128) || "_./:@%+=,-".indexOf(d) >= 0) {
                    w.append(d);
                    i++;
                } else {
                    return null;
                }
            }
            out.add(w.toString());
        }
        return out;
    }

    /**
     * The command {@code line} runs: its words, and for {@code /bin/sh -c <script>} (what the product's SSH client
     * sends: {@code /bin/sh -c '<script>'}) the words of the script; null when any level is not plain.
     */
    static List<String> command(String line, Path home) {
        List<String> argv = words(line, home);
        for (int depth = 0; argv != null && depth < 3; depth++) {
            if (argv.size() == 3 && (argv.get(0).equals("/bin/sh") || argv.get(0).equals("sh")) && argv.get(1).equals("-c")) {
                argv = words(argv.get(2), home);
            } else {
                return argv;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ the channel

    /** Writes the answer's stdout, then stderr, then the exit status, off the SSH IO thread. */
    private final class InJvm implements Command {
        private final Answer answer;
        private final long delayMillis;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback callback;
        private volatile boolean destroyed;

        InJvm(Answer answer, long delayMillis) {
            this.answer = answer;
            this.delayMillis = delayMillis;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.callback = callback;
        }

        @Override
        public void setInputStream(InputStream in) {
            // the shapes read no stdin
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            if (delayMillis > 0) {
                // SSH_SLOW: the exec starts late, no thread waits
                timers.schedule(() -> work.execute(this::runNow), delayMillis, TimeUnit.MILLISECONDS);
            } else {
                work.execute(this::runNow);
            }
        }

        private void runNow() {
            if (destroyed) {
                return;
            }
            CommandResult r;
            try {
                r = answer.run();
            } catch (RuntimeException e) {
                r = CommandResult.fail(70, "lease-simulator: " + e + "\n");
            }
            ANSWERED.incrementAndGet();
            try {
                if (!r.stdout().isEmpty()) {
                    out.write(r.stdout().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                if (!r.stderr().isEmpty()) {
                    err.write(r.stderr().getBytes(StandardCharsets.UTF_8));
                    err.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
            callback.onExit(r.exitCode());
        }

        @Override
        public void destroy(ChannelSession channel) {
            destroyed = true;
        }
    }
}
