package com.maclogin.cutover.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One child process of the local stack: its own JVM or server, its log file, readiness checks, and a clean stop. */
public final class ManagedProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path workDir;

    private ManagedProcess(String name, Process process, Path log, List<String> command, Map<String, String> env,
            Path workDir) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.workDir = workDir;
    }

    /** Starts {@code command} with stdout and stderr appended to {@code logDir/<name>.log}. */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path logDir)
            throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new ManagedProcess(name, pb.start(), log, command, env, workDir);
    }

    /** Starts the same command again (after {@link #kill()} or {@link #stop(Duration)}), appending to the same log. */
    public ManagedProcess restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        return start(name, command, env, workDir, log.getParent());
    }

    /** A JVM on {@code classpath} running {@code mainClass}. */
    public static ManagedProcess java(String name, String classpath, List<String> jvmArgs, String mainClass, List<String> args,
            Path workDir, Path logDir) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return start(name, cmd, Map.of(), workDir, logDir);
    }

    /** The java launcher of this JVM, so children run on the same JDK. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * CPU seconds used so far by process {@code pid}: its own, its ended children's (the kernel adds a child's time to
     * its parent when the parent waits for it: every shell command a lease ran) and its living descendants' (0 when
     * it is gone).
     */
    public static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).map(h -> procSeconds(h.pid(), true) + h.descendants()
                .mapToDouble(d -> procSeconds(d.pid(), true)).sum()).orElse(0.0);
    }

    /** utime + stime (+ cutime + cstime) from /proc/PID/stat, in seconds; ProcessHandle's figure where /proc is missing. */
    static double procSeconds(long pid, boolean withEndedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is f[0], so utime (field 14) is f[11], stime f[12], cutime f[13], cstime f[14]
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12])
                    + (withEndedChildren ? Long.parseLong(f[13]) + Long.parseLong(f[14]) : 0);
            return ticks / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(c -> c.toMillis() / 1000.0)
                    .orElse(0.0);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until a TCP port accepts connections, failing early if the process dies. */
    public void awaitPort(int port, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ensureAlive();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                pause(100);
            }
        }
        throw new IOException(name + " did not open port " + port + " within " + timeout.toSeconds() + " s; see " + log);
    }

    /** Waits until {@code url} answers 200, failing early if the process dies. */
    public void awaitHttp200(String url, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            ensureAlive();
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            pause(200);
        }
        throw new IOException(name + " not ready at " + url + " within " + timeout.toSeconds() + " s (" + last + "); see " + log);
    }

    /** Waits until a file exists and is not empty. */
    public void awaitFile(Path file, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ensureAlive();
            if (Files.isRegularFile(file) && Files.size(file) > 0) {
                return;
            }
            pause(100);
        }
        throw new IOException(name + " did not write " + file + " within " + timeout.toSeconds() + " s; see " + log);
    }

    private void ensureAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException(name + " exited with code " + process.exitValue() + "; last lines of " + log + ":\n" + tail(40));
        }
    }

    /** The last lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL, as a crash would. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
