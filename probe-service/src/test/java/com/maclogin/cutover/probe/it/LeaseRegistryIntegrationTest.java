package com.maclogin.cutover.probe.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 point 2 on the regional worker, against the real broker and a real SSH server (the simulated lease):
 * the worker serves only leases of its region's registry ({@code cutover.leases.hk}) and reaches them with the
 * registry's host, port, user and host key, never the command's. Same test resources as
 * {@link ProbeServiceIntegrationTest}, so Quarkus is not restarted.
 */
@QuarkusTest
@WithTestResource(KafkaKraftResource.class)
@WithTestResource(LeaseSimulatorResource.class)
class LeaseRegistryIntegrationTest {

    @Inject
    MeterRegistry metrics;

    static LeaseTarget real() {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        return new LeaseTarget(Region.HK, lease.host(), lease.sshPort(), lease.sshUser(), lease.hostKey(),
                lease.gatewayPort(), lease.probeUser());
    }

    static RunStep step(String leaseId, StepKind kind, LeaseTarget target, StepCommand command) {
        return RunStep.builder().cutoverId("c-reg-" + UUID.randomUUID().toString().substring(0, 8)).leaseId(leaseId)
                .epoch(1).kind(kind).replyTo(Topics.STEP_RESULTS).target(target).command(command)
                .deadline(Instant.now().plusSeconds(60)).build();
    }

    static StepResult run(RunStep command) {
        Registry.send(Topics.stepCommands(Region.HK), command.leaseId(), Json.write(command));
        return PoisonCommandIntegrationTest.awaitResult(command.messageId(), Duration.ofSeconds(60));
    }

