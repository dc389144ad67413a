package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.maclogin.cutover.simulator.real.OpenSshLease;
import com.maclogin.cutover.simulator.real.RealGatewayMode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cutover through Debian's OpenSSH daemon in front of lease jp-4 ({@link OpenSshLease}, host key pinned by the
 * worker, the probe account logging in through sshd too) goes GREEN. Never skips: without openssh-server it fails with
 * the install command. Runs on the {@link SharedStack} beside the other end-to-end classes.
 */
@ExtendWith(SharedStack.class)
@Order(2)
class OpenSshCutoverTest {

    static final PrintStream LOG = System.out;
    static final String TO = com.maclogin.cutover.simulator.real.RealOpenClawCache.TO_VERSION;
    /** The lease put behind Debian's OpenSSH (owned by this class). */
    static final String OPENSSH_LEASE = "jp-4";

    static LocalStack stack;
    static OpenSshLease openSsh;
    static AutoCloseable borrowed;

    @BeforeAll
    static void prepare() throws InterruptedException {
        OpenSshLease.unavailableReason().ifPresent(reason -> fail("the real OpenSSH end-to-end test cannot run: " + reason));
        stack = SharedStack.get();
        borrowed = SharedStack.borrow(OPENSSH_LEASE, "OpenSshCutoverTest");
    }

    @AfterAll
    static void stopSshd() throws Exception {
        try {
            if (openSsh != null) {
                openSsh.close();
            }
        } finally {
            if (borrowed != null) {
                borrowed.close();
            }
        }
    }

    @Test
    void cutoverThroughDebiansOpenSshDaemonWithAPinnedHostKeyGoesGreen() throws IOException {
        JsonNode jp = SharedStack.lease(OPENSSH_LEASE);
        String probeKey = Files.readString(stack.config().workDir().resolve("keys/probe-jp.pub")).trim();
        // the lease's probe account may log in through sshd too (the VALIDATE probe matrix uses it)
        openSsh = OpenSshLease.start(stack.config().workDir().resolve("openssh-" + OPENSSH_LEASE), Path.of(jp.path("home").asText()),
                List.of(probeKey), 0, com.maclogin.cutover.simulator.ProbeUserAccount.of(jp.path("probeUser").asText()));
        LOG.println("started " + openSsh);
        ObjectNode viaOpenSsh = jp.deepCopy();
        viaOpenSsh.put("sshPort", openSsh.port());
        viaOpenSsh.put("sshUser", openSsh.user());
        viaOpenSsh.put("hostKey", openSsh.hostKey());
        Api.Reply reg = stack.registerLease(viaOpenSsh);
        assertThat(reg.status() / 100).as("re-registration: %s", reg.body()).isEqualTo(2);

        DemoRunner demo = new DemoRunner(stack, LOG);
        long t0 = System.nanoTime();
        String id = demo.start(OPENSSH_LEASE, TO);
        JsonNode end = demo.follow(id, Duration.ofMinutes(3));
        LOG.printf("[measure] cutover through OpenSSH: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        assertThat(end.path("state").asText()).as("final state; reason=%s", end.path("reason")).isEqualTo("GREEN");
        assertThat(RealGatewayMode.startupzVersion(jp.path("gatewayPort").asInt())).isEqualTo(TO);
        String sshdLog = String.join("\n", openSsh.logLines());
        assertThat(sshdLog).as("the worker logged in through OpenSSH").contains("Accepted publickey for " + openSsh.user());
        // the validation window's probe matrix logged in as the probe account, which sshd switched to itself
        String probeUser = jp.path("probeUser").asText();
        assertThat(sshdLog).as("the probe account logged in through OpenSSH").contains("Accepted publickey for " + probeUser);
        JsonNode validate = RealLeaseCutoverTest.step(end, "VALIDATE").path("facts");
        assertThat(validate.path("probeUser").asText()).isEqualTo(probeUser);
        assertThat(validate.path("probeAccount").asText()).as("facts %s", validate).isEqualTo("DISTINCT");
        assertThat(validate.path("probeUid").asText()).isNotEqualTo(validate.path("gatewayUid").asText());
        assertThat(openSsh.isAlive()).isTrue();
    }

}
