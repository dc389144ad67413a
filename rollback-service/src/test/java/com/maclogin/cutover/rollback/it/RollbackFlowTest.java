package com.maclogin.cutover.rollback.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import com.maclogin.cutover.messaging.OutboxStore;
import com.maclogin.cutover.rollback.repository.RollbackRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** rollback-service against a real Kafka broker and a real PostgreSQL, with a test double as the HK worker. */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class RollbackFlowTest {

    static final String PLIST = "1f".repeat(32);
    static final String PKG = "2e".repeat(32);
    static final String WRONG = "9d".repeat(32);
    static final String STATE = "3c".repeat(32);
    static final String PREVIOUS = "2026.7.1";
    static final String CANDIDATE = "2026.9.6";
    static final Duration WAIT = Duration.ofSeconds(45);

    static RegionalWorkerDouble worker;

    @Inject
    EntityManager em;

    @Inject
    DataSource dataSource;

    @Inject
    RollbackRepository rollbackRows;

    @BeforeAll
    static void startWorker() throws Exception {
        com.maclogin.cutover.testing.TestTokens.viewerByDefault();
        worker = new RegionalWorkerDouble(KafkaKraftResource.bootstrapServers());
    }

    @AfterAll
    static void stopWorker() throws Exception {
        worker.close();
    }

    @Test
    void restoreWithMatchingHashesThenGreenValidationEndsRolledBackAfterRollbackStarted() {
        String cutover = newCutover();
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null,
                cmd.kind() == StepKind.RESTORE ? restoredFacts(PLIST, PKG, STATE, PREVIOUS)
                        : Map.of("runningVersion", PREVIOUS, "probeRounds", "5")));

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-happy", 4, UUID.randomUUID().toString()));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
        CutoverEvent started = events.get(0);
        assertThat(started.reason()).isEqualTo("exit loop: 3 crashes in 5 minutes");
        assertThat(started.ticketId()).isEqualTo("CHG-42");
        assertThat(started.region()).isEqualTo(Region.HK);
        assertThat(started.rollbackOwner()).isEqualTo("alice@hk");
        assertThat(started.previousVersion()).isEqualTo(PREVIOUS);
        assertThat(started.candidateVersion()).isEqualTo(CANDIDATE);
        assertThat(started.epoch()).isEqualTo(4);
        CutoverEvent done = events.get(1);
        assertThat(done.reason()).isEqualTo("restored 2026.7.1, hashes verified, health green");
        assertThat(done.endedAt()).isNotNull();

        List<RunStep> cmds = worker.commandsOf(cutover);
        assertThat(cmds).extracting(RunStep::kind).containsExactly(StepKind.RESTORE, StepKind.VALIDATE);
        RunStep restore = cmds.get(0);
        assertThat(restore.epoch()).isEqualTo(4);
        assertThat(restore.attempt()).isEqualTo(1);
        assertThat(restore.idempotencyKey()).isEqualTo(RunStep.idempotencyKey(cutover, StepKind.RESTORE, 1));
        assertThat(restore.replyTo()).isEqualTo(Topics.ROLLBACK_STEP_RESULTS);
        assertThat(restore.leaseId()).isEqualTo("lease-happy");
        assertThat(restore.target().host()).isEqualTo("127.0.0.1");
        // exactly what the restore needs: the version to come back and the hash chain
        assertThat(restore.command()).isEqualTo(new StepCommand.Restore(PREVIOUS,
                Map.of("plist", PLIST, "package", PKG, "state", STATE)));
        assertThat(restore.deadline()).isAfter(restore.timestamp());
        RunStep validate = cmds.get(1);
        assertThat(validate.epoch()).isEqualTo(4);
        assertThat(validate.command(StepCommand.Validate.class).validationSeconds()).isEqualTo(1);
        assertThat(validate.command(StepCommand.Validate.class).probeIntervalMillis()).isEqualTo(200);
        assertThat(validate.deadline()).isAfter(validate.timestamp().plusSeconds(1));

        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("state", equalTo("ROLLED_BACK"))
                .body("expected.plist", equalTo(PLIST)).body("found.plist", equalTo(PLIST))
                .body("expected.packageTree", equalTo(PKG)).body("found.packageTree", equalTo(PKG))
                .body("expected.state", equalTo(STATE)).body("found.state", equalTo(STATE))
                .body("foundGatewayVersion", equalTo(PREVIOUS))
                .body("events.action", hasItem("RESTORE_VERIFIED"));
        given().get("/api/v1/rollbacks?state=rolled_back").then().statusCode(200)
                .body("cutoverId", hasItem(cutover));
    }

    @Test
    void hashMismatchReportedByRestoreFailsTheRollbackNamingExpectedAndFoundHashes() {
        String cutover = newCutover();
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null,
                restoredFacts(WRONG, PKG, STATE, PREVIOUS)));

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-mismatch", 2, UUID.randomUUID().toString()));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLBACK_FAILED);
        assertThat(events.get(1).reason()).contains(PLIST).contains(WRONG).contains("plist hash mismatch");
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::kind).containsExactly(StepKind.RESTORE);
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("state", equalTo("ROLLBACK_FAILED"))
                .body("found.plist", equalTo(WRONG)).body("expected.plist", equalTo(PLIST));
    }

    @Test
    void stateArchiveHashMismatchReportedByASucceededRestoreFailsTheRollbackWithBothHashesInTheView() {
        String cutover = newCutover();
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null,
                restoredFacts(PLIST, PKG, WRONG, PREVIOUS)));

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-state", 2, UUID.randomUUID().toString()));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLBACK_FAILED);
        assertThat(events.get(1).reason())
                .isEqualTo("state hash mismatch after restore: expected " + STATE + ", found " + WRONG);
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::kind).containsExactly(StepKind.RESTORE);
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("state", equalTo("ROLLBACK_FAILED"))
                .body("expected.state", equalTo(STATE)).body("found.state", equalTo(WRONG))
                .body("events.action", hasItem("RESTORE_VERIFICATION_FAILED"));
    }

    @Test
    void aWorkerAnsweringWithTypedReportsOnlyIsVerifiedAndTimedByThoseReports() {
        String cutover = newCutover();
        Instant green = Instant.parse("2026-11-25T14:30:01.250Z");
        worker.answer(cutover, cmd -> RegionalWorkerDouble.reported(cmd, StepOutcome.SUCCEEDED,
                cmd.kind() == StepKind.RESTORE
                        ? new StepReport.Restore(STATE, WRONG, PLIST, WRONG, PKG, true, PREVIOUS, true)
                        : new StepReport.Validate(PREVIOUS, 3, green, 900L)));

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-typed", 3, UUID.randomUUID().toString()));

        assertThat(awaitTerminalEvent(cutover)).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("state", equalTo("ROLLED_BACK"))
                .body("found.plist", equalTo(PLIST)).body("found.packageTree", equalTo(PKG))
                .body("found.state", equalTo(STATE)).body("foundGatewayVersion", equalTo(PREVIOUS))
                .body("matrixGreenAt", equalTo(green.toString())).body("matrixGreenRound", equalTo(3));
    }

    @Test
    void restoreRefusingATamperedStateArchiveFailsTheRollbackAtOnceWithoutRetry() {
        String cutover = newCutover();
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.FAILED,
                "state archive /home/gw/.openclaw-cutover/x/state.tgz hashes to " + WRONG + ", not the snapshot hash "
                        + STATE + "; nothing restored",
                Map.of("stateArchiveSha256", WRONG)));

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-tampered", 2, UUID.randomUUID().toString()));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLBACK_FAILED);
        assertThat(events.get(1).reason())
                .isEqualTo("state hash mismatch after restore: expected " + STATE + ", found " + WRONG);
        assertThat(worker.commandsOf(cutover)).hasSize(1);
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("state", equalTo("ROLLBACK_FAILED"))
                .body("expected.state", equalTo(STATE)).body("found.state", equalTo(WRONG));
    }

    @Test
    void failedRestoreIsRetriedOnceWithANewIdempotencyKeyThenTheRollbackFails() {
        String cutover = newCutover();
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.FAILED,
                "readyz never became 200", Map.of()));

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-retry", 2, UUID.randomUUID().toString()));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type).last().isEqualTo(CutoverEventType.ROLLBACK_FAILED);
        assertThat(events.get(events.size() - 1).reason())
                .isEqualTo("RESTORE FAILED after 2 attempt(s): readyz never became 200");
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::idempotencyKey).containsExactly(
                RunStep.idempotencyKey(cutover, StepKind.RESTORE, 1),
                RunStep.idempotencyKey(cutover, StepKind.RESTORE, 2));
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::attempt).containsExactly(1, 2);
    }

    @Test
    void refusedRestoreFailsTheRollbackAtOnceWithTheWorkersReason() {
        String cutover = newCutover();
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.REFUSED,
                "host key of 127.0.0.1:2201 does not match the pinned key", Map.of()));

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-refused", 2, UUID.randomUUID().toString()));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLBACK_FAILED);
        assertThat(events.get(1).reason())
                .isEqualTo("RESTORE refused by the worker: host key of 127.0.0.1:2201 does not match the pinned key");
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("state", equalTo("ROLLBACK_FAILED")).body("restoreAttempts", equalTo(1));
    }

    @Test
    void duplicateRollbackRequestedProducesNoSecondRestoreCommand() {
        String cutover = newCutover();
        String marker = newCutover();
        String messageId = UUID.randomUUID().toString();
        RollbackRequested first = request(cutover, "lease-dup", 3, messageId);
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null,
                restoredFacts(PLIST, PKG, STATE, PREVIOUS)));
        worker.answer(marker, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null,
                restoredFacts(PLIST, PKG, STATE, PREVIOUS)));

        worker.send(Topics.ROLLBACK_REQUESTS, first);
        worker.send(Topics.ROLLBACK_REQUESTS, first);                                        // redelivery
        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-dup", 3, UUID.randomUUID().toString())); // same epoch
        // same lease key, same partition: once the marker's RESTORE is out, both duplicates were processed before it
        worker.send(Topics.ROLLBACK_REQUESTS, request(marker, "lease-dup", 1, UUID.randomUUID().toString()));

        await().atMost(WAIT).until(() -> !worker.commandsOf(marker).isEmpty());
        assertThat(worker.commandsOf(cutover)).filteredOn(c -> c.kind() == StepKind.RESTORE).hasSize(1);
        awaitTerminalEvent(cutover);
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::kind)
                .containsExactly(StepKind.RESTORE, StepKind.VALIDATE);
        assertThat(worker.eventsOf(cutover)).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("events.detail", hasItem("duplicate rollback request for the same epoch ignored"));
    }

    @Test
    void higherEpochSupersedesAndResultsOfTheOldEpochAreIgnored() {
        String cutover = newCutover();
        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-epoch", 2, UUID.randomUUID().toString()));
        await().atMost(WAIT).until(() -> worker.commandsOf(cutover).size() == 1);
        RunStep oldRestore = worker.commandsOf(cutover).get(0);

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-epoch", 3, UUID.randomUUID().toString()));
        await().atMost(WAIT).until(() -> worker.commandsOf(cutover).size() == 2);
        RunStep newRestore = worker.commandsOf(cutover).get(1);
        assertThat(newRestore.epoch()).isEqualTo(3);
        assertThat(newRestore.idempotencyKey()).isEqualTo(RunStep.idempotencyKey(cutover, StepKind.RESTORE, 2));

        // a late answer to the superseded command must not move the rollback
        worker.reply(Topics.ROLLBACK_STEP_RESULTS, RegionalWorkerDouble.result(oldRestore, StepOutcome.SUCCEEDED, null,
                restoredFacts(PLIST, PKG, STATE, PREVIOUS)));
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null,
                restoredFacts(PLIST, PKG, STATE, PREVIOUS)));
        worker.reply(Topics.ROLLBACK_STEP_RESULTS, RegionalWorkerDouble.result(newRestore, StepOutcome.SUCCEEDED, null,
                restoredFacts(PLIST, PKG, STATE, PREVIOUS)));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type).containsExactly(CutoverEventType.ROLLBACK_STARTED,
                CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
        assertThat(events.get(2).epoch()).isEqualTo(3);
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::kind)
                .containsExactly(StepKind.RESTORE, StepKind.RESTORE, StepKind.VALIDATE);
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("epoch", equalTo(3))
                .body("events.detail", hasItem("result for epoch 2 ignored, rollback is at epoch 3"));
    }

    @Test
    void overdueRestoreIsHandledAsTimedOutByTheWatchdogRetriedAndThenFails() {
        String cutover = newCutover();
        worker.answer(cutover, cmd -> null); // the worker never answers

        worker.send(Topics.ROLLBACK_REQUESTS, request(cutover, "lease-silent", 2, UUID.randomUUID().toString()));
        await().atMost(WAIT).until(() -> worker.commandsOf(cutover).size() == 1);
        assertThat(worker.eventsOf(cutover)).noneMatch(e -> e.type() == CutoverEventType.ROLLBACK_FAILED);

        expireOutstandingCommand(cutover); // as if rollback.restore-timeout had passed
        await().atMost(WAIT).until(() -> worker.commandsOf(cutover).size() == 2);
        assertThat(worker.commandsOf(cutover).get(1).idempotencyKey())
                .isEqualTo(RunStep.idempotencyKey(cutover, StepKind.RESTORE, 2));

        expireOutstandingCommand(cutover);
        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events.get(events.size() - 1).type()).isEqualTo(CutoverEventType.ROLLBACK_FAILED);
        assertThat(events.get(events.size() - 1).reason())
                .isEqualTo("RESTORE TIMED_OUT after 2 attempt(s): no result before the command deadline");
        assertThat(worker.commandsOf(cutover)).hasSize(2);
    }

    private void expireOutstandingCommand(String cutover) {
        int updated = QuarkusTransaction.requiringNew().call(() -> rollbackRows.update(
                "commandDeadline = ?1 where cutoverId = ?2", Instant.now().minusSeconds(3600), cutover));
        assertThat(updated).isEqualTo(1);
    }

    @Test
    void unusableRequestFailsWithoutSendingAnyCommand() {
        String cutover = newCutover();
        RollbackRequested good = request(cutover, "lease-bad", 2, UUID.randomUUID().toString());
        worker.send(Topics.ROLLBACK_REQUESTS, new RollbackRequested(good.messageId(), cutover, good.leaseId(),
                good.timestamp(), 1, 2, good.requestedBy(), good.reason(), good.target(), good.ticketId(),
                PREVIOUS, CANDIDATE, good.rollbackOwner(), Map.of("plist", PLIST)));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLBACK_FAILED);
        assertThat(events.get(1).reason()).startsWith("rollback request is not usable: expected package sha256");
        assertThat(worker.commandsOf(cutover)).isEmpty();
    }

    @Test
    void outboxRowCommittedWithoutACommitSignalIsPublishedByTheSweepAndMarkedSent() {
        String cutover = newCutover();
        CutoverEvent event = new CutoverEvent(UUID.randomUUID().toString(), cutover, "lease-sweep", Instant.now(), 1, 1,
                CutoverEventType.ROLLBACK_STARTED, Region.HK, "CHG-42", PREVIOUS, CANDIDATE, "alice@hk", List.of(),
                Instant.now(), null, "written behind the relay's back");
        QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                new OutboxStore("rollback.outbox").insert(c, Topics.EVENTS, event); // not the writer: nothing wakes the relay
            }
            return null;
        });

        await().atMost(WAIT).until(() -> !worker.eventsOf(cutover).isEmpty());
        assertThat(worker.eventsOf(cutover).get(0).reason()).isEqualTo("written behind the relay's back");
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> (Boolean) em.createNativeQuery(
                "select sent_at is not null from rollback.outbox where message_id = ?1")
                .setParameter(1, event.messageId()).getSingleResult()));
    }

    @Test
    void unknownCutoverIs404AndUnknownStateIs400AsProblemJson() {
        given().get("/api/v1/rollbacks/{id}", "no-such-cutover").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404))
                .body("detail", equalTo("no rollback recorded for cutover no-such-cutover"));
        given().get("/api/v1/rollbacks?state=SIDEWAYS").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Bad Request"));
    }

    // ------------------------------------------------------------------ helpers

    private static List<CutoverEvent> awaitTerminalEvent(String cutover) {
        await().atMost(WAIT).until(() -> worker.eventsOf(cutover).stream().anyMatch(e ->
                e.type() == CutoverEventType.ROLLED_BACK || e.type() == CutoverEventType.ROLLBACK_FAILED));
        return worker.eventsOf(cutover);
    }

    private static String newCutover() {
        return "co-" + UUID.randomUUID();
    }

    private static Map<String, String> restoredFacts(String plist, String pkg, String state, String version) {
        // the names probe-service's RestoreStep reports
        return Map.of("plistSha256Before", WRONG, "plistSha256After", plist, "packageSha256Before", WRONG,
                "packageSha256After", pkg, "stateArchiveSha256", state, "runningVersion", version,
                "packageRestoredFromArchive", "true");
    }

    private static RollbackRequested request(String cutover, String lease, long epoch, String messageId) {
        return new RollbackRequested(messageId, cutover, lease, Instant.now(), 1, epoch, "trigger:exit-loop",
                "exit loop: 3 crashes in 5 minutes",
                new LeaseTarget(Region.HK, "127.0.0.1", 2201, "gw",
                        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx0exampleexampleexample", 18789),
                "CHG-42", PREVIOUS, CANDIDATE, "alice@hk", Map.of("plist", PLIST, "package", PKG, "state", STATE));
    }
}