    double refused(String reason) {
        var c = metrics.find("probe.steps.unregistered").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    double invalid() {
        var c = metrics.find("probe.registry.invalid").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aCommandWhoseTargetNamesAnotherHostUserAndKeyRunsOnTheRegisteredLeaseAndTheForgedHostIsNeverContacted()
            throws Exception {
        Registry.register("hk-1", real());
        AtomicInteger contacted = new AtomicInteger();
        try (ServerSocket forged = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!forged.isClosed()) {
                    try (Socket s = forged.accept()) {
                        contacted.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "forged-host");
            t.setDaemon(true);
            t.start();
            LeaseTarget attacker = new LeaseTarget(Region.HK, "127.0.0.1", forged.getLocalPort(), "root",
                    LeaseSimulatorResource.impostorHostKey(), 1, "root");

            StepResult r = run(step("hk-1", StepKind.INVENTORY, attacker, new StepCommand.Inventory()));

            assertThat(r.outcome()).as(r.reason()).isEqualTo(StepOutcome.SUCCEEDED);
            // the registered lease answered: its home, its gateway port, its user's processes
            assertThat(r.facts()).containsEntry("home", LeaseSimulatorResource.lease().home().toString())
                    .containsEntry("gatewayPort", Integer.toString(LeaseSimulatorResource.lease().gatewayPort()));
            assertThat(contacted).hasValue(0);
        }
    }

    @Test
    void aCommandForALeaseTheRegistryDoesNotKnowIsRefusedCountedAndTheLeaseIsNotTouched() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        Path marker = lease.home().resolve(".openclaw-cutover/FROZEN");
        Path ledger = lease.home().resolve(".openclaw-cutover/ledger");
        String ledgerBefore = Files.exists(ledger) ? Files.readString(ledger) : "";
        boolean frozenBefore = Files.exists(marker);
        double before = refused("unknown-lease");

        // a perfectly good target for the real lease, under a lease id nobody registered
        StepResult r = run(step("hk-ghost", StepKind.FREEZE, real(), new StepCommand.Freeze("CHG-9", null)));

        assertThat(r.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(r.reason()).isEqualTo("lease hk-ghost is not in the lease registry of region HK: refused");
        assertThat(r.facts()).isEmpty();
        assertThat(r.evidence()).isEmpty();
        assertThat(Files.exists(marker)).isEqualTo(frozenBefore);
        assertThat(Files.exists(ledger) ? Files.readString(ledger) : "").isEqualTo(ledgerBefore);
        assertThat(refused("unknown-lease")).isEqualTo(before + 1);
    }

    @Test
    void aLeaseRegisteredInAnotherRegionIsRefusedByThisRegionsWorker() {
        // what the orchestrator publishes to the old region's registry when a lease moves from HK to JP
        LeaseTarget inJp = new LeaseTarget(Region.JP, real().host(), real().sshPort(), real().sshUser(),
                real().hostKey(), real().gatewayPort(), real().probeUser());
        Registry.publish(LeaseRegistration.of("hk-moved", inJp, "STAGING", Instant.now()),
                Topics.leaseRegistry(Region.HK));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Registry.worker().lookup("hk-moved").isPresent());
        double before = refused("other-region");

        StepResult r = run(step("hk-moved", StepKind.INVENTORY, real(), new StepCommand.Inventory()));

        assertThat(r.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(r.reason()).isEqualTo("lease hk-moved is registered in region JP, not HK: refused");
        assertThat(refused("other-region")).isEqualTo(before + 1);
    }

    @Test
    void aLeaseRegisteredAfterTheWorkerStartedIsServedAndATombstoneOrAnOlderOrInvalidRecordChangesWhatItShould() {
        String id = "hk-late-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Registry.worker().lookup(id)).isEmpty();
        Registry.register(id, real());

        StepResult served = run(step(id, StepKind.INVENTORY, null, new StepCommand.Inventory()));
        assertThat(served.outcome()).as(served.reason()).isEqualTo(StepOutcome.SUCCEEDED);

        // an older registration (a stale replay) and a record that is not a registration change nothing
        LeaseRegistration held = Registry.worker().lookup(id).orElseThrow();
        LeaseTarget elsewhere = new LeaseTarget(Region.HK, "10.9.9.9", 22, "mallory", real().hostKey(), 18789, null);
        Registry.publish(new LeaseRegistration(UUID.randomUUID().toString(), id, Instant.now(), 1, Region.HK,
                "10.9.9.9", 22, "mallory", null, real().hostKey(), 18789, "STAGING",
                held.updatedAt().minusSeconds(60)), Topics.leaseRegistry(Region.HK));
        double invalidBefore = invalid();
        Registry.send(Topics.leaseRegistry(Region.HK), id, "{\"leaseId\":\"" + id + "\",\"host\":\"$(reboot)\"}");
        // same key, same partition: once the invalid record was read, so was the older one before it
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> invalid() > invalidBefore);
        assertThat(Registry.worker().lookup(id)).contains(held);
        assertThat(held.host()).isNotEqualTo(elsewhere.host());

        // a tombstone removes the lease: the next step is refused
        Registry.send(Topics.leaseRegistry(Region.HK), id, null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Registry.worker().lookup(id).isEmpty());

        StepResult gone = run(step(id, StepKind.INVENTORY, real(), new StepCommand.Inventory()));
        assertThat(gone.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(gone.reason()).contains("is not in the lease registry");
    }

    @Test
    void aRegistrationPublishedJustBeforeTheCommandIsReadBeforeTheCommandIsJudged() {
        String id = "hk-just-" + UUID.randomUUID().toString().substring(0, 6);
        // as the orchestrator's outbox does: the registration, then at once the command, no waiting in between
        Registry.publish(LeaseRegistration.of(id, real(), "STAGING", Instant.now()), Topics.leaseRegistry(Region.HK));
        StepResult r = run(step(id, StepKind.INVENTORY, null, new StepCommand.Inventory()));
        assertThat(r.outcome()).as(r.reason()).isEqualTo(StepOutcome.SUCCEEDED);
    }

    @Test
    void readinessIncludesTheLeaseRegistryWhichIsUpOnceReadToItsEnd() {
        assertThat(Registry.worker().caughtUp()).isTrue();
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("lease-registry"));
    }
}
