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
        Descendants.reap();
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
            // on macOS the gateway's gui/<uid> domain is not the probe account's: it reads it through its sudo grant
            SshTestClient.Exec print = probe.exec("sudo -n -u " + lease.sshUser() + " /bin/launchctl print gui/"
                    + gatewayUid + "/ai.openclaw.gateway");
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

    /**
     * Issue 10 point 1: a non-root user addressing another user's {@code gui/<uid>} domain gets macOS's refusal (text
     * and exit code as launchctl prints them, see {@code LaunchdEmulator#refused}) and changes nothing; the domain's
     * own user (here root, the simulator's user) may.
     */
    @Test
    void theProbeAccountIsRefusedWhatMacOsRefusesAnotherUserInTheGatewaysLaunchdDomain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(root && lease.probeAccount().osUser(),
                "needs the probe account as a real other uid (root)");
        String uid;
        long pid;
        try (SshTestClient gw = as(lease.sshUser())) {
            uid = gw.exec("id -u").stdout().trim();
            pid = pidOf(gw.exec("launchctl print gui/" + uid + "/ai.openclaw.gateway").stdout());
        }
        String target = "gui/" + uid + "/ai.openclaw.gateway";
        try (SshTestClient probe = as(lease.probeUser())) {
            record Case(String command, String stderr) {
            }
            for (Case c : List.of(
                    new Case("launchctl print " + target, "Could not print domain: 1: Operation not permitted\n"),
                    new Case("launchctl print gui/" + uid, "Could not print domain: 1: Operation not permitted\n"),
                    new Case("launchctl kickstart -k " + target,
                            "Could not kickstart service \"ai.openclaw.gateway\": 1: Operation not permitted\n"),
                    new Case("launchctl bootout " + target, "Boot-out failed: 1: Operation not permitted\n"),
                    new Case("launchctl bootstrap gui/" + uid + " " + lease.home()
                            .resolve("Library/LaunchAgents/ai.openclaw.gateway.plist"),
                            "Bootstrap failed: 1: Operation not permitted\n"),
                    new Case("launchctl disable " + target, "Could not disable service: 1: Operation not permitted\n"),
                    new Case("launchctl enable " + target, "Could not enable service: 1: Operation not permitted\n"))) {
                SshTestClient.Exec e = probe.exec(c.command());
                assertThat(e.exit()).as(c.command()).isEqualTo(1);
                assertThat(e.stderr()).as(c.command()).isEqualTo(c.stderr());
                assertThat(e.stdout()).as(c.command()).isEmpty();
            }
            // its own (empty) domain, not the gateway's jobs
            assertThat(probe.exec("launchctl list").stdout()).doesNotContain("ai.openclaw.gateway");
        }
        try (SshTestClient gw = as(lease.sshUser())) {
            SshTestClient.Exec print = gw.exec("launchctl print " + target);
            assertThat(print.exit()).as("the gateway's own account still may").isZero();
            assertThat(print.stdout()).contains("state = running");
            assertThat(pidOf(print.stdout())).as("nothing the probe account tried changed the job").isEqualTo(pid);
            assertThat(sim.faults("pu-1").active()).isEmpty();
            assertThat(Files.readString(lease.home().resolve(".sim/launchd.log"))).contains("refused launchctl kickstart -k " + target);
        }
    }

    /**
     * Issue 10 point 2: the probe account's one grant. {@code sudo -n -u <gateway user> /bin/launchctl print
     * gui/<uid>/ai.openclaw.gateway} works; anything else through sudo is refused as sudo refuses it (no password can
     * be typed); the fault switch PROBE_GRANT_REMOVED takes the rule away and clearing it gives it back.
     */
    @Test
    void theProbeAccountReadsTheGatewaysLaunchdStateOnlyThroughItsOneSudoRule() throws Exception {
        String uid;
        try (SshTestClient gw = as(lease.sshUser())) {
            uid = gw.exec("id -u").stdout().trim();
        }
        String gwUser = lease.sshUser();
        String target = "gui/" + uid + "/ai.openclaw.gateway";
        String read = "sudo -n -u " + gwUser + " /bin/launchctl print " + target;
        Path rules = dir.resolve("state/pu-1/sudoers.d/openclaw-probe");
        assertThat(Files.readString(rules)).contains("openclaw-probe ALL=(" + gwUser + ") NOPASSWD: /bin/launchctl print "
                + target + "\n");
        try (SshTestClient probe = as(lease.probeUser())) {
            SshTestClient.Exec ok = probe.exec(read);
            assertThat(ok.exit()).as(ok.stderr()).isZero();
            assertThat(ok.stdout()).contains("state = running").contains("runs = ");
            assertThat(probe.exec("sudo -n -u " + gwUser + " launchctl print " + target).exit())
                    .as("a bare launchctl resolves to /bin/launchctl, as sudo's PATH search does on a Mac").isZero();
            if (root) {
                for (String denied : List.of(
                        "sudo -n -u " + gwUser + " /bin/launchctl kickstart -k " + target,
                        "sudo -n -u " + gwUser + " /bin/launchctl bootout " + target,
                        "sudo -n -u " + gwUser + " /bin/launchctl print gui/" + uid,
                        "sudo -n -u " + gwUser + " /bin/launchctl print " + target + " extra",
                        "sudo -n -u " + gwUser + " /bin/sh -c id")) {
                    SshTestClient.Exec e = probe.exec(denied);
                    assertThat(e.exit()).as(denied).isEqualTo(1);
                    assertThat(e.stderr()).as(denied).isEqualTo("sudo: a password is required\n");
                }
                SshTestClient.Exec tty = probe.exec("sudo -u " + gwUser + " /bin/launchctl kickstart -k " + target);
                assertThat(tty.exit()).isEqualTo(1);
                assertThat(tty.stderr()).startsWith("sudo: a terminal is required to read the password")
                        .endsWith("sudo: a password is required\n");
                SshTestClient.Exec nobody = probe.exec("sudo -n -u no-such-user /bin/launchctl print " + target);
                assertThat(nobody.exit()).isEqualTo(1);
                assertThat(nobody.stderr()).isEqualTo("sudo: unknown user: no-such-user\n"
                        + "sudo: unable to initialize policy plugin\n");
            }
            sim.setFaults("pu-1", Faults.none().withProbeGrantRemoved(true));
            try {
                assertThat(sim.faults("pu-1").active()).containsExactly(FaultSwitch.PROBE_GRANT_REMOVED);
                assertThat(Files.readString(rules)).doesNotContain("\nopenclaw-probe ALL=");
                SshTestClient.Exec gone = probe.exec(read);
                assertThat(gone.exit()).isEqualTo(1);
                assertThat(gone.stderr()).isEqualTo("sudo: a password is required\n");
            } finally {
                sim.clearFault("pu-1", FaultSwitch.PROBE_GRANT_REMOVED);
            }
            assertThat(probe.exec(read).exit()).as("the grant is back").isZero();
        }
        try (SshTestClient gw = as(lease.sshUser())) {
            // root (the simulator's user here) needs no rule
            if (root) {
                SshTestClient.Exec asRoot = gw.exec("sudo -n /bin/launchctl print " + target);
                assertThat(asRoot.exit()).as(asRoot.stderr()).isZero();
            }
        }
    }

    private static long pidOf(String print) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*pid = (\\d+)").matcher(print);
        assertThat(m.find()).as(print).isTrue();
        return Long.parseLong(m.group(1));
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
