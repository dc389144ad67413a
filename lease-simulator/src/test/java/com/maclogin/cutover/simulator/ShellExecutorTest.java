package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.connection.channel.direct.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SSH exec path of a lease ({@link ShellExecutor}: {@code /bin/sh -c} forked by the lease's Perl exec helper),
 * against one {@link LeaseSshServer} and a real sshj client; the behaviour the product relies on is also checked on
 * the JVM-spawned fallback ({@code -Dlease-simulator.exec=process}) so that both paths stay equivalent.
 */
@org.junit.jupiter.api.Timeout(120) // a stalled stream must fail the test, not hang the build
class ShellExecutorTest {

    @TempDir
    static Path dir;
    static Path home;
    static Path clientKey;
    static ExecutorService pumps;
    static LeaseSshServer server;
    static SshTestClient client;

    @BeforeAll
    static void start() throws IOException {
        home = dir.resolve("lease/home");
        Files.createDirectories(home.resolve(".sim/bin"));
        Path shim = home.resolve(".sim/bin/sim-hello");
        Files.writeString(shim, "#!/bin/sh\necho \"hello from the shim: $*\"\n");
        shim.toFile().setExecutable(true);
        clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(clientKey);
        pumps = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-ssh-io");
            t.setDaemon(true);
            return t;
        });
        server = new LeaseSshServer("t-1", 0, dir.resolve("lease/ssh_host_ed25519_key"), Set.of(pub), "alice", home,
                pumps);
        client = new SshTestClient("127.0.0.1", server.port(), "alice", server.hostKey(), clientKey);
    }

    @AfterAll
    static void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        pumps.shutdownNow();
    }

    @AfterEach
    void backToTheHelper() {
        System.clearProperty(ShellExecutor.PROPERTY);
    }

    static void mode(String mode) {
        System.setProperty(ShellExecutor.PROPERTY, mode);
        assertThat(ShellExecutor.available()).as("Perl present, exec path " + mode).isEqualTo(mode.equals("helper"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"helper", "process"})
    void stdoutStderrAndExitCodes(String mode) throws Exception {
        mode(mode);
        SshTestClient.Exec r = client.exec("echo out; echo err >&2; printf 'no newline'; exit 7");
        assertThat(r.stdout()).isEqualTo("out\nno newline");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.exit()).isEqualTo(7);
        assertThat(client.exec("true").exit()).isZero();
        assertThat(client.exec("false").exit()).isEqualTo(1);
        assertThat(client.exec("no-such-command-here").exit()).isEqualTo(127);
        assertThat(client.exec("kill -9 $$").exit()).isEqualTo(137); // killed by a signal: 128 + signal
        SshTestClient.Exec syntax = client.exec("if then");
        assertThat(syntax.exit()).isEqualTo(2);
        assertThat(syntax.stderr()).contains("Syntax error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"helper", "process"})
    void aRealShellWithTheLoginEnvironmentInTheLeaseHome(String mode) throws Exception {
        mode(mode);
        SshTestClient.Exec r = client.exec("printf '%s\\n' \"$HOME\" \"$(pwd)\" \"$PATH\" \"$TMPDIR\" \"$USER\" \"$LOGNAME\""
                + " \"$SHELL\" \"$SSH_CLIENT\" \"$0\"");
        String[] v = r.stdout().split("\n");
        assertThat(r.exit()).isZero();
        assertThat(v[0]).isEqualTo(home.toString());
        assertThat(Path.of(v[1]).toRealPath()).isEqualTo(home.toRealPath());
        assertThat(v[2]).startsWith(home.resolve(".sim/bin") + ":");
        assertThat(v[3]).isEqualTo(System.getProperty("java.io.tmpdir"));
        assertThat(Arrays.asList(v).subList(4, 7)).containsExactly("alice", "alice", "/bin/bash");
        assertThat(v[7]).matches("127\\.0\\.0\\.1 \\d+ " + server.port());
        assertThat(v[8]).isEqualTo("/bin/sh");
        // nothing of the simulator's own environment leaks in
        Map<String, String> env = new TreeMap<>();
        for (String line : client.exec("env").stdout().split("\n")) {
            env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        assertThat(env.keySet()).allMatch(k -> Set.of("HOME", "PATH", "TMPDIR", "USER", "LOGNAME", "SHELL", "SSH_CLIENT",
                "PWD", "LANG", "LC_ALL", "TZ").contains(k) || k.startsWith("LC_"), "only the login environment");
        // quoting, pipes, expansion, a shim on PATH, the product's own wrapping in /bin/sh -c '…'
        assertThat(client.exec("cd \"$HOME\" && printf 'a b\\nc  d\\n' | tr ' ' _ | sort -r").stdout()).isEqualTo("c__d\na_b\n");
        assertThat(client.exec("sim-hello 'x y' \"$HOME\"").stdout()).isEqualTo("hello from the shim: x y " + home + "\n");
        assertThat(client.exec("/bin/sh -c 'echo \"it'\\''s $HOME\"; exit 3'")).isEqualTo(
                new SshTestClient.Exec("it's " + home + "\n", "", 3));
        assertThat(client.exec("printf '%s' 'héllo ✓'").stdout()).isEqualTo("héllo ✓");
    }

    /**
     * Issue 11 point 4: a session starts with macOS sshd's umask 022 whatever the simulator JVM's is, so a file is
     * private (0600, directory 0700) only when the command asks for it with {@code umask 077}, as on a Mac.
     */
    @ParameterizedTest
    @ValueSource(strings = {"helper", "process"})
    void aSessionHasMacOsSshdsUmaskAndOnlyUmask077MakesPrivateFiles(String mode) throws Exception {
        mode(mode);
        String d = "umask-" + mode;
        SshTestClient.Exec r = client.exec("umask; rm -rf " + d + " && mkdir " + d + " && : > " + d + "/open"
                + " && (umask 077 && mkdir " + d + "/kit && : > " + d + "/kit/state.tgz)"
                + " && stat -c '%a %n' " + d + "/open " + d + "/kit " + d + "/kit/state.tgz");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("0022\n644 " + d + "/open\n700 " + d + "/kit\n600 " + d + "/kit/state.tgz\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"helper", "process"})
    void stdinReachesTheCommandUntilEof(String mode) throws Exception {
        mode(mode);
        byte[] input = new byte[3_000_000];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) ('a' + i % 26);
        }
        try (Session s = client.raw().startSession()) {
            Session.Command cmd = s.exec("tr a-z A-Z; echo done >&2");
            Future<byte[]> out = pumps.submit(() -> cmd.getInputStream().readAllBytes());
            Future<byte[]> err = pumps.submit(() -> cmd.getErrorStream().readAllBytes());
            try (OutputStream stdin = cmd.getOutputStream()) {
                stdin.write(input);
                stdin.flush(); // sshj's close() alone drops what does not fit the window at that moment
            } // EOF
            byte[] got = out.get(60, TimeUnit.SECONDS);
            assertThat(new String(err.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("done\n");
            cmd.join(30, TimeUnit.SECONDS);
            assertThat(cmd.getExitStatus()).isZero();
            assertThat(got.length).isEqualTo(input.length);
            assertThat(new String(got, 0, 30, StandardCharsets.US_ASCII)).isEqualTo("ABCDEFGHIJKLMNOPQRSTUVWXYZABCD");
        }
        // a command that does not read its stdin still ends, and the client may keep writing
        try (Session s = client.raw().startSession()) {
            Session.Command cmd = s.exec("echo ignored-stdin");
            try (OutputStream stdin = cmd.getOutputStream()) {
                stdin.write(new byte[100_000]);
            } catch (IOException channelAlreadyClosed) {
                // fine: the command ended first
            }
            assertThat(new String(cmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ignored-stdin\n");
            cmd.join(30, TimeUnit.SECONDS);
            assertThat(cmd.getExitStatus()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"helper", "process"})
    void largeOutputOnBothStreams(String mode) throws Exception {
        mode(mode);
        try (Session s = client.raw().startSession()) {
            Session.Command cmd = s.exec("head -c 6000000 /dev/zero | tr '\\0' x; head -c 2500000 /dev/zero | tr '\\0' y >&2; exit 4");
            Future<byte[]> err = pumps.submit(() -> cmd.getErrorStream().readAllBytes());
            byte[] out = cmd.getInputStream().readAllBytes();
            byte[] e = err.get(60, TimeUnit.SECONDS);
            cmd.join(30, TimeUnit.SECONDS);
            assertThat(out.length).isEqualTo(6_000_000);
            assertThat(e.length).isEqualTo(2_500_000);
            assertThat(out[0]).isEqualTo((byte) 'x');
            assertThat(out[5_999_999]).isEqualTo((byte) 'x');
            assertThat(e[2_499_999]).isEqualTo((byte) 'y');
            assertThat(cmd.getExitStatus()).isEqualTo(4);
        }
        // stderr alone, three times the client's window, and a client that pauses: the server's stderr writes run
        // out of window and must resume on the client's window adjust
        try (Session s = client.raw().startSession()) {
            Session.Command cmd = s.exec("head -c 6000000 /dev/zero | tr '\\0' z >&2");
            Future<byte[]> out = pumps.submit(() -> cmd.getInputStream().readAllBytes());
            InputStream stderr = cmd.getErrorStream();
            int first = stderr.read();
            Thread.sleep(700);
            byte[] rest = stderr.readAllBytes();
            byte[] e = new byte[rest.length + 1];
            e[0] = (byte) first;
            System.arraycopy(rest, 0, e, 1, rest.length);
            assertThat(out.get(60, TimeUnit.SECONDS)).isEmpty();
            cmd.join(30, TimeUnit.SECONDS);
            assertThat(e.length).isEqualTo(6_000_000);
            assertThat(e[5_999_999]).isEqualTo((byte) 'z');
            assertThat(cmd.getExitStatus()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"helper", "process"})
    void concurrentExecsOnOneConnection(String mode) throws Exception {
        mode(mode);
        int n = 6;
        ExecutorService clients = Executors.newFixedThreadPool(n);
        try {
            long t0 = System.nanoTime();
            List<Future<SshTestClient.Exec>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                results.add(clients.submit(() -> client.exec(
                        "printf 'out%s' " + k + "; sleep 1; printf 'err%s' " + k + " >&2; head -c 200000 /dev/zero; exit " + (10 + k))));
            }
            for (int i = 0; i < n; i++) {
                SshTestClient.Exec r = results.get(i).get(60, TimeUnit.SECONDS);
                assertThat(r.exit()).isEqualTo(10 + i);
                assertThat(r.stdout()).startsWith("out" + i).hasSize(4 + 200_000);
                assertThat(r.stderr()).isEqualTo("err" + i);
            }
            // six 1 s commands at once took less than running them one after the other
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(n - 1));
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void fortyConcurrentExecsWithStdinStdoutAndStderrOnOneConnection() throws Exception {
        mode("helper");
        ExecutorService clients = Executors.newFixedThreadPool(40);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int k = i;
                all.add(clients.submit(() -> {
                    try (Session s = client.raw().startSession()) {
                        Session.Command cmd = s.exec("wc -c; head -c " + (k * 50_000) + " /dev/zero; head -c "
                                + (k * 1000) + " /dev/zero >&2; exit " + k);
                        Future<byte[]> err = pumps.submit(() -> cmd.getErrorStream().readAllBytes());
                        Future<byte[]> out = pumps.submit(() -> cmd.getInputStream().readAllBytes());
                        try (OutputStream stdin = cmd.getOutputStream()) {
                            stdin.write(new byte[k * 10_000]);
                            stdin.flush();
                        }
                        byte[] o = out.get(120, TimeUnit.SECONDS);
                        byte[] e = err.get(120, TimeUnit.SECONDS);
                        cmd.join(60, TimeUnit.SECONDS);
                        String count = new String(o, 0, Math.min(o.length, 20), StandardCharsets.US_ASCII).split("\n")[0];
                        assertThat(count.trim()).isEqualTo(Integer.toString(k * 10_000));
                        assertThat(o.length).isEqualTo(count.length() + 1 + k * 50_000);
                        assertThat(e.length).isEqualTo(k * 1000);
                        assertThat(cmd.getExitStatus()).isEqualTo(k);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void closingTheChannelKillsTheCommandAndItsChildren() throws Exception {
        mode("helper");
        try (Session s = client.raw().startSession()) {
            Session.Command cmd = s.exec("sleep 60 & echo $$ $!; wait");
            String[] pids = readLine(cmd.getInputStream()).split(" ");
            assertThat(alive(pids[0])).isTrue();
            assertThat(alive(pids[1])).isTrue();
            cmd.close(); // what the product does when its timeout expires
            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pids[0]) && !alive(pids[1]));
        }
        // a command that ignores SIGTERM is SIGKILLed a few seconds later
        try (Session s = client.raw().startSession()) {
            Session.Command cmd = s.exec("trap '' TERM; echo $$; while :; do sleep 1; done");
            String pid = readLine(cmd.getInputStream());
            cmd.close();
            Thread.sleep(500);
            assertThat(alive(pid)).as("still alive right after SIGTERM (ignored)").isTrue();
            await().atMost(Duration.ofSeconds(15)).until(() -> !alive(pid));
        }
        assertThat(client.exec("echo still-fine").stdout()).isEqualTo("still-fine\n");
    }

    @Test
    void stoppingTheLeaseStopsItsRunningCommands() throws Exception {
        mode("helper");
        Path other = dir.resolve("other");
        Files.createDirectories(other.resolve("home"));
        String pub = Files.readString(dir.resolve("client/id_ed25519.pub")).trim();
        LeaseSshServer second = new LeaseSshServer("t-2", 0, other.resolve("ssh_host_ed25519_key"), Set.of(pub), "bob",
                other.resolve("home"), pumps);
        String pid;
        try (SshTestClient c = new SshTestClient("127.0.0.1", second.port(), "bob", second.hostKey(), clientKey)) {
            Session s = c.raw().startSession();
            Session.Command cmd = s.exec("echo $$; sleep 60");
            pid = readLine(cmd.getInputStream());
            assertThat(alive(pid)).isTrue();
            second.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));
    }

    @Test
    void aDeadHelperIsReplacedAtTheNextExec() throws Exception {
        mode("helper");
        assertThat(client.exec("echo one").stdout()).isEqualTo("one\n");
        List<ProcessHandle> helpers = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains("exec-helper.pl")).toList();
        assertThat(helpers).isNotEmpty();
        helpers.forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> helpers.stream().noneMatch(ProcessHandle::isAlive));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(client.exec("echo two")).isEqualTo(new SshTestClient.Exec("two\n", "", 0)));
    }

    @Test
    void slowSshStartsTheCommandLateWithTheStdinSentBefore() throws Exception {
        mode("helper");
        server.setFault(Faults.SshFault.NONE, 400);
        try (Session s = client.raw().startSession()) {
            long t0 = System.nanoTime();
            Session.Command cmd = s.exec("cat; echo \" $HOME\"");
            try (OutputStream stdin = cmd.getOutputStream()) {
                stdin.write("early".getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(cmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            cmd.join(30, TimeUnit.SECONDS);
            assertThat(out).isEqualTo("early " + home + "\n");
            assertThat(cmd.getExitStatus()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        } finally {
            server.setFault(Faults.SshFault.NONE, 0);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8).trim();
    }

    /** Running (a zombie waiting for its parent counts as gone). */
    private static boolean alive(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }
}
