package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseSimulatorTest {

    private static final String PLIST = "$HOME/Library/LaunchAgents/ai.openclaw.gateway.plist";
    /** The lease user's CLI, where a Mac's npm puts it (npm's global prefix bin, not on a non-login SSH PATH). */
    private static final String CLI = "\"$HOME/.npm-global/bin/openclaw\"";

    @TempDir
    static Path dir;
    static Path clientKey;
    static LeaseSimulator sim;
    static SimulatedLease hk;
    static SimulatedLease jp;
    static String target;

    @BeforeAll
    static void startTwoLeases() throws IOException {
        clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(clientKey);
        long t0 = System.nanoTime();
        sim = LeaseSimulator.start(new SimulatorConfig(dir.resolve("state"),
                List.of(new LeaseSpec("hk-1", Region.HK, 0, freePort(), "2026.9.5"),
                        new LeaseSpec("jp-1", Region.JP, 0, freePort(), "2026.9.5")),
                List.of(pub + " test@client"), 0, Duration.ofMillis(300), Duration.ofMillis(300)));
        System.out.printf("[measure] 2 leases started (SSH up, /readyz 200) in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        hk = sim.lease("hk-1");
        jp = sim.lease("jp-1");
        target = "gui/" + LaunchdEmulator.UID + "/ai.openclaw.gateway";
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void pinnedHostKeyConnectsAndAWrongPinnedKeyIsRefused() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            SshTestClient.Exec id = c.exec("id -u; printf %s \"$HOME\"");
            assertThat(id.exit()).isZero();
            assertThat(id.stdout()).isEqualTo(LaunchdEmulator.UID + "\n" + hk.home());
        }
        assertThat(hk.hostKey()).startsWith("ssh-ed25519 AAAA").doesNotContain("@");
        // jp's key pinned for hk's port: the transport must refuse it
        assertThatThrownBy(() -> new SshTestClient(hk.host(), hk.sshPort(), hk.sshUser(), jp.hostKey(), clientKey))
                .isInstanceOf(TransportException.class);
    }

    @Test
    void unknownClientKeyIsRefusedAndPasswordAuthIsOff() throws Exception {
        Path other = dir.resolve("other/id_ed25519");
        SshKeys.generateEd25519(other);
        assertThatThrownBy(() -> new SshTestClient(hk.host(), hk.sshPort(), hk.sshUser(), hk.hostKey(), other))
                .isInstanceOf(UserAuthException.class);
        try (SSHClient raw = new SSHClient()) {
            raw.addHostKeyVerifier(new net.schmizz.sshj.transport.verification.PromiscuousVerifier());
            raw.connect(hk.host(), hk.sshPort());
            assertThatThrownBy(() -> raw.authPassword(hk.sshUser(), "anything")).isInstanceOf(UserAuthException.class);
        }
    }

    @Test
    void launchctlPrintShowsRunningWithThePidThatLsofShowsListening() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                SshTestClient.Exec print = c.exec("launchctl print gui/$(id -u)/ai.openclaw.gateway");
                assertThat(print.exit()).isZero();
                assertThat(print.stdout()).contains("state = running", "path = " + hk.home() + "/Library/LaunchAgents/ai.openclaw.gateway.plist",
                        "program = /bin/sh", "type = LaunchAgent");
                String pid = field(print.stdout(), "pid");
                SshTestClient.Exec lsof = c.exec("lsof -nP -iTCP:" + hk.gatewayPort() + " -sTCP:LISTEN -t");
                assertThat(lsof.stdout().trim()).isEqualTo(pid);
                SshTestClient.Exec awk = c.exec("launchctl print gui/$(id -u)/ai.openclaw.gateway | awk -F'= ' '/state =/{print $2;exit}'");
                assertThat(awk.stdout()).isEqualTo("running\n");
            });
        }
    }

    @Test
    void probesThroughDirectTcpipGiveTheDocumentedBodies() throws Exception {
        try (SshTestClient c = SshTestClient.to(jp, clientKey)) {
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
                    assertThat(c.http("GET", jp.gatewayPort(), "/readyz").status()).isEqualTo(200));
            SshTestClient.HttpResult healthz = c.http("GET", jp.gatewayPort(), "/healthz");
            assertThat(healthz.status()).isEqualTo(200);
            assertThat(healthz.body()).isEqualTo("{\"ok\":true,\"status\":\"live\"}");
            assertThat(healthz.headers()).containsIgnoringCase("Cache-Control: no-store");
            JsonNode readyz = Json.MAPPER.readTree(c.http("GET", jp.gatewayPort(), "/readyz").body());
            assertThat(readyz.get("ready").asBoolean()).isTrue();
            assertThat(readyz.get("failing")).isEmpty();
            assertThat(readyz.get("uptimeMs").asLong()).isPositive();
            JsonNode startupz = Json.MAPPER.readTree(c.http("GET", jp.gatewayPort(), "/startupz").body());
            assertThat(startupz.get("status").asText()).isEqualTo("started");
            assertThat(startupz.get("version").asText()).isEqualTo("2026.9.5");
            assertThat(jp.runningVersion()).isEqualTo("2026.9.5");
            assertThat(jp.installedVersion()).isEqualTo("2026.9.5");

            SshTestClient.HttpResult post = c.http("POST", jp.gatewayPort(), "/readyz");
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.headers()).contains("Allow: GET, HEAD");
            SshTestClient.HttpResult proxied = c.http("GET", jp.gatewayPort(), "/healthz", "X-Forwarded-For: 10.0.0.1");
            assertThat(proxied.status()).isEqualTo(403);
            assertThat(proxied.body()).contains("\"type\":\"proxy_attribution_required\"");

            String hooksToken = Json.MAPPER.readTree(Files.readString(jp.home().resolve(".openclaw/openclaw.json")))
                    .path("hooks").path("token").asText();
            String wake = "curl -sS -X POST http://127.0.0.1:" + jp.gatewayPort() + "/hooks/wake -H 'Authorization: Bearer "
                    + hooksToken + "' -H 'Content-Type: application/json' -d '{\"text\":\"cutover smoke test\",\"mode\":\"next-heartbeat\"}'";
            assertThat(c.exec(wake).stdout()).isEqualTo("{\"ok\":true,\"mode\":\"next-heartbeat\",\"eventOutcome\":\"queued\"}");
            assertThat(c.exec(wake).stdout()).contains("\"eventOutcome\":\"coalesced\"");
            assertThat(c.exec("curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:" + jp.gatewayPort()
                    + "/hooks/wake -d '{}'").stdout()).isEqualTo("401");
        }
    }

    @Test
    void directTcpipToANonLoopbackHostIsRefused() throws Exception {
        try (SshTestClient c = SshTestClient.to(jp, clientKey)) {
            assertThatThrownBy(() -> c.http("GET", 80, "/", "X: y") /* to 127.0.0.1:80 works only if listening */)
                    .isInstanceOf(Exception.class);
            assertThatThrownBy(() -> c.raw().newDirectConnection("10.255.255.1", jp.gatewayPort()).close())
                    .isInstanceOf(Exception.class);
        }
    }

    @Test
    void macCommandSurfaceAnswersLikeAMac() throws Exception {
        try (SshTestClient c = SshTestClient.to(jp, clientKey)) {
            assertThat(c.exec("sw_vers").stdout()).isEqualTo("ProductName:\t\tmacOS\nProductVersion:\t\t15.5\nBuildVersion:\t\t24F74\n");
            assertThat(c.exec("sw_vers -productVersion").stdout()).isEqualTo("15.5\n");
            SshTestClient.Exec lint = c.exec("plutil -lint " + PLIST);
            assertThat(lint.exit()).isZero();
            assertThat(lint.stdout()).isEqualTo(jp.home() + "/Library/LaunchAgents/ai.openclaw.gateway.plist: OK\n");
            SshTestClient.Exec relative = c.exec("cd Library/LaunchAgents && plutil -lint ai.openclaw.gateway.plist");
            assertThat(relative.stdout()).isEqualTo("ai.openclaw.gateway.plist: OK\n");
            SshTestClient.Exec notFound = c.exec("launchctl print gui/$(id -u)/com.example.nothing");
            assertThat(notFound.exit()).isEqualTo(113);
            assertThat(notFound.stderr()).isEqualTo("Could not find service \"com.example.nothing\" in domain for port\n");
            SshTestClient.Exec npmOther = c.exec("npm install -g left-pad");
            assertThat(npmOther.exit()).isEqualTo(1);
            assertThat(npmOther.stderr()).startsWith("npm error code E404");
            SshTestClient.Exec npmNoVersion = c.exec("npm install -g --prefix /tmp/nowhere-sim openclaw@1.2.3");
            assertThat(npmNoVersion.exit()).isEqualTo(1);
            assertThat(npmNoVersion.stderr()).contains("No matching version found for openclaw@1.2.3");
            // quoting survives the shim: an argument with spaces, quotes and a newline reaches the emulator intact
            SshTestClient.Exec weird = c.exec("launchctl print \"gui/$(id -u)/a b'c\n\\\"d\"");
            assertThat(weird.stderr()).isEqualTo("Could not find service \"a b'c\n\"d\" in domain for port\n");
            SshTestClient.Exec pipeline = c.exec("launchctl print gui/$(id -u)/ai.openclaw.gateway | grep -c 'state = running'");
            assertThat(pipeline.stdout()).isEqualTo("1\n");
            assertThat(c.exec("\"$SHELL\" -lc 'node -v'").stdout()).startsWith("v");
            assertThat(c.exec("\"$SHELL\" -lc 'command -v launchctl'").stdout()).isEqualTo(jp.home() + "/.sim/bin/launchctl\n");
        }
    }

    @Test
    void plutilLintRejectsABrokenPlist() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            SshTestClient.Exec r = c.exec("sed 's#</dict>##' " + PLIST + " > /tmp/broken-$$.plist && plutil -lint /tmp/broken-$$.plist; rc=$?; rm -f /tmp/broken-$$.plist; exit $rc");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.stdout()).matches("(?s)/tmp/broken-\\d+\\.plist: .+\n").doesNotContain(": OK");
        }
    }

    @Test
    void keepAliveRespawnsAfterKill9WithRunsIncremented() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            String print0 = awaitRunning(c);
            long pid = Long.parseLong(field(print0, "pid"));
            int runs = Integer.parseInt(field(print0, "runs"));
            assertThat(c.exec("kill -9 " + pid).exit()).isZero();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String p = c.exec("launchctl print " + target).stdout();
                assertThat(p).contains("state = running", "last terminating signal = Killed: 9");
                assertThat(Long.parseLong(field(p, "pid"))).isNotEqualTo(pid);
                assertThat(Integer.parseInt(field(p, "runs"))).isEqualTo(runs + 1);
            });
            await().atMost(Duration.ofSeconds(15)).until(() -> "2026.9.5".equals(hk.runningVersion()));
        }
    }

    @Test
    void upgradeRunsTheCandidateAndADowngradeWithoutStateRestoreExits78AndParks() throws Exception {
        SimulatedLease lease = jp;
        try (SshTestClient c = SshTestClient.to(lease, clientKey)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> "2026.9.5".equals(lease.runningVersion()));
            String kit = "$HOME/.openclaw-cutover/t1";
            assertThat(c.exec("mkdir -p " + kit + " && cp -p " + PLIST + " " + kit + "/ai.openclaw.gateway.plist").exit()).isZero();

            SshTestClient.Exec npm = c.exec("npm install -g --prefix \"$HOME/.openclaw-cutover/versions/2026.9.6\" 'openclaw@2026.9.6'");
            assertThat(npm.exit()).as(npm.stderr()).isZero();
            assertThat(npm.stdout()).contains("added 1 package");
            String candidate = lease.home() + "/.openclaw-cutover/versions/2026.9.6/lib/node_modules/openclaw";
            assertThat(c.exec("cat '" + candidate + "/package.json'").stdout()).contains("\"version\": \"2026.9.6\"", "\"node\": \">=18\"");

            String flip = "sed 's#" + lease.home() + "/.npm-global/lib/node_modules/openclaw/dist/index.js#" + candidate
                    + "/dist/index.js#' " + PLIST + " > " + PLIST + ".candidate && plutil -lint " + PLIST + ".candidate && mv "
                    + PLIST + ".candidate " + PLIST;
            SshTestClient.Exec flipped = c.exec(flip);
            assertThat(flipped.exit()).as(flipped.stderr()).isZero();
            assertThat(lease.installedVersion()).isEqualTo("2026.9.6");
            // the login shell finds the CLI through npm's global prefix bin, as on a Mac: flipping only the plist leaves
            // it on the old version (the drift the product's FLIP_PLIST prevents by switching that link too)
            assertThat(c.exec("\"$SHELL\" -lc 'command -v openclaw'").stdout())
                    .isEqualTo(lease.home() + "/.npm-global/bin/openclaw\n");
            assertThat(c.exec("\"$SHELL\" -lc 'openclaw --version'").stdout()).as("the npm global prefix's CLI")
                    .isEqualTo("2026.9.5\n");
            assertThat(c.exec("readlink \"$HOME/.npm-global/bin/openclaw\"").stdout())
                    .isEqualTo("../lib/node_modules/openclaw/openclaw.mjs\n");
            assertThat(c.exec("command -v openclaw").exit()).as("no openclaw shim on the non-login PATH").isNotZero();
            assertThat(lease.runningVersion()).as("launchd still runs the cached definition").isEqualTo("2026.9.5");

            assertThat(c.exec("launchctl bootout " + target).exit()).isZero();
            assertThat(c.exec("launchctl print " + target).exit()).isEqualTo(113);
            assertThat(c.exec("launchctl enable " + target + " && launchctl bootstrap gui/$(id -u) " + PLIST).exit()).isZero();
            await().atMost(Duration.ofSeconds(15)).until(() -> "2026.9.6".equals(lease.runningVersion()));
            Path stateDb = lease.home().resolve(".openclaw/state/openclaw.sqlite");
            assertThat(Json.MAPPER.readTree(Files.readString(stateDb)).get("schema").asInt()).isEqualTo(18);
            List<Path> backups;
            try (var s = Files.list(stateDb.getParent())) {
                backups = s.filter(p -> p.getFileName().toString().matches("openclaw\\.sqlite\\.pre-startup-migration-[0-9a-f-]{36}\\.bak")).toList();
            }
            assertThat(backups).hasSize(1);
            assertThat(Files.readString(lease.home().resolve("Library/Logs/openclaw/gateway.log"))).contains("migrated state database schema 17 -> 18");

            // roll back the plist only (no state restore): 2026.9.5 refuses the schema-18 state, exits 78 and parks
            assertThat(c.exec("cp -p " + kit + "/ai.openclaw.gateway.plist " + PLIST + " && launchctl bootout " + target
                    + " && launchctl bootstrap gui/$(id -u) " + PLIST).exit()).isZero();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                SshTestClient.Exec print = c.exec("launchctl print " + target);
                assertThat(print.exit()).isEqualTo(113);
                assertThat(print.stderr()).isEqualTo("Could not find service \"ai.openclaw.gateway\" in domain for port\n");
                assertThat(c.exec("launchctl print-disabled gui/$(id -u)").stdout()).contains("\"ai.openclaw.gateway\" => disabled");
            });
            assertThat(Files.readString(lease.home().resolve("Library/Logs/openclaw/gateway.log")))
                    .contains("schema 18; this build supports 17");
            assertThat(lease.runningVersion()).isNull();
            SshTestClient.Exec refused = c.exec("launchctl bootstrap gui/$(id -u) " + PLIST);
            assertThat(refused.exit()).isEqualTo(5);
            assertThat(refused.stderr()).startsWith("Bootstrap failed: 5: Input/output error");

            // the documented recovery: restore the state snapshot with the old package and plist, enable, bootstrap
            assertThat(c.exec("cp " + backups.get(0) + " $HOME/.openclaw/state/openclaw.sqlite && launchctl enable " + target
                    + " && launchctl bootstrap gui/$(id -u) " + PLIST).exit()).isZero();
            await().atMost(Duration.ofSeconds(15)).until(() -> "2026.9.5".equals(lease.runningVersion()));
            assertThat(Files.readString(lease.home().resolve(".sim/applied.log")))
                    .contains("npm install -g --prefix", "launchctl bootout " + target + "\texit=0",
                            "launchctl disable " + target + "\texit=0", "launchctl bootstrap gui/" + LaunchdEmulator.UID)
                    .contains("\texit=5");
        }
    }

    @Test
    void aBadEnvFileHeaderMakesTheWrapperExit78OnEveryStartWithoutParking() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            awaitRunning(c);
            String env = "$HOME/.openclaw/service-env/ai.openclaw.gateway.env";
            assertThat(c.exec("cp -p " + env + " " + env + ".good && sed -i '1s/.*/# edited by hand/' " + env
                    + " && launchctl kickstart -k " + target).exit()).isZero();
            int[] runs = new int[1];
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String p = c.exec("launchctl print " + target).stdout();
                assertThat(p).contains("last exit code = 78");
                runs[0] = Integer.parseInt(field(p, "runs"));
            });
            // launchd keeps respawning it every ThrottleInterval; nothing disables it
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(Integer.parseInt(field(c.exec("launchctl print " + target).stdout(), "runs"))).isGreaterThan(runs[0]));
            assertThat(c.exec("launchctl print-disabled gui/$(id -u)").stdout()).doesNotContain("ai.openclaw.gateway");
            assertThat(Files.readString(hk.home().resolve("Library/Logs/openclaw/gateway.log")))
                    .contains("Invalid LaunchAgent environment file");
            assertThat(c.exec("mv " + env + ".good " + env).exit()).isZero();
            await().atMost(Duration.ofSeconds(15)).until(() -> "2026.9.5".equals(hk.runningVersion()));
        }
    }

    @Test
    void injectedGatewayFaultsFailReadinessAndLogAStackTraceUntilCleared() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            awaitRunning(c);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<Void> put = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + sim.controlPort() + "/v1/leases/hk-1/faults"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"2026.9.5\":{\"readyFailingAfterMs\":100,\"logStackTraceOnReady\":true}}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(put.statusCode()).isEqualTo(204);
            assertThat(c.exec("launchctl kickstart -k " + target).exit()).isZero();
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
                SshTestClient.HttpResult readyz = c.http("GET", hk.gatewayPort(), "/readyz");
                assertThat(readyz.status()).isEqualTo(503);
                assertThat(Json.MAPPER.readTree(readyz.body()).get("failing").toString()).isEqualTo("[\"internal\"]");
            });
            assertThat(Files.readString(hk.home().resolve("Library/Logs/openclaw/gateway.log")))
                    .containsPattern("(?m)^\\s+at .+:\\d+:\\d+\\)?$");
            sim.setGatewayFaults("hk-1", "{}");
            assertThat(c.exec("launchctl kickstart -k " + target).exit()).isZero();
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
                    assertThat(c.http("GET", hk.gatewayPort(), "/readyz").status()).isEqualTo(200));
        }
    }

    @Test
    void slowFirstWakesMakeOnlyTheFirstWakesAfterARestartSlow() throws Exception {
        String token = Json.MAPPER.readTree(hk.home().resolve(".openclaw/openclaw.json").toFile()).path("hooks")
                .path("token").asText();
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            awaitRunning(c);
            sim.setGatewayFaults("hk-1", "{\"*\":{\"slowFirstWakes\":2,\"slowFirstWakeMs\":700}}");
            try {
                assertThat(c.exec("launchctl kickstart -k " + target).exit()).isZero();
                await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
                        assertThat(c.http("GET", hk.gatewayPort(), "/readyz").status()).isEqualTo(200));
                long[] millis = new long[4];
                for (int i = 0; i < millis.length; i++) {
                    long t0 = System.nanoTime();
                    SshTestClient.HttpResult r = wake(c, token, "slow-" + i);
                    millis[i] = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                }
                assertThat(millis[0]).isGreaterThanOrEqualTo(700);
                assertThat(millis[1]).isGreaterThanOrEqualTo(700);
                assertThat(millis[2]).isLessThan(700);
                assertThat(millis[3]).isLessThan(700);
            } finally {
                sim.setGatewayFaults("hk-1", "{}");
            }
            assertThat(c.exec("launchctl kickstart -k " + target).exit()).isZero();
            awaitRunning(c);
        }
    }

    private static SshTestClient.HttpResult wake(SshTestClient c, String token, String text) throws IOException {
        try (DirectConnection dc = c.raw().newDirectConnection("127.0.0.1", hk.gatewayPort())) {
            byte[] body = ("{\"text\":\"" + text + "\",\"mode\":\"now\"}").getBytes(StandardCharsets.UTF_8);
            String head = "POST /hooks/wake HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            OutputStream out = dc.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String raw = new String(dc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = raw.indexOf("\r\n\r\n");
            return new SshTestClient.HttpResult(Integer.parseInt(raw.split(" ", 3)[1]), raw.substring(0, split),
                    raw.substring(split + 4));
        }
    }

    @Test
    void kickstartKRestartsTheCachedDefinition() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            String before = awaitRunning(c);
            long pid = Long.parseLong(field(before, "pid"));
            SshTestClient.Exec k = c.exec("launchctl kickstart -k -p " + target);
            assertThat(k.exit()).isZero();
            long newPid = Long.parseLong(k.stdout().trim());
            assertThat(newPid).isNotEqualTo(pid);
            String after = awaitRunning(c);
            assertThat(after).contains("last exit code = 0");
            assertThat(Long.parseLong(field(after, "pid"))).isEqualTo(newPid);
            // relative plist paths resolve against the caller's cwd, as with the real launchctl
            SshTestClient.Exec relative = c.exec("cd Library/LaunchAgents && launchctl bootout gui/$(id -u) ai.openclaw.gateway.plist"
                    + " && launchctl bootstrap gui/$(id -u) ai.openclaw.gateway.plist");
            assertThat(relative.exit()).as(relative.stderr()).isZero();
            assertThat(awaitRunning(c)).contains("path = " + hk.home().resolve("Library/LaunchAgents/ai.openclaw.gateway.plist"), "runs = 1");
        }
    }

    @Test
    void openclawBackupCreateVerifyRestoreFollowTheDocumentedSemantics() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            SshTestClient.Exec created = c.exec("mkdir -p /tmp/sim-bk-$PPID && " + CLI + " backup create --output \"$HOME/.openclaw-cutover/bk\" --verify --json");
            assertThat(created.exit()).as(created.stderr()).isZero();
            JsonNode create = Json.MAPPER.readTree(created.stdout());
            assertThat(create.get("ok").asBoolean()).isTrue();
            assertThat(create.get("verified").asBoolean()).isTrue();
            assertThat(create.get("runtimeVersion").asText()).isEqualTo("2026.9.5");
            String archive = create.get("archivePath").asText();
            assertThat(archive).startsWith(hk.home() + "/.openclaw-cutover/bk/openclaw-backup-").endsWith(".tar.gz");
            assertThat(c.exec("stat -c %a '" + archive + "'").stdout()).isEqualTo("600\n");
            String root = create.get("archiveRoot").asText();
            String listing = c.exec("tar -tzf '" + archive + "'").stdout();
            assertThat(listing).contains(root + "/manifest.json",
                    root + "/payload/posix" + hk.home() + "/.openclaw/openclaw.json",
                    root + "/payload/posix" + hk.home() + "/.openclaw/state/openclaw.sqlite")
                    .doesNotContain("/.openclaw/tmp/", "node_modules");

            JsonNode verify = Json.MAPPER.readTree(c.exec(CLI + " backup verify '" + archive + "' --json").stdout());
            assertThat(verify.get("ok").asBoolean()).isTrue();
            assertThat(verify.get("archiveRoot").asText()).isEqualTo(root);
            assertThat(verify.get("assetCount").asInt()).isPositive();
            assertThat(verify.get("entryCount").asInt()).isGreaterThan(verify.get("assetCount").asInt());
            assertThat(verify.has("symlinkCount")).isTrue();

            SshTestClient.Exec inPlace = c.exec(CLI + " backup restore '" + archive + "' --target \"$HOME/.openclaw\" --json");
            assertThat(inPlace.exit()).isEqualTo(1);
            assertThat(inPlace.stderr()).contains("refusing to restore in place");
            SshTestClient.Exec notEmpty = c.exec("mkdir -p /tmp/sim-restore-$$ && touch /tmp/sim-restore-$$/x && "
                    + CLI + " backup restore '" + archive + "' --target /tmp/sim-restore-$$ --json; rc=$?; rm -rf /tmp/sim-restore-$$; exit $rc");
            assertThat(notEmpty.exit()).isEqualTo(1);
            assertThat(notEmpty.stderr()).contains("must be empty");
            SshTestClient.Exec restored = c.exec(CLI + " backup restore '" + archive + "' --target \"$HOME/.openclaw-cutover/restore\" --json");
            assertThat(restored.exit()).as(restored.stderr()).isZero();
            assertThat(c.exec("cmp \"$HOME/.openclaw-cutover/restore/" + root + "/payload/posix" + hk.home()
                    + "/.openclaw/openclaw.json\" \"$HOME/.openclaw/openclaw.json\"").exit()).isZero();

            SshTestClient.Exec corrupt = c.exec("printf 'not a tarball' > /tmp/sim-bad-$$.tar.gz; " + CLI + " backup verify /tmp/sim-bad-$$.tar.gz --json; rc=$?; rm -f /tmp/sim-bad-$$.tar.gz; exit $rc");
            assertThat(corrupt.exit()).isEqualTo(1);
            assertThat(Json.MAPPER.readTree(corrupt.stdout()).get("ok").asBoolean()).isFalse();
        }
    }

    @Test
    void sshKeysOutputLoadsInSshjAndMatchesThePubFile() throws Exception {
        Path key = dir.resolve("keys/k1");
        String line = SshKeys.generateEd25519(key);
        assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(key.resolveSibling("k1.pub"))).startsWith(line + " ");
        try (SSHClient client = new SSHClient()) {
            var provider = client.loadKeys(key.toString());
            assertThat(SshTestClient.openSshLine(provider.getPublic())).isEqualTo(line);
        }
    }

    @Test
    void sshRoundTripOnOneReusedConnectionIsFast() throws Exception {
        try (SshTestClient c = SshTestClient.to(hk, clientKey)) {
            c.exec("true");
            int n = 20;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                assertThat(c.exec("true").exit()).isZero();
            }
            long plain = (System.nanoTime() - t0) / n / 1000;
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                assertThat(c.exec("launchctl print " + target).exit()).isZero();
            }
            long shim = (System.nanoTime() - t0) / n / 1000;
            System.out.printf("[measure] SSH exec round trip on a reused connection: `true` %d us, `launchctl print` %d us (avg of %d)%n",
                    plain, shim, n);
            assertThat(shim).isLessThan(500_000);
        }
    }

    private String awaitRunning(SshTestClient c) {
        String[] out = new String[1];
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            SshTestClient.Exec p = c.exec("launchctl print " + target);
            assertThat(p.stdout()).contains("state = running");
            out[0] = p.stdout();
        });
        return out[0];
    }

    static String field(String print, String name) {
        Matcher m = Pattern.compile("(?m)^\\t" + Pattern.quote(name) + " = (.+)$").matcher(print);
        assertThat(m.find()).as("field %s in %s", name, print).isTrue();
        return m.group(1).trim();
    }
}
