package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.schmizz.sshj.userauth.UserAuthException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease's probe account, the second login of its SSH server: as root (this machine, CI) its sessions run as
 * another OS user, which can run the lease's macOS shims but cannot write the gateway's files. The state dir sits in
 * a JUnit temp dir (mode 0700), so the test also shows the search permission the simulator adds along the path.
 */
class ProbeUserSessionTest {

    @TempDir
    static Path dir;
    static Path clientKey;
    static LeaseSimulator sim;
    static SimulatedLease lease;
    static boolean root;

    @BeforeAll
    static void start() throws Exception {
        root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim());
        clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(clientKey);
        sim = LeaseSimulator.start(new SimulatorConfig(dir.resolve("state"),
                List.of(new LeaseSpec("pu-1", Region.HK, 0, freePort(), "2026.9.5")),
                List.of(pub), 0, Duration.ofMillis(300), Duration.ofMillis(300)));
        lease = sim.lease("pu-1");
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    static SshTestClient as(String user) throws IOException {
        return new SshTestClient(lease.host(), lease.sshPort(), user, lease.hostKey(), clientKey);
    }

    @Test
    void asRootTheProbeAccountIsARealSystemUserAndOtherwiseItSaysItIsANameOnly() {
        ProbeUserAccount p = lease.probeAccount();
        assertThat(p.name()).isEqualTo(ProbeUserAccount.DEFAULT_NAME);
        assertThat(lease.probeUser()).isEqualTo("openclaw-probe");
        assertThat(p.osUser()).as(p.note()).isEqualTo(root);
        if (root) {
            assertThat(p.uid()).isNotZero();
            assertThat(p.mode()).isEqualTo("os-user");
        } else {
            assertThat(p.mode()).isEqualTo("name-only");
            assertThat(p.note()).startsWith("name only: the simulator does not run as root");
        }
    }

    @Test
    void aProbeSessionRunsAsAnotherUidThanTheGatewaySessionWithItsOwnHome() throws IOException {
        String gatewayUid;
        try (SshTestClient gw = as(lease.sshUser())) {
            gatewayUid = gw.exec("id -u").stdout().trim();
        }
        try (SshTestClient probe = as(lease.probeUser())) {
            SshTestClient.Exec e = probe.exec("id -u; id -un; printf '%s\\n' \"$HOME\" \"$USER\"; pwd");
            assertThat(e.exit()).as(e.stderr()).isZero();
            String[] lines = e.stdout().split("\n");
            assertThat(lines[0]).isEqualTo(Integer.toString(lease.probeAccount().uid()));
            if (root) {
                assertThat(lines[0]).as("probe uid vs gateway uid").isNotEqualTo(gatewayUid);
                assertThat(lines[1]).isEqualTo("openclaw-probe");
            } else {
                assertThat(lines[0]).as("name only: the JVM's uid").isEqualTo(gatewayUid);
            }
            assertThat(lines[2]).isNotEqualTo(lease.home().toString()).endsWith("/pu-1/probe-home");
            assertThat(lines[3]).isEqualTo("openclaw-probe");
            assertThat(lines[4]).isEqualTo(lines[2]);
        }
    }

    @Test
    void aProbeSessionCannotWriteTheGatewaysFilesWhileTheGatewaySessionCan() throws IOException {
        Path state = lease.home().resolve(".openclaw");
        try (SshTestClient probe = as(lease.probeUser())) {
            SshTestClient.Exec touch = probe.exec("touch " + state + "/x");
            SshTestClient.Exec plist = probe.exec("echo '<!-- -->' >> " + lease.home()
                    .resolve("Library/LaunchAgents/ai.openclaw.gateway.plist"));
            SshTestClient.Exec config = probe.exec("cat " + state + "/openclaw.json");
            if (root) {
                assertThat(touch.exit()).as("touch ~gateway/.openclaw/x").isNotZero();
                assertThat(touch.stderr()).contains("Permission denied");
                assertThat(state.resolve("x")).doesNotExist();
                assertThat(plist.exit()).as("append to the plist").isNotZero();
                assertThat(Files.readString(lease.home().resolve("Library/LaunchAgents/ai.openclaw.gateway.plist")))
                        .doesNotContain("<!-- -->");
                assertThat(config.exit()).as("read the gateway's 0600 config (hooks token)").isNotZero();
            }
        }
        try (SshTestClient gw = as(lease.sshUser())) {
            assertThat(gw.exec("touch " + state + "/x && rm " + state + "/x").exit()).isZero();
        }
    }

    @Test
    void aProbeSessionRunsTheLeasesLaunchctlAndDfShimsAgainstTheGatewaysJobAndVolume() throws Exception {
        String gatewayUid;
        try (SshTestClient gw = as(lease.sshUser())) {
            gatewayUid = gw.exec("id -u").stdout().trim();
        }
        try (SshTestClient probe = as(lease.probeUser())) {
            SshTestClient.Exec which = probe.exec("command -v launchctl");
            assertThat(which.stdout().trim()).isEqualTo(lease.home().resolve(".sim/bin/launchctl").toString());
            SshTestClient.Exec print = probe.exec("launchctl print gui/" + gatewayUid + "/ai.openclaw.gateway");
            assertThat(print.exit()).as(print.stderr()).isZero();
            assertThat(print.stdout()).contains("state = running");
            assertThat(probe.exec("sw_vers -productVersion").stdout().trim()).isEqualTo("15.5");
            sim.setFaults("pu-1", Faults.none().withDiskFreePercent(7));
            try {
                SshTestClient.Exec df = probe.exec("df -k '" + lease.home() + "'");
                assertThat(df.exit()).as(df.stderr()).isZero();
                assertThat(df.stdout()).as("DISK_LOW seen by the probe account").contains("94%");
            } finally {
                sim.clearFaults("pu-1");
            }
            assertThat(probe.http("GET", lease.gatewayPort(), "/readyz").status()).isEqualTo(200);
        }
    }

    @Test
    void theProbeAccountIsShownByTheControlApiAndOtherLoginsAreStillRefused() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + sim.controlPort() + "/v1/leases/pu-1")).build(),
                HttpResponse.BodyHandlers.ofString());
        com.fasterxml.jackson.databind.JsonNode j = com.maclogin.cutover.contracts.Json.MAPPER.readTree(r.body());
        assertThat(j.path("probeUser").asText()).isEqualTo("openclaw-probe");
        assertThat(j.path("probeAccount").asText()).isEqualTo(root ? "os-user" : "name-only");
        assertThat(j.path("probeUid").asInt()).isEqualTo(lease.probeAccount().uid());
        assertThat(j.path("probeAccountNote").asText()).isEqualTo(lease.probeAccount().note());
        assertThatThrownBy(() -> as("nobody").close()).isInstanceOf(UserAuthException.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
