package com.maclogin.cutover.rollback.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RollbackPurpose;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.rollback.CutoverRecord;
import com.maclogin.cutover.rollback.RollbackAudit;
import com.maclogin.cutover.rollback.repository.RollbackAuditRepository;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Don't believe the message (issue 11 point 2), against a real broker and PostgreSQL: rollback-service restores from
 * its own record of the cutover (armed by the orchestrator, purpose ARM), never from a breach's or request's lease,
 * versions, target or hashes; a breach or request that contradicts the record, names a cutover without one, or
 * carries a future epoch is audited and ignored; a step result for another lease is too. Same resources as
 * {@link BreachFlowTest}, so Quarkus is not restarted.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class CutoverRecordFlowTest {

    static final String PLIST = RollbackFlowTest.PLIST;
    static final String PKG = RollbackFlowTest.PKG;
    static final String STATE = RollbackFlowTest.STATE;
    static final String PREVIOUS = RollbackFlowTest.PREVIOUS;
    static final String CANDIDATE = RollbackFlowTest.CANDIDATE;
    static final String FORGED = "66".repeat(32);
    static final Duration WAIT = RollbackFlowTest.WAIT;

    static RegionalWorkerDouble worker;

    @Inject
    RollbackAuditRepository auditRows;

    @BeforeAll
    static void startWorker() throws Exception {
        worker = new RegionalWorkerDouble(KafkaKraftResource.bootstrapServers());
    }

    @AfterAll
    static void stopWorker() throws Exception {
        worker.close();
    }

    /** The lease as the orchestrator registered it. */
    static LeaseTarget registered() {
        return new LeaseTarget(Region.HK, "127.0.0.1", 2201, "gw",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx0exampleexampleexample", 18789);
    }

    /** What the orchestrator sends once SNAPSHOT recorded the hashes; returns once the record is stored. */
    static void arm(RegionalWorkerDouble via, String cutover, String lease, long epoch) {
        via.send(Topics.ROLLBACK_REQUESTS, RollbackRequested.builder().cutoverId(cutover).leaseId(lease).epoch(epoch)
                .requestedBy("orchestrator").reason("armed").target(registered()).ticketId("CHG-77")
                .previousVersion(PREVIOUS).candidateVersion(CANDIDATE).rollbackOwner("carol@hk")
                .expectedSha256(Map.of("plist", PLIST, "package", PKG, "state", STATE))
                .purpose(RollbackPurpose.ARM).build());
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> {
            CutoverRecord r = CutoverRecord.findById(cutover);
            return r != null && r.epoch >= epoch;
        }));
    }

    static ThresholdBreached breach(String cutover, String lease, long epoch, LeaseTarget target, String previous,
            Map<String, String> hashes) {
        return ThresholdBreached.builder().cutoverId(cutover).leaseId(lease).epoch(epoch)
                .trigger(TriggerKind.CRASH_LOOP).action(TriggerAction.ROLLBACK).observed("3 crashes in 41 s")
                .threshold("3 crashes within 300 s").numbers(Map.of("crashes", "3")).observedAt(Instant.now())
                .target(target).ticketId("CHG-77").previousVersion(previous).candidateVersion(CANDIDATE)
                .rollbackOwner("carol@hk").expectedSha256(hashes).build();
    }

    List<RollbackAudit> audit(String cutover) {
        return QuarkusTransaction.requiringNew().call(() -> auditRows.listByCutoverId(cutover));
    }

    /** Waits until the cutover has an audit line {@code action}; returns it. */
    RollbackAudit awaitAudit(String cutover, String action) {
        return await().atMost(WAIT).until(() -> audit(cutover).stream().filter(a -> a.action.equals(action))
                .findFirst().orElse(null), a -> a != null);
    }

    static void answerHealthy(String cutover) {
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null,
                cmd.kind() == StepKind.RESTORE ? Map.of("plistSha256After", PLIST, "packageSha256After", PKG,
                        "stateArchiveSha256", STATE, "runningVersion", PREVIOUS) : Map.of("runningVersion", PREVIOUS)));
    }

    static String newCutover() {
        return "co-rec-" + UUID.randomUUID();
    }

    @Test
    void aBreachWithForgedHashesIsAuditedAndIgnoredAndNothingIsRestored() {
        String cutover = newCutover();
        answerHealthy(cutover);
        arm(worker, cutover, "lease-forged", 3);
        assertThat(audit(cutover)).extracting(a -> a.action).containsExactly("ARMED");

        worker.send(Topics.BREACHES, breach(cutover, "lease-forged", 3, registered(), PREVIOUS,
                Map.of("plist", PLIST, "package", PKG, "state", FORGED)));

        RollbackAudit ignored = awaitAudit(cutover, "BREACH_IGNORED");
        assertThat(ignored.detail).isEqualTo("CRASH_LOOP ROLLBACK: state sha256 " + FORGED
                + " contradicts the record (" + STATE + "): ignored");
        assertThat(worker.commandsOf(cutover)).isEmpty();
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(404);
    }

    @Test
    void aBreachNamingAnotherHostAndNoHashesRestoresTheRecordsLeaseVersionAndHashes() {
        String cutover = newCutover();
        answerHealthy(cutover);
        arm(worker, cutover, "lease-own", 2);
        LeaseTarget elsewhere = new LeaseTarget(Region.JP, "10.6.6.6", 22, "root", registered().hostKey(), 1);

        // a breach says only "cutover X at epoch E tripped T": what it leaves out comes from the record
        worker.send(Topics.BREACHES, breach(cutover, "lease-own", 2, elsewhere, null, Map.of()));

        await().atMost(WAIT).until(() -> worker.eventsOf(cutover).stream()
                .anyMatch(e -> e.type() == com.maclogin.cutover.contracts.CutoverEventType.ROLLED_BACK));
        RunStep restore = worker.commandsOf(cutover).get(0);
        assertThat(restore.kind()).isEqualTo(StepKind.RESTORE);
        assertThat(restore.epoch()).isEqualTo(3);
        assertThat(restore.command(StepCommand.Restore.class).expectedSha256())
                .containsExactlyInAnyOrderEntriesOf(Map.of("plist", PLIST, "package", PKG, "state", STATE));
        assertThat(restore.command(StepCommand.Restore.class).previousVersion()).isEqualTo(PREVIOUS);
        // sent to the region of the registered lease, never the breach's
        assertThat(restore.target()).isEqualTo(registered());
    }

    @Test
    void aBreachOfACutoverWithoutARecordOrOfAnotherLeaseIsIgnored() {
        String unknown = newCutover();
        worker.send(Topics.BREACHES, breach(unknown, "lease-x", 1, registered(), PREVIOUS,
                Map.of("plist", PLIST, "package", PKG, "state", STATE)));
        assertThat(awaitAudit(unknown, "BREACH_IGNORED").detail).isEqualTo("CRASH_LOOP ROLLBACK: no record of cutover "
                + unknown + " (never armed by the orchestrator): ignored");

        String cutover = newCutover();
        arm(worker, cutover, "lease-mine", 1);
        worker.send(Topics.BREACHES, breach(cutover, "lease-theirs", 1, registered(), PREVIOUS, Map.of()));
        assertThat(awaitAudit(cutover, "BREACH_IGNORED").detail)
                .isEqualTo("CRASH_LOOP ROLLBACK: lease lease-theirs contradicts the record (lease-mine): ignored");
        assertThat(worker.commandsOf(unknown)).isEmpty();
        assertThat(worker.commandsOf(cutover)).isEmpty();
    }

    @Test
    void aBreachAndARequestOfAFutureEpochAreRefusedAndAnOperatorRequestContradictingTheRecordIsToo() {
        String cutover = newCutover();
        answerHealthy(cutover);
        arm(worker, cutover, "lease-epoch", 4);

        worker.send(Topics.BREACHES, breach(cutover, "lease-epoch", 9, registered(), PREVIOUS, Map.of()));
        assertThat(awaitAudit(cutover, "BREACH_IGNORED").detail)
                .isEqualTo("CRASH_LOOP ROLLBACK: future epoch 9 > 4 (the cutover's epoch as armed): ignored");

        RollbackRequested future = RollbackRequested.builder().cutoverId(cutover).leaseId("lease-epoch").epoch(5)
                .requestedBy("mallory").reason("now").target(registered()).previousVersion(PREVIOUS).build();
        RollbackRequested otherVersion = future.toBuilder().messageId(UUID.randomUUID().toString()).epoch(4)
                .previousVersion("2020.1.1").build();
        worker.send(Topics.ROLLBACK_REQUESTS, future);
        worker.send(Topics.ROLLBACK_REQUESTS, otherVersion);
        await().atMost(WAIT).until(() -> audit(cutover).stream().filter(a -> a.action.equals("REQUEST_IGNORED"))
                .count() == 2);
        assertThat(audit(cutover)).filteredOn(a -> a.action.equals("REQUEST_IGNORED")).extracting(a -> a.detail)
                .containsExactly("future epoch 5 > 4 (the cutover's epoch as armed): ignored",
                        "previous version 2020.1.1 contradicts the record (" + PREVIOUS + "): ignored");
        assertThat(worker.commandsOf(cutover)).isEmpty();

        // the orchestrator re-arms at the rollback's epoch before it asks: that request restores, from the record
        arm(worker, cutover, "lease-epoch", 5);
        worker.send(Topics.ROLLBACK_REQUESTS, future.toBuilder().messageId(UUID.randomUUID().toString())
                .expectedSha256(null).build());
        await().atMost(WAIT).until(() -> !worker.commandsOf(cutover).isEmpty());
        assertThat(worker.commandsOf(cutover).get(0).command(StepCommand.Restore.class).expectedSha256())
                .containsEntry("state", STATE);
    }
}
