package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GatewayMode.LIGHT at scale: 500 leases (each its own SSH server, host key, home, launchd domain, in-JVM gateway
 * and TLS endpoint) start in one simulator within a measured bound, with a bounded number of threads, and answer.
 */
class LightModeScaleTest {

    static final int LEASES = Integer.getInteger("light-scale.leases", 500);
    /** Measured on this 2-CPU machine: 6.8 s at load ~13, 17.5-35 s at load 14-28 (parallel builds); the bound leaves room. */
    static final Duration START_BOUND = Duration.ofSeconds(Long.getLong("light-scale.start-bound-seconds", 120));

    @TempDir
    static Path dir;

    @Test
    void fiveHundredLightLeasesStartInOneSimulatorWithinTheBoundAndAnswerOverSsh() throws Exception {
        Path clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(clientKey);
        List<LeaseSpec> specs = new ArrayList<>();
        List<Integer> ports = GatewayPorts.freeAboveEphemeral(LEASES);
        for (int i = 0; i < LEASES; i++) {
            specs.add(new LeaseSpec("s-" + i, Region.HK, 0, ports.get(i), "2026.9.5"));
        }
        int threadsBefore = Thread.activeCount();
        long t0 = System.nanoTime();
        LeaseSimulator sim = LeaseSimulator.start(new SimulatorConfig(dir.resolve("state"), specs, List.of(pub), 0,
                Duration.ofMillis(300), Duration.ofMillis(300)).withGatewayMode(GatewayMode.LIGHT));
        try {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            int threads = Thread.activeCount() - threadsBefore;
            System.out.printf("[measure] %d LIGHT leases started (SSH up, /readyz 200) in %d ms; heap used after GC %d MiB"
                    + " (%d KiB per lease); %d threads more than before%n", LEASES, took.toMillis(), heap >> 20,
                    (heap >> 10) / LEASES, threads);
            assertThat(sim.leases()).hasSize(LEASES);
            assertThat(took).as("start of %d LIGHT leases", LEASES).isLessThan(START_BOUND);
            assertThat(threads).as("threads do not grow with the leases").isLessThan(100);
            for (String id : List.of("s-0", "s-" + (LEASES / 2), "s-" + (LEASES - 1))) {
                SimulatedLease l = sim.lease(id);
                try (SshTestClient c = new SshTestClient(l.host(), l.sshPort(), l.probeUser(), l.hostKey(), clientKey)) {
                    assertThat(c.http("GET", l.gatewayPort(), "/readyz").status()).isEqualTo(200);
                    SshTestClient.Exec print = c.exec("'sudo' '-n' '-u' '" + l.sshUser() + "' '/bin/launchctl' 'print' 'gui/"
                            + LaunchdEmulator.UID + "/ai.openclaw.gateway'");
                    assertThat(print.exit()).as(print.stderr()).isZero();
                    assertThat(print.stdout()).contains("state = running");
                }
            }
        } finally {
            long c0 = System.nanoTime();
            sim.close();
            System.out.printf("[measure] %d LIGHT leases closed in %d ms%n", LEASES, (System.nanoTime() - c0) / 1_000_000);
        }
    }

}
