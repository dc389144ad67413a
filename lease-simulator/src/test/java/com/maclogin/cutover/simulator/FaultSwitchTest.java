package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per fault switch: each turns the switch on and shows the symptom as the product's probes see it over SSH
 * (sshj with the pinned host key, direct-tcpip for HTTP), then turns it off and shows the lease healthy again.
 * Lease {@code gw-1} takes the gateway-process faults, {@code http-1} the HTTP/disk/TLS/login faults and
 * {@code ssh-1} the SSH faults, so that one slow recovery cannot disturb another row.
 */
class FaultSwitchTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static Path clientKey;
    static LeaseSimulator sim;
    static SimulatedLease gw;
    static SimulatedLease web;
    static SimulatedLease sshLease;
    static String target;

    @BeforeAll
    static void startLeases() throws IOException {
        clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(clientKey);
        sim = LeaseSimulator.start(new SimulatorConfig(dir.resolve("state"),
                List.of(new LeaseSpec("gw-1", Region.HK, 0, LeaseSimulatorTest.freePort(), "2026.9.5"),
                        new LeaseSpec("http-1", Region.SG, 0, LeaseSimulatorTest.freePort(), "2026.9.5"),
                        new LeaseSpec("ssh-1", Region.US, 0, LeaseSimulatorTest.freePort(), "2026.9.5")),
                List.of(pub), 0, Duration.ofMillis(200), Duration.ofMillis(300)));
        gw = sim.lease("gw-1");
        web = sim.lease("http-1");
        sshLease = sim.lease("ssh-1");
        target = "gui/" + LaunchdEmulator.UID + "/ai.openclaw.gateway";
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @AfterEach
    void everyLeaseIsClearedAndReadyAgain() throws Exception {
        for (SimulatedLease l : sim.leases()) {
            sim.clearFaults(l.id());
            assertThat(l.faults()).isEqualTo(Faults.none());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.leases().stream()
                .allMatch(l -> ((LeaseImpl) l).readyzStatus() == 200));
    }

    // ------------------------------------------------------------------------------------------------ process layer

    @Test
    void crashLoopMissingEnvFileExits78OnEveryRespawnWithRunsIncreasing() throws Exception {
        try (SshTestClient c = SshTestClient.to(gw, clientKey)) {
            sim.setFaults("gw-1", Faults.none().withEnvFile(Faults.EnvFileFault.MISSING));
            int[] runs = new int[1];
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String p = c.exec("launchctl print " + target).stdout();
                assertThat(p).contains("state = not running", "last exit code = 78: EX_CONFIG");
                runs[0] = Integer.parseInt(LeaseSimulatorTest.field(p, "runs"));
            });
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(Integer.parseInt(
                    LeaseSimulatorTest.field(c.exec("launchctl print " + target).stdout(), "runs"))).isGreaterThan(runs[0] + 1));
            assertThat(c.exec("test -e .openclaw/service-env/ai.openclaw.gateway.env").exit()).isEqualTo(1);
            assertThat(c.exec("launchctl print-disabled gui/$(id -u)").stdout()).doesNotContain("ai.openclaw.gateway");
            assertThat(c.exec("tail -n 5 Library/Logs/openclaw/gateway.log").stdout())
                    .contains("Invalid LaunchAgent environment file");

            sim.clearFault("gw-1", FaultSwitch.CRASH_LOOP);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(c.exec("launchctl print " + target).stdout()).contains("state = running"));
        }
    }

    @Test
    void crashLoopInvalidEnvHeaderAlsoExits78() throws Exception {
        try (SshTestClient c = SshTestClient.to(gw, clientKey)) {
            sim.setFaults("gw-1", Faults.none().withEnvFile(Faults.EnvFileFault.INVALID));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(c.exec("launchctl print " + target).stdout()).contains("last exit code = 78: EX_CONFIG"));
            assertThat(c.exec("head -n 1 .openclaw/service-env/ai.openclaw.gateway.env").stdout()).isEqualTo("# edited by hand\n");
            sim.clearFaults("gw-1");
            assertThat(c.exec("head -n 1 .openclaw/service-env/ai.openclaw.gateway.env").stdout())
                    .isEqualTo(LeaseHome.ENV_HEADER + "\n");
        }
    }

    @Test
    void portHijackLeavesAForeignPidListeningAndTheGatewayExiting1() throws Exception {
        try (SshTestClient c = SshTestClient.to(gw, clientKey)) {
            long gatewayPid = Long.parseLong(LeaseSimulatorTest.field(c.exec("launchctl print " + target).stdout(), "pid"));
            put("/v1/leases/gw-1/fault-switches", "{\"portHijacked\":true}");
            long stale = ((LeaseImpl) gw).faultControl().squatterPid();
            assertThat(stale).isPositive().isNotEqualTo(gatewayPid);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String p = c.exec("launchctl print " + target).stdout();
                assertThat(p).contains("last exit code = 1\n");
                assertThat(c.exec("tail -n 20 Library/Logs/openclaw/gateway.log").stdout()).contains("EADDRINUSE");
            });
            SshTestClient.Exec lsof = c.exec("lsof -nP -iTCP:" + gw.gatewayPort() + " -sTCP:LISTEN -t");
            assertThat(lsof.stdout().trim()).isEqualTo(Long.toString(stale));
            String print = c.exec("launchctl print " + target).stdout();
            if (print.contains("state = running")) {
                // a respawn in progress has a pid of its own, which is not the listener
                assertThat(LeaseSimulatorTest.field(print, "pid")).isNotEqualTo(Long.toString(stale));
            }

            delete("/v1/leases/gw-1/fault-switches/port_hijack");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String p = c.exec("launchctl print " + target).stdout();
                assertThat(p).contains("state = running");
                assertThat(c.exec("lsof -nP -iTCP:" + gw.gatewayPort() + " -sTCP:LISTEN -t").stdout().trim())
                        .isEqualTo(LeaseSimulatorTest.field(p, "pid"));
            });
        }
    }

    // ------------------------------------------------------------------------------------------------ application

    @Test
    void halfAppliedMigrationFailsReadyzWithStateDatabaseWhileHealthzStaysLive() throws Exception {
        try (SshTestClient c = SshTestClient.to(web, clientKey)) {
            HttpResponse<String> patched = send("PATCH", "/v1/leases/http-1/fault-switches", "{\"halfAppliedMigration\":true}");
            assertThat(patched.statusCode()).isEqualTo(200);
            assertThat(patched.body()).contains("\"HALF_APPLIED_MIGRATION\"");
            SshTestClient.HttpResult readyz = c.http("GET", web.gatewayPort(), "/readyz");
            assertThat(readyz.status()).isEqualTo(503);
            JsonNode body = Json.MAPPER.readTree(readyz.body());
            assertThat(body.get("ready").asBoolean()).isFalse();
            assertThat(body.get("failing").toString()).isEqualTo("[\"state-database\"]");
            assertThat(c.http("GET", web.gatewayPort(), "/healthz").status()).isEqualTo(200);

            delete("/v1/leases/http-1/fault-switches/HALF_APPLIED_MIGRATION");
            assertThat(c.http("GET", web.gatewayPort(), "/readyz").status()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------------------------------------------ integration

    @Test
    void dnsDriftSlowsThenFailsTheSyntheticWakeHook() throws Exception {
        try (SshTestClient c = SshTestClient.to(web, clientKey)) {
            sim.setFaults("http-1", Faults.none().withHookDelayMillis(600));
            String[] t = c.exec(wake(web, "-w '%{http_code} %{time_total}'")).stdout().split(" ");
            assertThat(t[0]).isEqualTo("200");
            assertThat(Double.parseDouble(t[1])).isGreaterThanOrEqualTo(0.6);

            sim.updateFaults("http-1", f -> f.withHookFailure(Faults.HookFailure.BAD_GATEWAY_502).withHookDelayMillis(0));
            assertThat(c.exec(wake(web, "-w '%{http_code}'")).stdout()).isEqualTo("502");
            sim.updateFaults("http-1", f -> f.withHookFailure(Faults.HookFailure.HANG));
            SshTestClient.Exec hang = c.exec(wake(web, "-m 1 -w '%{http_code}'"));
            assertThat(hang.exit()).isEqualTo(28);
            assertThat(hang.stdout()).isEqualTo("000");
            // probes other than the hook are untouched
            assertThat(c.http("GET", web.gatewayPort(), "/readyz").status()).isEqualTo(200);
            sim.clearFault("http-1", FaultSwitch.DNS_DRIFT);
            assertThat(c.exec(wake(web, "-w '%{http_code}'")).stdout()).isEqualTo("200");
        }
    }

    @Test
    void latencyDelaysEveryGatewayResponse() throws Exception {
        try (SshTestClient c = SshTestClient.to(web, clientKey)) {
            long base = timeMillis(() -> c.http("GET", web.gatewayPort(), "/healthz"));
            sim.setFaults("http-1", Faults.none().withResponseDelayMillis(500));
            long slow = timeMillis(() -> assertThat(c.http("GET", web.gatewayPort(), "/healthz").status()).isEqualTo(200));
            String[] t = c.exec(wake(web, "-w '%{http_code} %{time_total}'")).stdout().split(" ");
            assertThat(slow).isGreaterThanOrEqualTo(500).isGreaterThan(base);
            assertThat(t[0]).isEqualTo("200");
            assertThat(Double.parseDouble(t[1])).isGreaterThanOrEqualTo(0.5);
        }
    }

    @Test
    void errorRateMakesThatShareOfWakeHooksAnswer503() throws Exception {
        try (SshTestClient c = SshTestClient.to(web, clientKey)) {
            sim.setFaults("http-1", Faults.none().withHookErrorPercent(20));
            // one curl, 20 requests (curl applies -X/-H/-d to every URL): the shares are exact, not sampled
            String url = "http://127.0.0.1:" + web.gatewayPort() + "/hooks/wake";
            SshTestClient.Exec loop = c.exec(wake(web, "-w '\\n%{http_code}\\n'").replace("-o /dev/null ", "")
                    + (" " + url).repeat(19) + " | grep -E '^[0-9]{3}$' | sort | uniq -c | awk '{print $2\"=\"$1}'");
            assertThat(loop.stdout()).isEqualTo("200=16\n503=4\n");
        }
    }

    // ------------------------------------------------------------------------------------------------ disk

    @Test
    void diskLowMakesDfReportLessThanTenPercentFreeInTheLinuxLayout() throws Exception {
        try (SshTestClient c = SshTestClient.to(web, clientKey)) {
            String real = c.exec("df -k \"$HOME\"").stdout();
            sim.setFaults("http-1", Faults.none().withDiskFreePercent(7));
            SshTestClient.Exec df = c.exec("df -k \"$HOME\"");
            assertThat(df.exit()).isZero();
            String[] lines = df.stdout().split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0].trim().split("\\s+")).containsExactly("Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted", "on");
            String[] cols = lines[1].trim().split("\\s+");
            String[] realCols = real.split("\n")[1].trim().split("\\s+");
            assertThat(cols).hasSize(6);
            assertThat(cols[1]).isEqualTo(realCols[1]);
            long total = Long.parseLong(cols[1]);
            long avail = Long.parseLong(cols[3]);
            assertThat(Long.parseLong(cols[2]) + avail).isEqualTo(total);
            assertThat(cols[4]).isEqualTo("94%");
            assertThat(avail * 100.0 / total).isCloseTo(7.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat(lines[1].indexOf('%')).as("Use% right-aligned under its header").isEqualTo(lines[0].indexOf("Use%") + 3);
            assertThat(lines[1].indexOf(" " + cols[5])).isEqualTo(lines[0].indexOf(" Mounted on"));
            // what the probe computes: free = 100 - Use%
            assertThat(c.exec("df -k \"$HOME\" | awk 'NR==2{sub(/%/,\"\",$5); print 100-$5}'").stdout()).isEqualTo("6\n");
            sim.clearFault("http-1", FaultSwitch.DISK_LOW);
            assertThat(c.exec("df -k \"$HOME\"").stdout().split("\n")[1].trim().split("\\s+")[1]).isEqualTo(realCols[1]);
            assertThat(c.exec("df -k \"$HOME\"").stdout().split("\n")[1].trim().split("\\s+")[4]).isEqualTo(realCols[4]);
        }
    }

    // ------------------------------------------------------------------------------------------------ TLS

    @Test
    void tlsEndpointServesACertificateExpiringInTheConfiguredDays() throws Exception {
        assertThat(web.tlsPort()).isPositive();
        try (SshTestClient c = SshTestClient.to(web, clientKey)) {
            // one exec per look, as a TLS probe would run it: the end date and whether it expires within 14 days
            String look = "openssl s_client -connect 127.0.0.1:" + web.tlsPort() + " </dev/null 2>/dev/null"
                    + " | openssl x509 -noout -enddate -checkend " + Duration.ofDays(14).toSeconds();
            SshTestClient.Exec healthy = c.exec(look);
            assertThat(healthy.exit()).isZero();
            assertThat(healthy.stdout()).endsWith("Certificate will not expire\n");
            assertThat(notAfter(healthy.stdout().lines().findFirst().orElseThrow())).isBetween(
                    Instant.now().plus(Duration.ofDays(89)), Instant.now().plus(Duration.ofDays(91)));

            sim.setFaults("http-1", Faults.none().withTlsExpiresInDays(5));
            SshTestClient.Exec expiring = c.exec(look);
            assertThat(expiring.exit()).isEqualTo(1);
            assertThat(expiring.stdout()).endsWith("Certificate will expire\n");
            assertThat(notAfter(expiring.stdout().lines().findFirst().orElseThrow())).isBetween(
                    Instant.now().plus(Duration.ofDays(4)), Instant.now().plus(Duration.ofDays(6)));

            sim.setFaults("http-1", Faults.none().withTlsExpiresInDays(-1));
            String endDate = "openssl s_client -connect 127.0.0.1:" + web.tlsPort() + " </dev/null 2>/dev/null"
                    + " | openssl x509 -noout -enddate";
            assertThat(notAfter(c.exec(endDate).stdout())).isBefore(Instant.now());
        }
    }

    // ------------------------------------------------------------------------------------------------ Node major lock

    @Test
    void loginNodeMajorMakesTheLoginShellNodeDifferFromThePlistNode() throws Exception {
        try (SshTestClient c = SshTestClient.to(web, clientKey)) {
            String plistNode = c.exec("sed -n 's#.*<string>\\(/[^<]*/node\\)</string>.*#\\1#p' "
                    + "Library/LaunchAgents/ai.openclaw.gateway.plist | head -n 1").stdout().trim();
            String plistVersion = c.exec("'" + plistNode + "' -v").stdout().trim();
            assertThat(c.exec("\"$SHELL\" -lc 'node -v'").stdout().trim()).isEqualTo(plistVersion);
            int other = Integer.parseInt(plistVersion.substring(1, plistVersion.indexOf('.'))) - 2;

            sim.setFaults("http-1", Faults.none().withLoginNodeMajor(other));
            assertThat(c.exec("\"$SHELL\" -lc 'node -v'").stdout()).isEqualTo("v" + other + ".9.0\n");
            assertThat(c.exec("'" + plistNode + "' -v").stdout().trim()).isEqualTo(plistVersion);
            assertThat(c.exec("\"$SHELL\" -lc 'node -e \"console.log(1+1)\"'").stdout()).isEqualTo("2\n");
            sim.clearFaults("http-1");
            assertThat(c.exec("\"$SHELL\" -lc 'node -v'").stdout().trim()).isEqualTo(plistVersion);
        }
    }

    @Test
    void cliDriftPutsAnotherOpenclawFirstOnTheLoginPathWhileTheServiceKeepsItsVersion() throws Exception {
        try (SshTestClient c = SshTestClient.to(web, clientKey)) {
            // healthy: the login shell finds npm's global prefix CLI, the package the plist runs
            String npmCli = web.home() + "/.npm-global/bin/openclaw";
            assertThat(c.exec("\"$SHELL\" -lc 'command -v openclaw'").stdout()).isEqualTo(npmCli + "\n");
            assertThat(c.exec("\"$SHELL\" -lc 'openclaw --version'").stdout()).isEqualTo("2026.9.5\n");

            sim.setFaults("http-1", Faults.none().withCliVersion("2026.9.3"));
            assertThat(sim.faults("http-1").active()).containsExactly(FaultSwitch.CLI_DRIFT);
            String drift = web.home() + "/.sim/cli-drift/bin/openclaw";
            assertThat(c.exec("\"$SHELL\" -lc 'command -v openclaw'").stdout()).isEqualTo(drift + "\n");
            assertThat(c.exec("\"$SHELL\" -lc 'openclaw --version'").stdout()).isEqualTo("2026.9.3\n");
            assertThat(c.exec("readlink '" + drift + "'").stdout()).as("npm's bin layout")
                    .isEqualTo("../lib/node_modules/openclaw/openclaw.mjs\n");
            assertThat(web.installedVersion()).as("the service's package is untouched").isEqualTo("2026.9.5");
            assertThat(c.exec("'" + npmCli + "' --version").stdout()).isEqualTo("2026.9.5\n");
            assertThatThrownBy(() -> Faults.none().withCliVersion("9.6; rm -rf /"))
                    .isInstanceOf(IllegalArgumentException.class);

            sim.clearFault("http-1", FaultSwitch.CLI_DRIFT);
            assertThat(c.exec("\"$SHELL\" -lc 'openclaw --version'").stdout()).isEqualTo("2026.9.5\n");
            assertThat(web.home().resolve(".sim/cli-drift")).doesNotExist();
        }
    }

    // ------------------------------------------------------------------------------------------------ SSH

    @Test
    void sshDropClosesOpenAndNewSessionsAndRefuseClosesThePort() throws Exception {
        SshTestClient open = SshTestClient.to(sshLease, clientKey);
        try {
            sim.setFaults("ssh-1", Faults.none().withSsh(Faults.SshFault.CLOSE_SESSIONS));
            // the open connection is gone: sshj reports it as not connected (or a transport error mid-request)
            assertThatThrownBy(() -> open.exec("true")).isInstanceOfAny(IOException.class, IllegalStateException.class);
            assertThatThrownBy(() -> SshTestClient.to(sshLease, clientKey).close()).isInstanceOf(IOException.class);

            sim.setFaults("ssh-1", Faults.none().withSsh(Faults.SshFault.REFUSE_CONNECTIONS));
            assertThatThrownBy(() -> new Socket("127.0.0.1", sshLease.sshPort()).close())
                    .isInstanceOf(ConnectException.class);
        } finally {
            try {
                open.close();
            } catch (IOException ignored) {
                // already dropped
            }
        }
        sim.clearFault("ssh-1", FaultSwitch.SSH_DROP);
        try (SshTestClient c = SshTestClient.to(sshLease, clientKey)) {
            assertThat(c.exec("true").exit()).isZero();
        }
    }

    @Test
    void sshDropEventClosesTheOpenSessionAndExactlyTheNextTwoConnectsThenConnectsWorkAgain() throws Exception {
        SshTestClient open = SshTestClient.to(sshLease, clientKey);
        try {
            sim.dropSshConnections("ssh-1", 2);
            assertThatThrownBy(() -> open.exec("true")).isInstanceOfAny(IOException.class, IllegalStateException.class);
            assertThatThrownBy(() -> SshTestClient.to(sshLease, clientKey).close()).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> SshTestClient.to(sshLease, clientKey).close()).isInstanceOf(IOException.class);
            try (SshTestClient c = SshTestClient.to(sshLease, clientKey)) {
                assertThat(c.exec("true").exit()).isZero();
            }
            // an event, not a switch
            assertThat(sshLease.faults()).isEqualTo(Faults.none());
        } finally {
            try {
                open.close();
            } catch (IOException ignored) {
                // already dropped
            }
        }
        HttpResponse<String> viaApi = send("POST", "/v1/leases/ssh-1/ssh-drop?next=1", null);
        assertThat(viaApi.statusCode()).isEqualTo(204);
        assertThatThrownBy(() -> SshTestClient.to(sshLease, clientKey).close()).isInstanceOf(IOException.class);
        try (SshTestClient c = SshTestClient.to(sshLease, clientKey)) {
            assertThat(c.exec("true").exit()).isZero();
        }
    }

    @Test
    void sshRefuseEventRefusesConnectsForItsDurationThenListensAgainByItself() throws Exception {
        long start = System.nanoTime();
        sim.refuseSshConnections("ssh-1", Duration.ofMillis(1500));
        assertThatThrownBy(() -> new Socket("127.0.0.1", sshLease.sshPort()).close())
                .isInstanceOf(ConnectException.class);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(() -> {
                    try (SshTestClient c = SshTestClient.to(sshLease, clientKey)) {
                        assertThat(c.exec("true").exit()).isZero();
                    }
                });
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1400);

        // the REFUSE_CONNECTIONS switch turned on meanwhile keeps the port closed when the timed refusal ends
        sim.refuseSshConnections("ssh-1", Duration.ofMillis(300));
        sim.setFaults("ssh-1", Faults.none().withSsh(Faults.SshFault.REFUSE_CONNECTIONS));
        Thread.sleep(600);
        assertThatThrownBy(() -> new Socket("127.0.0.1", sshLease.sshPort()).close())
                .isInstanceOf(ConnectException.class);
        sim.clearFault("ssh-1", FaultSwitch.SSH_DROP);
        try (SshTestClient c = SshTestClient.to(sshLease, clientKey)) {
            assertThat(c.exec("true").exit()).isZero();
        }

        assertThat(send("POST", "/v1/leases/ssh-1/ssh-refuse?millis=200", null).statusCode()).isEqualTo(204);
        assertThat(send("POST", "/v1/leases/ssh-1/ssh-refuse", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/v1/leases/ssh-1/ssh-drop", null).statusCode()).isEqualTo(405);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(() -> {
                    try (SshTestClient c = SshTestClient.to(sshLease, clientKey)) {
                        assertThat(c.exec("true").exit()).isZero();
                    }
                });
    }

    @Test
    void sshSlowDelaysEveryCommand() throws Exception {
        try (SshTestClient c = SshTestClient.to(sshLease, clientKey)) {
            c.exec("true");
            sim.setFaults("ssh-1", Faults.none().withSshCommandDelayMillis(400));
            assertThat(timeMillis(() -> assertThat(c.exec("true").exit()).isZero())).isGreaterThanOrEqualTo(400);
            sim.clearFaults("ssh-1");
            assertThat(timeMillis(() -> c.exec("true"))).isLessThan(400);
        }
    }

    @Test
    void hostKeyChangeFailsThePinnedKeyAndTheNewKeyIsPublished() throws Exception {
        String pinned = sshLease.hostKey();
        sim.setFaults("ssh-1", Faults.none().withHostKeyRotated(true));
        String rotated = sshLease.hostKey();
        assertThat(rotated).startsWith("ssh-ed25519 AAAA").isNotEqualTo(pinned);
        assertThatThrownBy(() -> new SshTestClient(sshLease.host(), sshLease.sshPort(), sshLease.sshUser(), pinned, clientKey))
                .isInstanceOf(net.schmizz.sshj.transport.TransportException.class);
        try (SshTestClient c = new SshTestClient(sshLease.host(), sshLease.sshPort(), sshLease.sshUser(), rotated, clientKey)) {
            assertThat(c.exec("true").exit()).isZero();
        }
        JsonNode listed = leaseFromList("ssh-1");
        assertThat(listed.get("hostKey").asText()).isEqualTo(rotated);
        assertThat(listed.get("activeFaults").toString()).isEqualTo("[\"HOST_KEY_CHANGED\"]");

        sim.clearFaults("ssh-1");
        assertThat(sshLease.hostKey()).isEqualTo(pinned);
        try (SshTestClient c = SshTestClient.to(sshLease, clientKey)) {
            assertThat(c.exec("true").exit()).isZero();
        }
    }

    // ------------------------------------------------------------------------------------------------ control API

    @Test
    void controlApiListsLeasesWithLaunchdStateAndRejectsUnknownSwitches() throws Exception {
        HttpResponse<String> list = send("GET", "/v1/leases", null);
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode leases = Json.MAPPER.readTree(list.body());
        assertThat(leases).hasSize(3);
        JsonNode first = leases.get(0);
        assertThat(first.get("id").asText()).isEqualTo("gw-1");
        assertThat(first.get("region").asText()).isEqualTo("HK");
        assertThat(first.get("tlsPort").asInt()).isEqualTo(gw.tlsPort());
        assertThat(first.get("launchd").get("state").asText()).isEqualTo("running");
        assertThat(first.get("launchd").get("pid").asLong()).isPositive();
        assertThat(first.get("activeFaults")).isEmpty();
        HttpResponse<String> one = send("GET", "/v1/leases/http-1", null);
        assertThat(Json.MAPPER.readTree(one.body()).get("runningVersion").asText()).isEqualTo("2026.9.5");

        assertThat(send("PUT", "/v1/leases/http-1/fault-switches", "{\"diskFree\":3}").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/v1/leases/http-1/fault-switches", "{\"hookErrorPercent\":101}").statusCode()).isEqualTo(400);
        assertThat(send("DELETE", "/v1/leases/http-1/fault-switches/NOPE", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/leases/nope/fault-switches", null).statusCode()).isEqualTo(404);
        HttpResponse<String> put = send("PUT", "/v1/leases/http-1/fault-switches", "{\"diskFreePercent\":3,\"sshCommandDelayMillis\":0}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(put.body()).get("active").toString()).isEqualTo("[\"DISK_LOW\"]");
        assertThat(web.faults().diskFreePercent()).isEqualTo(3);
        assertThat(send("DELETE", "/v1/leases/http-1/fault-switches", null).statusCode()).isEqualTo(200);
        assertThat(web.faults()).isEqualTo(Faults.none());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String wake(SimulatedLease lease, String curlOpts) throws IOException {
        String token = Json.MAPPER.readTree(Files.readString(lease.home().resolve(".openclaw/openclaw.json")))
                .path("hooks").path("token").asText();
        return "curl -sS -o /dev/null " + curlOpts + " -X POST http://127.0.0.1:" + lease.gatewayPort()
                + "/hooks/wake -H 'Authorization: Bearer " + token + "' -H 'Content-Type: application/json'"
                + " -d '{\"text\":\"cutover smoke test\",\"mode\":\"now\"}'";
    }

    static Instant notAfter(String enddateLine) {
        // notAfter=Dec  1 10:00:00 2026 GMT
        String v = enddateLine.trim().substring("notAfter=".length()).replaceAll("\\s+", " ");
        return ZonedDateTime.parse(v, DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy z", Locale.ROOT)
                .withZone(ZoneOffset.UTC)).toInstant();
    }

    interface Action {
        void run() throws Exception;
    }

    static long timeMillis(Action a) throws Exception {
        long t0 = System.nanoTime();
        a.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static JsonNode leaseFromList(String id) throws Exception {
        for (JsonNode n : Json.MAPPER.readTree(send("GET", "/v1/leases", null).body())) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("lease " + id + " not listed");
    }

    static void put(String path, String json) throws Exception {
        HttpResponse<String> r = send("PUT", path, json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static void delete(String path) throws Exception {
        HttpResponse<String> r = send("DELETE", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.controlPort() + path))
                .timeout(Duration.ofSeconds(30));
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
