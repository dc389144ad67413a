package com.maclogin.cutover.rollback.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
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
 * Breaches from {@code cutover.breaches} against a real Kafka broker and PostgreSQL, with a test double as the HK
 * worker: ROLLBACK starts a verified rollback at epoch + 1, PAUSE / OBSERVE are only recorded, a breach of the
 * verification window fails the rollback, and a breach and a RollbackRequested for the same epoch run one restore.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class BreachFlowTest {

    static final String PLIST = RollbackFlowTest.PLIST;
    static final String PKG = RollbackFlowTest.PKG;
    static final String STATE = RollbackFlowTest.STATE;
    static final String PREVIOUS = RollbackFlowTest.PREVIOUS;
    static final String CANDIDATE = RollbackFlowTest.CANDIDATE;
    static final String CRASH_REASON =
            "CRASH_LOOP: 3 crashes in 41 s (runs 1 -> 4, last exit 78) (threshold 3 crashes within 300 s)";
    static final Duration WAIT = RollbackFlowTest.WAIT;

    static RegionalWorkerDouble worker;

    @Inject
    RollbackAuditRepository auditRows;

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
    void rollbackBreachStartsTheIncidentWithItsNumbersRestoresAtTheNextEpochAndVerifiesWithTheProbeMatrix() {
        String cutover = newCutover();
        answerHealthy(cutover);
        double restoredBefore = metric("rollback_breach_to_restored_seconds_count{cause=\"breach\"}");

        worker.send(Topics.BREACHES, breach(cutover, "lease-breach", 4, TriggerAction.ROLLBACK, uuid()));

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
        CutoverEvent incident = events.get(0);
        assertThat(incident.reason()).isEqualTo(CRASH_REASON);
        assertThat(incident.epoch()).isEqualTo(5);
        assertThat(incident.ticketId()).isEqualTo("CHG-77");
        assertThat(incident.region()).isEqualTo(Region.HK);
        assertThat(incident.leaseId()).isEqualTo("lease-breach");
        assertThat(incident.previousVersion()).isEqualTo(PREVIOUS);
        assertThat(incident.candidateVersion()).isEqualTo(CANDIDATE);
        assertThat(incident.rollbackOwner()).isEqualTo("carol@hk");

        List<RunStep> cmds = worker.commandsOf(cutover);
        assertThat(cmds).extracting(RunStep::kind).containsExactly(StepKind.RESTORE, StepKind.VALIDATE);
        assertThat(cmds).extracting(RunStep::epoch).containsOnly(5L);
        assertThat(cmds.get(0).command(StepCommand.Restore.class).expectedSha256())
                .containsExactlyInAnyOrderEntriesOf(Map.of("plist", PLIST, "package", PKG, "state", STATE));
        ProbePlan plan = cmds.get(1).command(StepCommand.Validate.class).probePlan();
        assertThat(plan).isNotNull();
        assertThat(plan.layers()).containsExactly(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION,
                ProbeLayer.INTEGRATION, ProbeLayer.DISK);
        assertThat(plan.intervalMillis()).isEqualTo(200);   // %test rollback.verify.probe-interval
        assertThat(plan.windowSeconds()).isEqualTo(1);      // %test rollback.verify.window
        assertThat(plan.restartDrillAtSecond()).isNull();
        assertThat(plan.thresholds()).isEqualTo(TriggerThresholds.playbook());
        assertThat(plan.actions()).containsOnlyKeys(TriggerKind.values()).containsValue(TriggerAction.OBSERVE)
                .doesNotContainValue(TriggerAction.ROLLBACK).doesNotContainValue(TriggerAction.PAUSE);
        assertThat(plan.rollbackOwner()).isEqualTo("carol@hk");

        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("state", equalTo("ROLLED_BACK")).body("epoch", equalTo(5))
                .body("requestedBy", equalTo("trigger:CRASH_LOOP")).body("reason", equalTo(CRASH_REASON))
                .body("matrixGreenAt", equalTo(GREEN_AT.toString())).body("matrixGreenRound", equalTo(2));
        // the end point "lease restored and matrix green" is recorded before ROLLED_BACK, which waits for the window
        assertThat(audit(cutover)).extracting(a -> a.action).containsSubsequence("RESTORE_SUCCEEDED", "MATRIX_GREEN",
                "ROLLED_BACK");
        assertThat(audit(cutover)).filteredOn(a -> a.action.equals("MATRIX_GREEN")).singleElement()
                .satisfies(a -> assertThat(a.detail).startsWith(
                        "matrix green: every layer PASSED in verification round 2 at " + GREEN_AT));
        assertThat(audit(cutover)).filteredOn(a -> a.action.equals("REQUESTED")).singleElement()
                .satisfies(a -> assertThat(a.detail).contains("numbers {crashes=3, lastExitCode=78, seconds=41}"));
        // observed at /q/metrics: breach received -> restore verified
        assertThat(metric("rollback_breach_to_restored_seconds_count{cause=\"breach\"}") - restoredBefore)
                .isGreaterThanOrEqualTo(1);
    }

    /** The value of one Prometheus series at {@code /q/metrics} (registered at start-up, so always present). */
    static double metric(String series) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        // "<series> <value>", maybe followed by an exemplar "# {span_id=...,trace_id=...} <value> <time>"
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length() + 1).trim().split(" ")[0])).findFirst()
                .orElseThrow(() -> new AssertionError(series + " not exported"));
    }

    @Test
    void pauseAndObserveBreachesAreRecordedButSendNoCommandAndNoEvent() {
        String cutover = newCutover();
        String marker = newCutover();
        answerHealthy(cutover);
        answerHealthy(marker);

        worker.send(Topics.BREACHES, breach(cutover, "lease-pause", 2, TriggerAction.PAUSE, uuid()));
        worker.send(Topics.BREACHES, breach(cutover, "lease-pause", 2, TriggerAction.OBSERVE, uuid()));
        // same lease key, same partition: once the marker's RESTORE is out, both breaches before it were handled
        worker.send(Topics.BREACHES, breach(marker, "lease-pause", 2, TriggerAction.ROLLBACK, uuid()));

        await().atMost(WAIT).until(() -> !worker.commandsOf(marker).isEmpty());
        assertThat(worker.commandsOf(cutover)).isEmpty();
        assertThat(audit(cutover)).extracting(a -> a.action).containsExactly("BREACH_RECORDED", "BREACH_RECORDED");
        assertThat(audit(cutover)).extracting(a -> a.detail).containsExactly(
                "breach with action PAUSE recorded, no rollback: " + CRASH_REASON
                        + "; numbers {crashes=3, lastExitCode=78, seconds=41}",
                "breach with action OBSERVE recorded, no rollback: " + CRASH_REASON
                        + "; numbers {crashes=3, lastExitCode=78, seconds=41}");
        awaitTerminalEvent(marker); // the marker's events are published after any the paused cutover could have had
        assertThat(worker.eventsOf(cutover)).isEmpty();
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(404);
    }

    @Test
    void breachOfTheVerificationWindowFailsTheRollbackWithTheBreachNumbersAndALateGreenIsIgnored() {
        String cutover = newCutover();
        worker.answer(cutover, cmd -> cmd.kind() == StepKind.RESTORE
                ? RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null, restoredFacts()) : null);

        worker.send(Topics.BREACHES, breach(cutover, "lease-verify", 6, TriggerAction.ROLLBACK, uuid()));
        await().atMost(WAIT).until(() -> worker.commandsOf(cutover).size() == 2);
        RunStep validate = worker.commandsOf(cutover).get(1);
        assertThat(validate.kind()).isEqualTo(StepKind.VALIDATE);
        assertThat(validate.epoch()).isEqualTo(7);

        ThresholdBreached during = new ThresholdBreached(uuid(), cutover, "lease-verify", Instant.now(), 1,
                validate.epoch(), TriggerKind.ERROR_RATE, TriggerAction.OBSERVE,
                "7 of 40 synthetic probes failed (17.5%)", "more than 5.0% of at least 20 probes",
                Map.of("failed", "7", "samples", "40", "ratePercent", "17.5"), Instant.now(), target(),
                "CHG-77", PREVIOUS, CANDIDATE, "carol@hk", Map.of());
        worker.send(Topics.BREACHES, during);

        List<CutoverEvent> events = awaitTerminalEvent(cutover);
        assertThat(events).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLBACK_FAILED);
        assertThat(events.get(1).reason()).isEqualTo("verification of the restored 2026.7.1 breached ERROR_RATE: "
                + "7 of 40 synthetic probes failed (17.5%) (threshold more than 5.0% of at least 20 probes)");
        assertThat(events.get(1).rollbackOwner()).isEqualTo("carol@hk");
        assertThat(events.get(1).ticketId()).isEqualTo("CHG-77");

        // the window still ends green on the worker: too late, the rollback already failed
        worker.reply(Topics.ROLLBACK_STEP_RESULTS, RegionalWorkerDouble.result(validate, StepOutcome.SUCCEEDED, null,
                Map.of("runningVersion", PREVIOUS)));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/rollbacks/{id}", cutover).then()
                .statusCode(200).body("state", equalTo("ROLLBACK_FAILED"))
                .body("events.detail", hasItem("rollback already finished")));
        assertThat(worker.eventsOf(cutover)).extracting(CutoverEvent::type)
                .doesNotContain(CutoverEventType.ROLLED_BACK);
        assertThat(worker.commandsOf(cutover)).hasSize(2);
    }

    @Test
    void redeliveredBreachWithTheSameMessageIdStartsNothingTwice() {
        String cutover = newCutover();
        String marker = newCutover();
        answerHealthy(cutover);
        answerHealthy(marker);
        ThresholdBreached once = breach(cutover, "lease-redelivered", 3, TriggerAction.ROLLBACK, uuid());

        worker.send(Topics.BREACHES, once);
        worker.send(Topics.BREACHES, once);
        worker.send(Topics.BREACHES, breach(marker, "lease-redelivered", 3, TriggerAction.ROLLBACK, uuid()));

        await().atMost(WAIT).until(() -> !worker.commandsOf(marker).isEmpty());
        awaitTerminalEvent(cutover);
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::kind)
                .containsExactly(StepKind.RESTORE, StepKind.VALIDATE);
        assertThat(worker.eventsOf(cutover)).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
        assertThat(audit(cutover)).filteredOn(a -> a.action.equals("REQUESTED")).hasSize(1);
        assertThat(audit(cutover)).noneMatch(a -> a.action.equals("REQUEST_IGNORED"));
    }

    @Test
    void breachThenRollbackRequestedForTheSameEpochRunOneRestore() {
        String cutover = newCutover();
        answerHealthy(cutover);

        worker.send(Topics.BREACHES, breach(cutover, "lease-both", 6, TriggerAction.ROLLBACK, uuid()));
        await().atMost(WAIT).until(() -> !worker.commandsOf(cutover).isEmpty());
        worker.send(Topics.ROLLBACK_REQUESTS, operatorRequest(cutover, "lease-both", 7));

        await().atMost(WAIT).until(() -> audit(cutover).stream().anyMatch(a -> a.action.equals("REQUEST_IGNORED")
                && a.detail.equals("duplicate rollback request for the same epoch ignored")));
        awaitTerminalEvent(cutover);
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::kind)
                .containsExactly(StepKind.RESTORE, StepKind.VALIDATE);
        assertThat(worker.eventsOf(cutover)).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("requestedBy", equalTo("trigger:CRASH_LOOP")).body("epoch", equalTo(7));
    }

    @Test
    void rollbackRequestedThenBreachForTheSameEpochRunOneRestore() {
        String cutover = newCutover();
        answerHealthy(cutover);

        worker.send(Topics.ROLLBACK_REQUESTS, operatorRequest(cutover, "lease-both-2", 7));
        await().atMost(WAIT).until(() -> !worker.commandsOf(cutover).isEmpty());
        worker.send(Topics.BREACHES, breach(cutover, "lease-both-2", 6, TriggerAction.ROLLBACK, uuid()));

        await().atMost(WAIT).until(() -> audit(cutover).stream().anyMatch(a -> a.action.equals("REQUEST_IGNORED")
                && a.detail.startsWith("duplicate rollback request for the same epoch ignored (trigger:CRASH_LOOP: "
                        + CRASH_REASON)));
        awaitTerminalEvent(cutover);
        assertThat(worker.commandsOf(cutover)).extracting(RunStep::kind)
                .containsExactly(StepKind.RESTORE, StepKind.VALIDATE);
        assertThat(worker.eventsOf(cutover)).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
        given().get("/api/v1/rollbacks/{id}", cutover).then().statusCode(200)
                .body("requestedBy", equalTo("dave (operator)")).body("epoch", equalTo(7));
    }

    @Test
    void breachAndRollbackRequestedArrivingTogetherStartOneRollbackEachAndTheBreachChannelKeepsWorking() {
        // the two arrive on different topics, so different consumer threads race to insert the same cutover's
        // rollback; before the per-cutover advisory lock one of them hit the unique key and stopped its channel
        List<String> cutovers = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String cutover = newCutover();
            cutovers.add(cutover);
            answerHealthy(cutover);
            String lease = "lease-race-" + i;
            worker.send(Topics.BREACHES, breach(cutover, lease, 6, TriggerAction.ROLLBACK, uuid()));
            worker.send(Topics.ROLLBACK_REQUESTS, operatorRequest(cutover, lease, 7));
        }
        for (String cutover : cutovers) {
            List<CutoverEvent> events = awaitTerminalEvent(cutover);
            assertThat(events).as(cutover).extracting(CutoverEvent::type)
                    .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
            assertThat(worker.commandsOf(cutover)).as(cutover).extracting(RunStep::kind)
                    .containsExactly(StepKind.RESTORE, StepKind.VALIDATE);
            await().atMost(WAIT).until(() -> audit(cutover).stream().anyMatch(a -> a.action.equals("REQUEST_IGNORED")));
            assertThat(audit(cutover)).as(cutover).filteredOn(a -> a.action.equals("REQUESTED")).hasSize(1);
        }
        String after = newCutover();
        answerHealthy(after);
        worker.send(Topics.BREACHES, breach(after, "lease-race-after", 2, TriggerAction.ROLLBACK, uuid()));
        assertThat(awaitTerminalEvent(after)).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.ROLLBACK_STARTED, CutoverEventType.ROLLED_BACK);
    }

    // ------------------------------------------------------------------ helpers

    /** The cutover's audit lines after its record was armed (the ARMED lines: {@link CutoverRecordFlowTest}). */
    private List<RollbackAudit> audit(String cutover) {
        return QuarkusTransaction.requiringNew().call(() -> auditRows.listByCutoverId(cutover)).stream()
                .filter(a -> !a.action.equals("ARMED")).toList();
    }

    private static void answerHealthy(String cutover) {
        worker.answer(cutover, cmd -> RegionalWorkerDouble.result(cmd, StepOutcome.SUCCEEDED, null,
                cmd.kind() == StepKind.RESTORE ? restoredFacts() : Map.of("runningVersion", PREVIOUS,
                        "firstGreenRound", "2", "firstGreenAt", GREEN_AT.toString())));
    }

    /** What the worker double reports as the verification's first all-green round. */
    private static final Instant GREEN_AT = Instant.parse("2026-11-25T14:30:01.250Z");

    private static List<CutoverEvent> awaitTerminalEvent(String cutover) {
        await().atMost(WAIT).until(() -> worker.eventsOf(cutover).stream().anyMatch(e ->
                e.type() == CutoverEventType.ROLLED_BACK || e.type() == CutoverEventType.ROLLBACK_FAILED));
        return worker.eventsOf(cutover);
    }

    private static Map<String, String> restoredFacts() {
        return Map.of("plistSha256After", PLIST, "packageSha256After", PKG, "stateArchiveSha256", STATE,
                "runningVersion", PREVIOUS);
    }

    private static String newCutover() {
        return "co-" + UUID.randomUUID();
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }

    private static LeaseTarget target() {
        return new LeaseTarget(Region.HK, "127.0.0.1", 2201, "gw",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx0exampleexampleexample", 18789);
    }

    /**
     * A worker's breach as the orchestrator's VALIDATE let it be, after rollback-service's record of the cutover was
     * armed at that epoch (what the orchestrator does when SNAPSHOT recorded the hashes): without a record a breach
     * is ignored.
     */
    private static ThresholdBreached breach(String cutover, String lease, long epoch, TriggerAction action,
                                            String messageId) {
        CutoverRecordFlowTest.arm(worker, cutover, lease, epoch);
        return new ThresholdBreached(messageId, cutover, lease, Instant.now(), 1, epoch, TriggerKind.CRASH_LOOP, action,
                "3 crashes in 41 s (runs 1 -> 4, last exit 78)", "3 crashes within 300 s",
                Map.of("crashes", "3", "seconds", "41", "lastExitCode", "78"), Instant.now(), target(), "CHG-77",
                PREVIOUS, CANDIDATE, "carol@hk", Map.of("plist", PLIST, "package", PKG, "state", STATE));
    }

    private static RollbackRequested operatorRequest(String cutover, String lease, long epoch) {
        return new RollbackRequested(uuid(), cutover, lease, Instant.now(), 1, epoch, "dave (operator)",
                "operator rollback", target(), "CHG-77", PREVIOUS, CANDIDATE, "carol@hk",
                Map.of("plist", PLIST, "package", PKG, "state", STATE));
    }
}
