package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.simulator.real.OpenSshLease;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated lease reached through Debian's real OpenSSH daemon ({@link OpenSshLease}) by the same sshj client, with
 * host-key pinning, that the probe worker uses. Fails (never skips) when openssh-server is not installed.
 */
class RealOpenSshLeaseTest {

    @TempDir
    static Path dir;
    static Path clientKey;
    static LeaseSimulator sim;
    static SimulatedLease lease;
    static OpenSshLease sshd;

    @BeforeAll
    static void startLeaseBehindOpenSsh() throws IOException {
        OpenSshLease.unavailableReason().ifPresent(reason -> fail("real OpenSSH test cannot run: " + reason));
        clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(clientKey);
        sim = LeaseSimulator.start(new SimulatorConfig(dir.resolve("state"),
                List.of(new LeaseSpec("kr-1", Region.KR, 0, freePort(), "2026.9.5")),
                List.of(pub), 0, Duration.ofMillis(300), Duration.ofMillis(300)));
        lease = sim.lease("kr-1");
        long t0 = System.nanoTime();
        sshd = OpenSshLease.start(dir.resolve("openssh"), lease.home(), List.of(pub + " probe@test"), 0,
                lease.probeAccount());
        System.out.printf("[measure] OpenSSH sshd up on :%d in %d ms%n", sshd.port(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
        if (sim != null) {
            sim.close();
        }
        Descendants.reap();
    }

    @Test
    void sessionsThroughOpenSshRunInTheLeaseHomeWithTheMacShimsFirstOnPath() throws IOException {
        try (SshTestClient c = client()) {
            SshTestClient.Exec e = c.exec("id -u; printf '%s\\n' \"$HOME\"; pwd; command -v launchctl; "
                    + "\"$SHELL\" -lc 'command -v launchctl'; sw_vers -productVersion; printf '%s|' 'a b' \"c'd\"; exit 7");
            assertThat(e.exit()).isEqualTo(7);
            String[] lines = e.stdout().split("\n");
            assertThat(lines[1]).isEqualTo(lease.home().toString());
            assertThat(lines[2]).isEqualTo(lease.home().toString());
            assertThat(lines[3]).isEqualTo(lease.home().resolve(".sim/bin/launchctl").toString());
            assertThat(lines[4]).as("login shell").isEqualTo(lease.home().resolve(".sim/bin/launchctl").toString());
            assertThat(lines[5]).isEqualTo("15.5");
            assertThat(lines[6]).isEqualTo("a b|c'd|");
        }
    }

    @Test
    void launchctlPrintThroughOpenSshReportsTheGatewayPidThatListensOnTheGatewayPort() throws IOException {
        try (SshTestClient c = client()) {
            long t0 = System.nanoTime();
            SshTestClient.Exec print = c.exec("launchctl print gui/$(id -u)/ai.openclaw.gateway");
            long printMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(print.exit()).as(print.stderr()).isZero();
            assertThat(print.stdout()).contains("state = running").contains("path = " + lease.home()
                    .resolve("Library/LaunchAgents/ai.openclaw.gateway.plist"));
            String pid = print.stdout().replaceAll("(?s).*\\n\\s*pid = (\\d+).*", "$1");
            SshTestClient.Exec lsof = c.exec("lsof -nP -iTCP:" + lease.gatewayPort() + " -sTCP:LISTEN -t");
            assertThat(lsof.stdout().trim().split("\n")).contains(pid);
            long n0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                assertThat(c.exec("true").exit()).isZero();
            }
            System.out.printf("[measure] OpenSSH: launchctl print %d ms, `true` exec %.1f ms on one connection%n", printMs,
                    (System.nanoTime() - n0) / 1e6 / 10);
        }
    }

    @Test
    void theProbeAccountLogsInThroughOpenSshAsAnotherUidRunsTheShimsAndCannotWriteTheGatewaysFiles() throws IOException {
        assertThat(lease.probeAccount().osUser()).as("CI runs as root: " + lease.probeAccount().note()).isTrue();
        String gatewayUid;
        try (SshTestClient c = client()) {
            gatewayUid = c.exec("id -u").stdout().trim();
        }
        try (SshTestClient p = new SshTestClient(sshd.host(), sshd.port(), lease.probeUser(), sshd.hostKey(), clientKey)) {
            SshTestClient.Exec id = p.exec("id -u; id -un; printf '%s\\n' \"$HOME\"; command -v launchctl");
            assertThat(id.exit()).as(id.stderr()).isZero();
            String[] lines = id.stdout().split("\n");
            assertThat(lines[0]).isEqualTo(Integer.toString(lease.probeAccount().uid())).isNotEqualTo(gatewayUid);
            assertThat(lines[1]).isEqualTo(lease.probeUser());
            assertThat(lines[2]).endsWith("/probe-home");
            assertThat(lines[3]).isEqualTo(lease.home().resolve(".sim/bin/launchctl").toString());
            SshTestClient.Exec refused = p.exec("launchctl print gui/" + gatewayUid + "/ai.openclaw.gateway");
            assertThat(refused.exit()).as("another user's gui domain, as on macOS").isEqualTo(1);
            assertThat(refused.stderr()).as("sshd may say first that the account has no home")
                    .endsWith("Could not print domain: 1: Operation not permitted\n");
            SshTestClient.Exec print = p.exec("sudo -n -u " + lease.sshUser() + " /bin/launchctl print gui/" + gatewayUid
                    + "/ai.openclaw.gateway");
            assertThat(print.exit()).as("through its sudoers grant: " + print.stderr()).isZero();
            assertThat(print.stdout()).contains("state = running");
            SshTestClient.Exec touch = p.exec("touch '" + lease.home().resolve(".openclaw/x") + "'");
            assertThat(touch.exit()).isNotZero();
            assertThat(touch.stderr()).contains("Permission denied");
            assertThat(p.http("GET", lease.gatewayPort(), "/readyz").status()).isEqualTo(200);
        }
    }

    @Test
    void theGatewayAnswersThroughAnOpenSshDirectTcpipForward() throws IOException {
        try (SshTestClient c = client()) {
            SshTestClient.HttpResult r = c.http("GET", lease.gatewayPort(), "/readyz");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("\"ready\":true");
        }
    }

    @Test
    void aWrongPinnedHostKeyOrAnUnknownClientKeyIsRefused() throws IOException {
        assertThatThrownBy(() -> new SshTestClient(sshd.host(), sshd.port(), sshd.user(), lease.hostKey(), clientKey))
                .as("the MINA host key of the same lease is not OpenSSH's").isInstanceOf(TransportException.class);
        Path other = dir.resolve("other/id_ed25519");
        SshKeys.generateEd25519(other);
        assertThatThrownBy(() -> new SshTestClient(sshd.host(), sshd.port(), sshd.user(), sshd.hostKey(), other))
                .isInstanceOf(UserAuthException.class);
        assertThat(String.join("\n", sshd.logLines())).contains("Server listening on 127.0.0.1 port " + sshd.port());
    }

    private static SshTestClient client() throws IOException {
        return new SshTestClient(sshd.host(), sshd.port(), sshd.user(), sshd.hostKey(), clientKey);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
