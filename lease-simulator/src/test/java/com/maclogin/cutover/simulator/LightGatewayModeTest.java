package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GatewayMode.LIGHT against the default PROCESS mode: one simulator of each, one lease each, the same commands over real
 * SSH (the worker's PROCESS / APPLICATION / TLS / DISK reads, as the probe account where the worker is), and launchd's
 * bookkeeping of an in-JVM gateway (crash → KeepAlive respawn, kickstart -k, kill -9). The reads run first, on
 * leases launchd has not restarted yet (runs = 1 in both).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LightGatewayModeTest {

    @TempDir
    static Path dir;
    static Path clientKey;
    static LeaseSimulator processSim;
    static LeaseSimulator lightSim;
    static SimulatedLease proc;
    static SimulatedLease light;
    static String target;

    @BeforeAll
    static void startOneLeaseInEachMode() throws IOException {
        clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(clientKey);
        processSim = LeaseSimulator.start(new SimulatorConfig(dir.resolve("process"),
                List.of(new LeaseSpec("p-1", Region.HK, 0, freePort(), "2026.9.5")),
                List.of(pub), 0, Duration.ofMillis(300), Duration.ofMillis(300)));
        lightSim = LeaseSimulator.start(new SimulatorConfig(dir.resolve("light"),
                List.of(new LeaseSpec("l-1", Region.HK, 0, freePort(), "2026.9.5")),
                List.of(pub), 0, Duration.ofMillis(300), Duration.ofMillis(300)).withGatewayMode(GatewayMode.LIGHT));
        proc = processSim.lease("p-1");
        light = lightSim.lease("l-1");
        target = "gui/" + LaunchdEmulator.UID + "/ai.openclaw.gateway";
        assertThat(processSim.gatewayMode()).isEqualTo(GatewayMode.PROCESS);
        assertThat(lightSim.gatewayMode()).isEqualTo(GatewayMode.LIGHT);
    }

    @AfterAll
    static void stop() {
        if (lightSim != null) {
            lightSim.close();
        }
        if (processSim != null) {
            processSim.close();
        }
        Descendants.reap();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static SshTestClient as(SimulatedLease lease, String user) throws IOException {
        return new SshTestClient(lease.host(), lease.sshPort(), user, lease.hostKey(), clientKey);
    }

    /** What differs between two leases by construction: home, ports, pid, uptime, state-dir root. */
    static String normalize(String text, SimulatedLease lease, long pid) {
        String s = text.replace(lease.home().toString(), "<HOME>")
                .replace(lease.home().getParent().toString(), "<LEASEDIR>")
                .replace(Integer.toString(lease.gatewayPort()), "<PORT>");
        if (pid > 0) {
            s = s.replace(Long.toString(pid), "<PID>");
        }
        return s.replaceAll("\"uptimeMs\":\\d+", "\"uptimeMs\":N");
    }

    static long pidOf(SshTestClient c) throws IOException {
        Matcher m = Pattern.compile("\\n\\tpid = (\\d+)\\n").matcher(c.exec("launchctl print " + target).stdout());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    @Order(1)
    void aLightLeaseAnswersTheProcessReadAsTheProbeAccountAsAProcessLeaseDoes() throws Exception {
        String grant = "'sudo' '-n' '-u' '" + proc.sshUser() + "' '/bin/launchctl' 'print' '" + target + "'";
        String own = "launchctl print '" + target + "'";
        for (String command : List.of(grant, own)) {
            String p;
            String l;
            String lShell;
            try (SshTestClient gw = as(proc, proc.sshUser()); SshTestClient probe = as(proc, proc.probeUser())) {
                long pid = pidOf(gw);
                SshTestClient.Exec e = (command.equals(own) ? gw : probe).exec(command);
                p = e.exit() + "\n" + normalize(e.stdout(), proc, pid) + "\n" + e.stderr();
            }
            try (SshTestClient gw = as(light, light.sshUser()); SshTestClient probe = as(light, light.probeUser())) {
                long pid = pidOf(gw);
                SshTestClient c = command.equals(own) ? gw : probe;
                SshTestClient.Exec e = c.exec(command);
                l = e.exit() + "\n" + normalize(e.stdout(), light, pid) + "\n" + e.stderr();
                // the same line through the shell (`exec` is not a shape the JVM answers): the shim's answer
                SshTestClient.Exec viaShell = c.exec("exec " + command);
                lShell = viaShell.exit() + "\n" + normalize(viaShell.stdout(), light, pid) + "\n" + viaShell.stderr();
            }
            assertThat(l).as(command).isEqualTo(p).contains("state = running", "runs = 1");
            assertThat(lShell).as("in the JVM = through the shell: " + command).isEqualTo(l);
        }
        // as the product's SSH client sends every command: /bin/sh -c '<script>' (quotes inside escaped as '\'')
        try (SshTestClient probe = as(light, light.probeUser())) {
            for (String script : List.of(grant, "df -k '" + light.home() + "'", "df -k \"$HOME\"", "id -u '" + light.sshUser() + "'")) {
                String wire = "/bin/sh -c " + com.maclogin.cutover.contracts.ShellQuote.quote(script);
                assertThat(LightExec.command(wire, Path.of("/h"))).as(wire).isNotNull();
                SshTestClient.Exec jvm = probe.exec(wire);
                SshTestClient.Exec shell = probe.exec("exec " + wire);
                assertThat(jvm.exit()).as(wire).isZero();
                if (!script.startsWith("df")) { // df: Used/Available may move between two calls
                    assertThat(jvm.stdout() + jvm.stderr()).as(wire).isEqualTo(shell.stdout() + shell.stderr());
                }
            }
        }
        // refused as on macOS: the probe account's own launchctl print of the gateway's domain
        try (SshTestClient probe = as(light, light.probeUser()); SshTestClient pprobe = as(proc, proc.probeUser())) {
            SshTestClient.Exec l = probe.exec("launchctl print '" + target + "'");
            SshTestClient.Exec p = pprobe.exec("launchctl print '" + target + "'");
            assertThat(l.exit() + l.stdout() + l.stderr()).isEqualTo(p.exit() + p.stdout() + p.stderr());
        }
    }

    /** The watch's split read (probe-service SplitExec): {@code <read>; echo <m> $?; echo <m> >&2; <df>}. */
    static String splitRead(String first, String second) {
        String m = "ocw-" + java.util.HexFormat.of().formatHex(new byte[16]).replace('0', 'a');
        return first + "; echo " + m + " $?; echo " + m + " >&2; " + second;
    }

    @Test
    @Order(1)
    void aLightLeaseAnswersTheWatchsSplitReadInTheJvmAsTheShellAndAProcessLeaseDo() throws Exception {
        String grant = "'sudo' '-n' '-u' '" + light.sshUser() + "' '/bin/launchctl' 'print' '" + target + "'";
        String pgrant = "'sudo' '-n' '-u' '" + proc.sshUser() + "' '/bin/launchctl' 'print' '" + target + "'";
        String own = "launchctl print '" + target + "'"; // refused for the probe account: exit 1, stderr
        String missing = "df -k '/no/such/dir'";
        // df of a real volume may move between two calls: the exact comparisons use the refused and missing shapes
        for (String[] pair : new String[][] {{own, missing}, {grant, missing}, {own, "id -u '" + light.sshUser() + "'"}}) {
            String lightScript = splitRead(pair[0], pair[1]);
            String procScript = splitRead(pair[0].replace(light.sshUser(), proc.sshUser()), pair[1]);
            String wire = "/bin/sh -c " + com.maclogin.cutover.contracts.ShellQuote.quote(lightScript);
            try (SshTestClient l = as(light, light.probeUser()); SshTestClient gw = as(light, light.sshUser());
                 SshTestClient p = as(proc, proc.probeUser()); SshTestClient pgw = as(proc, proc.sshUser())) {
                long lpid = pidOf(gw);
                long ppid = pidOf(pgw);
                long answered = LightExec.ANSWERED.get();
                SshTestClient.Exec jvm = l.exec(wire);
                assertThat(LightExec.ANSWERED.get()).as("answered in the JVM: " + wire).isEqualTo(answered + 1);
                SshTestClient.Exec shell = l.exec("exec " + wire);
                SshTestClient.Exec pe = p.exec("/bin/sh -c " + com.maclogin.cutover.contracts.ShellQuote.quote(procScript));
                // the shells' df shim runs GNU df as /bin/df, which names itself so in its errors (macOS's and the
                // JVM's say "df:"); the rest is compared byte for byte
                String j = jvm.exit() + "\n" + normalize(jvm.stdout(), light, lpid) + "\n" + jvm.stderr();
                assertThat(j).as(lightScript).isEqualTo((shell.exit() + "\n" + normalize(shell.stdout(), light, lpid)
                        + "\n" + shell.stderr()).replace("/bin/df: ", "df: "));
                assertThat(j.replace(light.sshUser(), "<GW>").replace(Integer.toString(LaunchdEmulator.UID), "<UID>"))
                        .as("a PROCESS lease: " + procScript).isEqualTo((pe.exit() + "\n" + normalize(pe.stdout(), proc,
                                ppid) + "\n" + pe.stderr()).replace("/bin/df: ", "df: ").replace(proc.sshUser(), "<GW>")
                                .replace(Integer.toString(LaunchdEmulator.UID), "<UID>"));
            }
        }
        // the healthy pair as the watch sends it: the read's answer, the marker with exit 0, then df's table
        try (SshTestClient l = as(light, light.probeUser())) {
            String script = splitRead(grant, "df -k \"$HOME\"");
            String m = script.substring(script.indexOf("echo ") + 5, script.indexOf(" $?"));
            SshTestClient.Exec jvm = l.exec("/bin/sh -c " + com.maclogin.cutover.contracts.ShellQuote.quote(script));
            SshTestClient.Exec shell = l.exec("exec /bin/sh -c " + com.maclogin.cutover.contracts.ShellQuote.quote(script));
            for (SshTestClient.Exec e : List.of(jvm, shell)) {
                assertThat(e.exit()).isZero();
                assertThat(e.stdout()).contains("state = running", "\n" + m + " 0\nFilesystem");
                assertThat(e.stderr()).isEqualTo(m + "\n");
            }
        }
        // anything else around the echoes is the shell's (a third command, another marker shape, a command that is
        // no read shape)
        for (String other : List.of(splitRead(grant, "df -k \"$HOME\"; id"), grant + "; echo x $?; echo x >&2; " + missing,
                splitRead(grant, "ls '/'"), splitRead("echo hi", missing))) {
            try (SshTestClient l = as(light, light.probeUser())) {
                long answered = LightExec.ANSWERED.get();
                l.exec("/bin/sh -c " + com.maclogin.cutover.contracts.ShellQuote.quote(other));
                assertThat(LightExec.ANSWERED.get()).as("left to the shell: " + other).isEqualTo(answered);
            }
        }
        assertThat(pgrant).contains(proc.sshUser());
    }

    @Test
    @Order(2)
    void aLightGatewayKeepsAConnectionAliveWhenAskedAndAnswersTheNextRequestOnIt() throws Exception {
        try (SshTestClient c = as(light, light.probeUser());
             net.schmizz.sshj.connection.channel.direct.DirectConnection dc =
                     c.raw().newDirectConnection("127.0.0.1", light.gatewayPort())) {
            java.io.InputStream in = new java.io.BufferedInputStream(dc.getInputStream());
            java.io.OutputStream out = dc.getOutputStream();
            out.write(("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String first = response(in);
            assertThat(first).startsWith("HTTP/1.1 200").contains("Connection: keep-alive").contains("\"ok\":true");
            out.write(("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String second = response(in);
            assertThat(second).startsWith("HTTP/1.1 200").contains("Connection: close").contains("\"ready\":true");
            assertThat(in.read()).as("closed after the Connection: close request").isEqualTo(-1);
        }
    }

    /** One response (head and Content-Length body) from {@code in}. */
    static String response(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.append((char) c);
        }
        Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        assertThat(m.find()).as(head.toString()).isTrue();
        byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
        return head + new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    @Order(2)
    void aLightLeaseAnswersTheApplicationReadsOverDirectTcpipWithTheSameStatusesAndBodies() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/startupz", "/health", "/nope", "/api/x")) {
            SshTestClient.HttpResult p;
            SshTestClient.HttpResult l;
            try (SshTestClient c = as(proc, proc.probeUser())) {
                p = c.http("GET", proc.gatewayPort(), path);
            }
            try (SshTestClient c = as(light, light.probeUser())) {
                l = c.http("GET", light.gatewayPort(), path);
            }
            assertThat(l.status()).as(path).isEqualTo(p.status());
            assertThat(normalize(l.body(), light, 0)).as(path).isEqualTo(normalize(p.body(), proc, 0));
            assertThat(l.headers()).contains("Cache-Control: no-store").containsIgnoringCase("Content-Type:");
        }
        try (SshTestClient c = as(light, light.sshUser())) {
            assertThat(c.http("POST", light.gatewayPort(), "/readyz").status()).isEqualTo(405);
            assertThat(c.http("GET", light.gatewayPort(), "/readyz", "X-Forwarded-For: 10.0.0.1").status()).isEqualTo(403);
            assertThat(c.http("POST", light.gatewayPort(), "/hooks/wake").status()).as("no token").isEqualTo(401);
        }
    }

    @Test
    @Order(5)
    void theWakeHookChecksTheBearerTokenAndCoalescesInBothModes() throws Exception {
        for (SimulatedLease lease : List.of(proc, light)) {
            try (SshTestClient c = as(lease, lease.sshUser())) {
                String token = c.exec("node -e 'process.stdout.write(require(process.env.HOME+\"/.openclaw/openclaw.json\").hooks.token)'")
                        .stdout();
                assertThat(token).hasSize(48);
                String body = "{\"text\":\"drill " + lease.id() + "\",\"mode\":\"now\"}";
                String curl = "curl -s -o - -w ' %{http_code}' -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer "
                        + token + "' --data '" + body + "' http://127.0.0.1:" + lease.gatewayPort() + "/hooks/wake";
                assertThat(c.exec(curl).stdout()).as(lease.id()).isEqualTo("{\"ok\":true,\"mode\":\"now\",\"eventOutcome\":\"queued\"} 200");
                assertThat(c.exec(curl).stdout()).isEqualTo("{\"ok\":true,\"mode\":\"now\",\"eventOutcome\":\"coalesced\"} 200");
                assertThat(c.exec(curl.replace(token, "wrong")).stdout()).isEqualTo("Unauthorized 401");
            }
        }
    }

    @Test
    @Order(3)
    void aLightLeasesTlsEndpointHandsOutTheLeasesCertificate() throws Exception {
        X509Certificate p = certificateAt(proc.tlsPort());
        X509Certificate l = certificateAt(light.tlsPort());
        assertThat(l.getSubjectX500Principal().getName()).contains("CN=l-1.lease.openclaw.test");
        assertThat(p.getSubjectX500Principal().getName()).contains("CN=p-1.lease.openclaw.test");
        long days = Duration.between(Instant.now(), l.getNotAfter().toInstant()).toDays();
        assertThat(days).isBetween(88L, 90L);
        lightSim.setFaults("l-1", Faults.none().withTlsExpiresInDays(5));
        try {
            assertThat(Duration.between(Instant.now(), certificateAt(light.tlsPort()).getNotAfter().toInstant()).toDays())
                    .isBetween(4L, 5L);
        } finally {
            lightSim.clearFaults("l-1");
        }
    }

    static X509Certificate certificateAt(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    @Order(4)
    void aLightLeaseAnswersTheDiskReadAsTheDfShimDoesWithAndWithoutDiskLow() throws Exception {
        String lightDf = "df -k '" + light.home() + "'";
        // DISK_LOW fixes Used and Available from the volume's total: the two modes' answers are byte for byte equal
        processSim.setFaults("p-1", Faults.none().withDiskFreePercent(7));
        lightSim.setFaults("l-1", Faults.none().withDiskFreePercent(7));
        try (SshTestClient p = as(proc, proc.probeUser()); SshTestClient l = as(light, light.probeUser())) {
            SshTestClient.Exec pe = p.exec("df -k '" + proc.home() + "'");
            SshTestClient.Exec le = l.exec(lightDf);
            SshTestClient.Exec shell = l.exec("exec " + lightDf);
            assertThat(le.exit()).isZero();
            assertThat(le.stdout()).isEqualTo(pe.stdout()).isEqualTo(shell.stdout()).contains(" 94% ");
            assertThat(l.exec("df -k \"$HOME\"").stdout()).as("the probe home is on the same volume")
                    .isEqualTo(l.exec("exec df -k \"$HOME\"").stdout());
        } finally {
            processSim.clearFaults("p-1");
            lightSim.clearFaults("l-1");
        }
        // healthy: the real df's row; Used/Available may move between two calls on a busy disk
        try (SshTestClient l = as(light, light.probeUser())) {
            String[] jvm = l.exec(lightDf).stdout().split("\n");
            String[] real = l.exec("exec " + lightDf).stdout().split("\n");
            assertThat(jvm[0]).isEqualTo(real[0]);
            String[] j = jvm[1].trim().split("\\s+");
            String[] r = real[1].trim().split("\\s+");
            assertThat(j[0]).isEqualTo(r[0]);
            assertThat(j[1]).isEqualTo(r[1]);
            assertThat(j[5]).isEqualTo(r[5]);
            assertThat(Math.abs(Long.parseLong(j[3]) - Long.parseLong(r[3]))).isLessThan(Long.parseLong(r[1]) / 100);
            assertThat(l.exec("df -k '/no/such/dir'").stdout()).isEmpty();
            SshTestClient.Exec missing = l.exec("df -k '/no/such/dir'");
            assertThat(missing.exit()).isEqualTo(l.exec("exec df -k '/no/such/dir'").exit()).isEqualTo(1);
        }
    }

    @Test
    @Order(6)
    void aCrashFaultInLightModeGrowsLaunchdsRunsAndLeavesANonZeroLastExitCode() throws Exception {
        try (SshTestClient c = as(light, light.sshUser())) {
            lightSim.setGatewayFaults("l-1", "{\"*\":{\"crashAfterMs\":200}}");
            try {
                assertThat(c.exec("launchctl kickstart -k " + target).exit()).isZero();
                await().ignoreExceptions().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    String print = c.exec("launchctl print " + target).stdout();
                    Matcher runs = Pattern.compile("runs = (\\d+)").matcher(print);
                    assertThat(runs.find()).isTrue();
                    assertThat(Integer.parseInt(runs.group(1))).isGreaterThanOrEqualTo(4);
                    assertThat(print).contains("last exit code = 1\n");
                });
                assertThat(Files.readString(light.home().resolve("Library/Logs/openclaw/gateway.log")))
                        .contains("fatal: Error: simulated crash (lease-simulator fault crashAfterMs)");
            } finally {
                lightSim.setGatewayFaults("l-1", "{}");
                c.exec("launchctl kickstart -k " + target);
            }
            await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(c.http("GET", light.gatewayPort(), "/readyz").status()).isEqualTo(200));
        }
    }

    @Test
    @Order(7)
    void kickstartDashKGivesANewPidAndKillDashNineRespawnsWithKilledNine() throws Exception {
        try (SshTestClient c = as(light, light.sshUser())) {
            await().ignoreExceptions().atMost(Duration.ofSeconds(10)).until(() -> pidOf(c) > 0);
            long before = pidOf(c);
            SshTestClient.Exec k = c.exec("launchctl kickstart -k -p " + target);
            assertThat(k.exit()).as(k.stderr()).isZero();
            long after = Long.parseLong(k.stdout().trim());
            assertThat(after).isNotEqualTo(before).isEqualTo(pidOf(c));
            await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(c.http("GET", light.gatewayPort(), "/startupz").body()).contains("\"status\":\"started\""));
            assertThat(ProcessHandle.of(after)).as("a LIGHT pid names no real process").isEmpty();

            assertThat(c.exec("kill -9 " + after).exit()).isZero();
            await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String p = c.exec("launchctl print " + target).stdout();
                assertThat(p).contains("state = running", "last terminating signal = Killed: 9");
                assertThat(pidOf(c)).isNotEqualTo(after);
            });
            // bootout stops it (SIGTERM → exit 0), bootstrap brings it back
            assertThat(c.exec("launchctl bootout " + target).exit()).isZero();
            assertThat(c.exec("launchctl print " + target).exit()).isEqualTo(113);
            assertThat(Files.readString(light.home().resolve("Library/Logs/openclaw/gateway.log")))
                    .contains("signal SIGTERM received; draining", "gateway stopped");
            assertThat(c.exec("launchctl bootstrap gui/" + LaunchdEmulator.UID
                    + " \"$HOME/Library/LaunchAgents/ai.openclaw.gateway.plist\"").exit()).isZero();
            await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(c.http("GET", light.gatewayPort(), "/readyz").status()).isEqualTo(200));
        }
    }

    @Test
    @Order(8)
    void aCrashLoopEnvFaultInLightModeExitsSeventyEightOnEveryRespawnAsTheWrapperDoes() throws Exception {
        lightSim.setFaults("l-1", Faults.none().withEnvFile(Faults.EnvFileFault.INVALID));
        try (SshTestClient c = as(light, light.sshUser())) {
            await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(c.exec("launchctl print " + target).stdout())
                            .contains("state = not running", "last exit code = 78: EX_CONFIG"));
            assertThat(Files.readString(light.home().resolve("Library/Logs/openclaw/gateway.log")))
                    .contains("Invalid LaunchAgent environment file");
        } finally {
            lightSim.clearFaults("l-1");
        }
        try (SshTestClient c = as(light, light.sshUser())) {
            await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(c.http("GET", light.gatewayPort(), "/readyz").status()).isEqualTo(200));
        }
    }

    @Test
    @Order(9)
    void aNewerStateSchemaMakesTheLightGatewayExit78AndParkAndTheRecoveryBringsItBack() throws Exception {
        Path stateDb = light.home().resolve(".openclaw/state/openclaw.sqlite");
        String good = Files.readString(stateDb);
        try (SshTestClient c = as(light, light.sshUser())) {
            // a state written by a newer build (schema 18 > 17 of 2026.9.5): the start refuses it and parks the job
            Files.writeString(stateDb, good.replaceAll("\"schema\"\\s*:\\s*\\d+", "\"schema\": 18"));
            assertThat(c.exec("launchctl kickstart -k " + target).exit()).isZero();
            await().ignoreExceptions().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
                SshTestClient.Exec print = c.exec("launchctl print " + target);
                assertThat(print.exit()).as(() -> tail(light.home().resolve(".sim/launchd.log")) + "\n---\n"
                        + tail(light.home().resolve("Library/Logs/openclaw/gateway.log"))).isEqualTo(113);
                assertThat(c.exec("launchctl print-disabled gui/" + LaunchdEmulator.UID).stdout())
                        .contains("\"ai.openclaw.gateway\" => disabled");
            });
            assertThat(Files.readString(light.home().resolve("Library/Logs/openclaw/gateway.log")))
                    .contains("schema 18; this build supports 17", "parked LaunchAgent: launchctl disable " + target);
            assertThat(c.exec("launchctl bootstrap gui/" + LaunchdEmulator.UID
                    + " \"$HOME/Library/LaunchAgents/ai.openclaw.gateway.plist\"").exit()).as("disabled").isEqualTo(5);
        } finally {
            Files.writeString(stateDb, good);
        }
        try (SshTestClient c = as(light, light.sshUser())) {
            assertThat(c.exec("launchctl enable " + target + " && launchctl bootstrap gui/" + LaunchdEmulator.UID
                    + " \"$HOME/Library/LaunchAgents/ai.openclaw.gateway.plist\"").exit()).isZero();
            await().ignoreExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(c.http("GET", light.gatewayPort(), "/readyz").status()).isEqualTo(200));
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
