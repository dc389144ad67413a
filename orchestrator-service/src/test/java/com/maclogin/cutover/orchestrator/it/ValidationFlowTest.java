package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 over a real broker and PostgreSQL: the VALIDATE command's probe plan, breaches (ROLLBACK, PAUSE,
 * OBSERVE, DISK before the flip) with the epoch fence, stored probe results, operator pause/resume, the candidate
 * engines.node gate.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class ValidationFlowTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    EntityManager em;

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    static String lease(String prefix, String tls) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Fixtures.registerLease(id, tls);
        Fixtures.worker();
        Fixtures.recorder();
        return id;
    }

    static String start(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/cutovers")
                .then().statusCode(201).extract().path("id");
    }

    static JsonPath cutover(String id) {
        return given().get("/api/v1/cutovers/" + id).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath awaitState(String id, String state) {
        AtomicReference<JsonPath> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonPath j = cutover(id);
            last.set(j);
            assertThat(j.getString("state")).as(j.prettify()).isEqualTo(state);
        });
        return last.get();
    }

    static RunStep awaitCommand(String cutoverId, StepKind kind, int attempt) {
        await().atMost(WAIT).until(() -> Fixtures.worker().commandsFor(cutoverId).stream()
                .anyMatch(c -> c.kind() == kind && c.attempt() == attempt));
        return Fixtures.worker().commandsFor(cutoverId).stream().filter(c -> c.kind() == kind && c.attempt() == attempt)
                .findFirst().orElseThrow();
    }

    static List<CutoverEvent> events(String cutoverId) {
        return Fixtures.recorder().on(Topics.EVENTS).stream()
                .map(r -> com.maclogin.cutover.contracts.Json.read(r.value(), CutoverEvent.class))
                .filter(e -> e.cutoverId().equals(cutoverId)).toList();
    }

    /** Outbox rows of {@code type} about the cutover; rollback-service's record (purpose ARM) is not a request. */
    long outboxRows(String cutoverId, String type) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                        "select count(*) from outbox where type = ?1 and payload like ?2 and payload not like ?3")
                .setParameter(1, type).setParameter(2, "%" + cutoverId + "%").setParameter(3, "%\"purpose\":\"ARM\"%")
                .getSingleResult()).longValue());
    }

    static ThresholdBreached breach(RunStep cmd, TriggerKind trigger, TriggerAction action) {
        return new ThresholdBreached(UUID.randomUUID().toString(), cmd.cutoverId(), cmd.leaseId(), Instant.now(),
                CutoverMessage.SCHEMA_VERSION, cmd.epoch(), trigger, action, "3 crashes in 41 s (runs 1 -> 4, last exit 78)",
                "3 crashes within 300 s", Map.of("crashes", "3", "windowSeconds", "41", "lastExitCode", "78"),
                Instant.now(), cmd.target(), "CHG-4711", "2026.9.5", "2026.9.6", "ada",
                Map.of("plist", FakeWorker.HASH_PLIST, "package", FakeWorker.HASH_PACKAGE));
    }

    /** Holds VALIDATE attempt 1 only; every other command succeeds. */
    static void holdFirstValidate(String leaseId) {
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() == StepKind.VALIDATE && cmd.attempt() == 1 ? null
                : FakeWorker.succeed(cmd));
    }

    @Test
    void validateCarriesTheProbePlanWithTlsTightenedThresholdsActionsBaselineAndAnAuditedOverride() {
        String leaseId = lease("hk-plan", "gw.example.com:443");
        holdFirstValidate(leaseId);
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(leaseId));
        body.put("validation", Map.of("windowSeconds", 3, "probeIntervalSeconds", 1, "restartDrill", true));
        body.put("thresholds", Map.of("errorRatePercent", 2.5, "crashCount", 4, "diskFreeMinPercent", 15));
        body.put("triggerActions", Map.of("LATENCY", "PAUSE", "DISK", "OBSERVE"));
        body.put("overrides", List.of(
                Map.of("field", "thresholds.crashCount", "value", 4, "reason", "plugin restarts twice at boot", "approvedBy", "grace"),
                Map.of("field", "validation.probeIntervalSeconds", "value", "1", "reason", "simulator", "approvedBy", "grace"),
                Map.of("field", "triggerActions.LATENCY", "value", "PAUSE", "reason", "latency spikes at boot"),
                Map.of("field", "triggerActions.DISK", "value", "OBSERVE", "reason", "disk alarms are noisy here")));
        String id = start(body);
        Fixtures.approveOverrides(id);
        RunStep validate = awaitCommand(id, StepKind.VALIDATE, 1);
        ProbePlan plan = validate.command(StepCommand.Validate.class).probePlan();
        assertThat(plan).isNotNull();
        assertThat(plan.layers()).containsExactly(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION,
                ProbeLayer.INTEGRATION, ProbeLayer.TLS, ProbeLayer.DISK);
        assertThat(plan.tlsEndpoint()).isEqualTo("gw.example.com:443");
        assertThat(plan.tlsMinValidDays()).isEqualTo(14);
        assertThat(plan.windowSeconds()).isEqualTo(3);
        assertThat(plan.intervalMillis()).isEqualTo(1000);
        assertThat(plan.restartDrillAtSecond()).isEqualTo(1);
        assertThat(plan.thresholds().errorRatePercent()).isEqualTo(2.5);
        assertThat(plan.thresholds().crashCount()).isEqualTo(4);
        assertThat(plan.thresholds().diskFreeMinPercent()).isEqualTo(15.0);
        assertThat(plan.thresholds().latencyMultiplier()).isEqualTo(5.0);
        assertThat(plan.actions()).containsEntry(TriggerKind.LATENCY, TriggerAction.PAUSE)
                .containsEntry(TriggerKind.DISK, TriggerAction.OBSERVE).containsEntry(TriggerKind.CRASH_LOOP, TriggerAction.ROLLBACK);
        assertThat(plan.baselineP95Millis()).isEqualTo(180.0);
        assertThat(plan.rollbackOwner()).isEqualTo("ada");
        assertThat(validate.command(StepCommand.Validate.class).validationSeconds()).isEqualTo(3);
        assertThat(Duration.between(validate.timestamp(), validate.deadline())).isEqualTo(Duration.ofSeconds(33));

        List<Map<String, Object>> audit = given().get("/api/v1/cutovers/" + id + "/audit").then().statusCode(200)
                .extract().jsonPath().getList("");
        assertThat(audit).filteredOn(a -> "OVERRIDE".equals(a.get("action"))).extracting(a -> (String) a.get("detail"))
                .containsExactlyInAnyOrder(
                        "thresholds.crashCount: 3 -> 4 approved by ops-bot, requested by ada: plugin restarts twice at boot",
                        "validation.probeIntervalSeconds: 0.5 -> 1 approved by ops-bot, requested by ada: simulator",
                        "triggerActions.LATENCY: ROLLBACK -> PAUSE approved by ops-bot, requested by ada: latency spikes at boot",
                        "triggerActions.DISK: ROLLBACK -> OBSERVE approved by ops-bot, requested by ada: disk alarms are noisy here");
        assertThat(audit).filteredOn(a -> "OVERRIDE".equals(a.get("action"))).extracting(a -> a.get("actor")).containsOnly("ops-bot");
        assertThat(audit).filteredOn(a -> "GATE".equals(a.get("action"))).extracting(a -> (String) a.get("evidenceRef"))
                .contains("step:" + id + ":INVENTORY:1#gate:DISK", "step:" + id + ":INVENTORY:1#gate:PORT_MAP");
        assertThat(audit).extracting(a -> a.get("action")).contains("CUTOVER_REQUESTED", "VALIDATION_PLAN", "STEP_SENT", "STEP_RESULT");
    }

    @Test
    void aLooserValueWithoutOverrideIsA400NamingTheField() {
        String leaseId = lease("hk-loose", null);
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(leaseId));
        body.put("thresholds", Map.of("errorRatePercent", 9));
        given().contentType(ContentType.JSON).body(body).post("/api/v1/cutovers").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("thresholds.errorRatePercent"))
                .body("detail", containsString("override"));
        body.put("thresholds", Map.of());
        body.put("validation", Map.of("restartDrill", false));
        given().contentType(ContentType.JSON).body(body).post("/api/v1/cutovers").then().statusCode(400)
                .body("field", equalTo("validation.restartDrill"));
    }

    @Test
    void rollbackBreachMovesToRollingBackAtBreachEpochPlusOnePublishesNothingAndTheLateFailedResultIsFenced() {
        String leaseId = lease("hk-breach", null);
        holdFirstValidate(leaseId);
        String id = start(Fixtures.cutoverBody(leaseId));
        RunStep validate = awaitCommand(id, StepKind.VALIDATE, 1);
        long before = outboxRows(id, "RollbackRequested") + outboxRows(id, "CutoverEvent") + outboxRows(id, "RunStep");

        ThresholdBreached b = breach(validate, TriggerKind.CRASH_LOOP, TriggerAction.ROLLBACK);
        Fixtures.worker().publish(Topics.BREACHES, leaseId, b);
        JsonPath c = awaitState(id, "ROLLING_BACK");
        assertThat(c.getLong("epoch")).isEqualTo(2);
        assertThat(c.getString("reason")).contains("CRASH_LOOP").contains("3 crashes in 41 s");
        assertThat(c.getString("steps.find { it.kind == 'VALIDATE' }.state")).isEqualTo("SUPERSEDED");
        assertThat(c.getList("audit", Map.class)).filteredOn(a -> "BREACH".equals(a.get("action"))).singleElement()
                .satisfies(a -> {
                    assertThat((String) a.get("detail")).contains("CRASH_LOOP action ROLLBACK at epoch 1")
                            .contains("threshold: 3 crashes within 300 s").contains("crashes=3").contains("lastExitCode=78");
                    assertThat(a.get("evidenceRef")).isEqualTo("breach:" + b.messageId());
                });
        assertThat(outboxRows(id, "RollbackRequested")).isZero();
        assertThat(outboxRows(id, "RollbackRequested") + outboxRows(id, "CutoverEvent") + outboxRows(id, "RunStep"))
                .isEqualTo(before);

        // the worker ends VALIDATE with FAILED at the old epoch: fenced, exactly one rollback (rollback-service's)
        Fixtures.worker().publish(FakeWorker.result(validate, StepOutcome.FAILED, "breach CRASH_LOOP", Map.of()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getList("audit.action", String.class)).contains("RESULT_REFUSED"));
        assertThat(cutover(id).getString("state")).isEqualTo("ROLLING_BACK");
        assertThat(cutover(id).getLong("epoch")).isEqualTo(2);
        assertThat(outboxRows(id, "RollbackRequested")).isZero();

        // a redelivered breach is not applied twice
        Fixtures.worker().publish(Topics.BREACHES, leaseId, b);
        ThresholdBreached marker = breach(validate, TriggerKind.LATENCY, TriggerAction.OBSERVE);
        Fixtures.worker().publish(Topics.BREACHES, leaseId, marker);
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getList("audit.evidenceRef", String.class))
                .contains("breach:" + marker.messageId()));
        assertThat(cutover(id).getList("audit", Map.class)).filteredOn(a -> "BREACH".equals(a.get("action"))
                && ("breach:" + b.messageId()).equals(a.get("evidenceRef"))).hasSize(1);
        assertThat(cutover(id).getLong("epoch")).isEqualTo(2);
    }

    @Test
    void aRolledBackOutcomeThatArrivesBeforeItsBreachEndsTheCutoverAndTheLateBreachIsOnlyAudited() throws Exception {
        // rollback-service rolls back on the worker's breach alone (epoch breach + 1); after an orchestrator restart the
        // outcome on cutover.events can be read before the breach on cutover.breaches
        String leaseId = lease("hk-overtake", null);
        holdFirstValidate(leaseId);
        String id = start(Fixtures.cutoverBody(leaseId));
        RunStep validate = awaitCommand(id, StepKind.VALIDATE, 1);
        awaitState(id, "VALIDATING");
        ThresholdBreached b = breach(validate, TriggerKind.CRASH_LOOP, TriggerAction.ROLLBACK);

        // an outcome at the cutover's own epoch did not come from a rollback this cutover has not seen: refused
        CutoverFlowTest.publishEvent(outcome(validate, validate.epoch(), CutoverEventType.ROLLED_BACK));
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getList("audit.action", String.class))
                .contains("EVENT_REFUSED"));
        assertThat(cutover(id).getString("state")).isEqualTo("VALIDATING");

        CutoverFlowTest.publishEvent(outcome(validate, validate.epoch() + 1, CutoverEventType.ROLLED_BACK));
        JsonPath done = awaitState(id, "ROLLED_BACK");
        assertThat(done.getLong("epoch")).isEqualTo(validate.epoch() + 1);
        assertThat(done.getString("endedAt")).isNotNull();
        assertThat(done.getString("steps.find { it.kind == 'VALIDATE' }.state")).isEqualTo("SUPERSEDED");
        assertThat(done.getList("audit.detail", String.class)).anyMatch(d -> d.contains("outcome arrived before the breach"));

        Fixtures.worker().publish(Topics.BREACHES, leaseId, b);
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getList("audit", Map.class))
                .filteredOn(a -> ("breach:" + b.messageId()).equals(a.get("evidenceRef"))).singleElement()
                .satisfies(a -> assertThat((String) a.get("detail")).contains("not applied: epoch 1 is older than the cutover's epoch 2")));
        assertThat(cutover(id).getString("state")).isEqualTo("ROLLED_BACK");
        assertThat(outboxRows(id, "RollbackRequested")).isZero();
    }

    static CutoverEvent outcome(RunStep cmd, long epoch, CutoverEventType type) {
        return new CutoverEvent(UUID.randomUUID().toString(), cmd.cutoverId(), cmd.leaseId(), Instant.now(),
                CutoverMessage.SCHEMA_VERSION, epoch, type, cmd.target().region(), "CHG-4711", "2026.9.5", "2026.9.6",
                "ada", List.of(), Instant.now(), Instant.now(), "restored 2026.9.5, hashes verified");
    }

    @Test
    void pauseBreachPausesAnnouncesItAndResumeResendsValidateAtTheNewEpochThenGoesGreen() {
        String leaseId = lease("hk-pause", null);
        holdFirstValidate(leaseId);
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(leaseId));
        body.put("triggerActions", Map.of("ERROR_RATE", "PAUSE"));
        body.put("overrides", List.of(Map.of("field", "triggerActions.ERROR_RATE", "value", "PAUSE", "reason", "pause, not roll back")));
        String id = start(body);
        Fixtures.approveOverrides(id);
        RunStep validate = awaitCommand(id, StepKind.VALIDATE, 1);
        Fixtures.worker().publish(Topics.BREACHES, leaseId, breach(validate, TriggerKind.ERROR_RATE, TriggerAction.PAUSE));
        JsonPath c = awaitState(id, "PAUSED");
        assertThat(c.getLong("epoch")).isEqualTo(2);
        assertThat(c.getString("resumeStep")).isEqualTo("VALIDATE");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(id)).extracting(CutoverEvent::type)
                .contains(CutoverEventType.CUTOVER_PAUSED));
        CutoverEvent paused = events(id).stream().filter(e -> e.type() == CutoverEventType.CUTOVER_PAUSED).findFirst().orElseThrow();
        assertThat(paused.epoch()).isEqualTo(2);
        assertThat(paused.reason()).contains("ERROR_RATE");

        Fixtures.worker().publish(FakeWorker.result(validate, StepOutcome.FAILED, "breach ERROR_RATE", Map.of()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getList("audit.action", String.class)).contains("RESULT_REFUSED"));
        assertThat(cutover(id).getString("state")).isEqualTo("PAUSED");

        given().contentType(ContentType.JSON).body(Map.of("reason", "error budget checked with the provider"))
                .post("/api/v1/cutovers/" + id + "/resume").then().statusCode(200).body("state", equalTo("VALIDATING"));
        RunStep again = awaitCommand(id, StepKind.VALIDATE, 2);
        assertThat(again.epoch()).isEqualTo(2);
        assertThat(again.idempotencyKey()).isEqualTo(id + ":VALIDATE:2");
        JsonPath green = awaitState(id, "GREEN");
        assertThat(green.getList("audit", Map.class)).filteredOn(a -> "RESUME_REQUESTED".equals(a.get("action")))
                .extracting(a -> a.get("actor")).containsExactly("ada");
        given().contentType(ContentType.JSON).body(Map.of("reason", "again")).post("/api/v1/cutovers/" + id + "/resume")
                .then().statusCode(409).body("detail", containsString("not PAUSED"));
    }

    @Test
    void observeBreachIsOnlyAudited() {
        String leaseId = lease("hk-observe", null);
        holdFirstValidate(leaseId);
        String id = start(Fixtures.cutoverBody(leaseId));
        RunStep validate = awaitCommand(id, StepKind.VALIDATE, 1);
        Fixtures.worker().publish(Topics.BREACHES, leaseId, breach(validate, TriggerKind.LATENCY, TriggerAction.OBSERVE));
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getList("audit.action", String.class)).contains("BREACH"));
        JsonPath c = cutover(id);
        assertThat(c.getString("state")).isEqualTo("VALIDATING");
        assertThat(c.getLong("epoch")).isEqualTo(1);
        Fixtures.worker().publish(FakeWorker.result(validate, StepOutcome.SUCCEEDED, null, Map.of()));
        awaitState(id, "GREEN");
    }

    @Test
    void aDiskBreachBeforeTheFlipAbortsAndUnfreezes() {
        String leaseId = lease("hk-disk", null);
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() == StepKind.SNAPSHOT ? null : FakeWorker.succeed(cmd));
        String id = start(Fixtures.cutoverBody(leaseId));
        RunStep snapshot = awaitCommand(id, StepKind.SNAPSHOT, 1);
        Fixtures.worker().publish(Topics.BREACHES, leaseId, breach(snapshot, TriggerKind.DISK, TriggerAction.ROLLBACK));
        JsonPath c = awaitState(id, "ABORTED");
        assertThat(c.getString("reason")).contains("DISK");
        assertThat(awaitCommand(id, StepKind.UNFREEZE, 1).epoch()).isEqualTo(2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(id)).extracting(CutoverEvent::type)
                .contains(CutoverEventType.CUTOVER_ABORTED));
    }

    @Test
    void probeResultsAreStoredAndListedByLayerNewestFirst() {
        String leaseId = lease("hk-probes", null);
        holdFirstValidate(leaseId);
        String id = start(Fixtures.cutoverBody(leaseId));
        RunStep validate = awaitCommand(id, StepKind.VALIDATE, 1);
        for (int round = 1; round <= 2; round++) {
            for (ProbeLayer layer : List.of(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.INTEGRATION)) {
                Fixtures.worker().publish(Topics.PROBE_RESULTS, leaseId, new ProbeResult(UUID.randomUUID().toString(), id,
                        leaseId, Instant.now(), CutoverMessage.SCHEMA_VERSION, 1, validate.messageId(), round, layer,
                        layer == ProbeLayer.INTEGRATION && round == 2 ? Verdict.FAILED : Verdict.PASSED,
                        layer == ProbeLayer.INTEGRATION ? 120L * round : null, "round " + round,
                        Map.of("runs", "1", "lastExitCode", "0")));
            }
        }
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/cutovers/" + id + "/probe-results")
                .then().statusCode(200).body("size()", equalTo(6)));
        JsonPath integration = given().queryParam("layer", "integration").get("/api/v1/cutovers/" + id + "/probe-results")
                .then().statusCode(200).extract().jsonPath();
        assertThat(integration.getList("round", Integer.class)).containsExactly(2, 1);
        assertThat(integration.getList("verdict", String.class)).containsExactly("FAILED", "PASSED");
        assertThat(integration.getList("latencyMillis", Integer.class)).containsExactly(240, 120);
        assertThat(integration.getString("[0].observed.lastExitCode")).isEqualTo("0");
        assertThat(integration.getString("[0].commandMessageId")).isEqualTo(validate.messageId());
        given().queryParam("limit", 2).get("/api/v1/cutovers/" + id + "/probe-results").then().body("size()", equalTo(2));
        given().queryParam("layer", "QUANTUM").get("/api/v1/cutovers/" + id + "/probe-results").then().statusCode(400)
                .body("field", equalTo("layer"));
        given().get("/api/v1/cutovers/no-such-cutover/probe-results").then().statusCode(404);
    }

    @Test
    void operatorPauseLetsTheStepFinishHoldsTheNextAndResumeSendsIt() {
        String leaseId = lease("hk-op-pause", null);
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() == StepKind.SNAPSHOT ? null : FakeWorker.succeed(cmd));
        String id = start(Fixtures.cutoverBody(leaseId));
        RunStep snapshot = awaitCommand(id, StepKind.SNAPSHOT, 1);
        given().contentType(ContentType.JSON).body(Map.of("reason", "customer call at 10:00"))
                .post("/api/v1/cutovers/" + id + "/pause").then().statusCode(200).body("state", equalTo("PAUSED"));
        given().contentType(ContentType.JSON).body(Map.of("reason", "twice"))
                .post("/api/v1/cutovers/" + id + "/pause").then().statusCode(409).body("detail", containsString("already PAUSED"));

        Fixtures.worker().publish(FakeWorker.succeed(snapshot));
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getString("resumeStep")).isEqualTo("INSTALL_CANDIDATE"));
        JsonPath held = cutover(id);
        assertThat(held.getString("state")).isEqualTo("PAUSED");
        assertThat(held.getList("steps.kind", String.class)).doesNotContain("INSTALL_CANDIDATE");
        assertThat(held.getList("audit.action", String.class)).contains("PAUSE_REQUESTED", "HELD");
        assertThat(outboxRows(id, "RunStep")).isEqualTo(3); // INVENTORY, FREEZE, SNAPSHOT and nothing after

        given().contentType(ContentType.JSON).body(Map.of("reason", "call over"))
                .post("/api/v1/cutovers/" + id + "/resume").then().statusCode(200).body("state", equalTo("RUNNING"));
        awaitState(id, "GREEN");
    }

    @Test
    void rollbackIsAllowedFromPaused() {
        String leaseId = lease("hk-pause-rb", null);
        holdFirstValidate(leaseId);
        String id = start(Fixtures.cutoverBody(leaseId));
        awaitCommand(id, StepKind.VALIDATE, 1);
        given().contentType(ContentType.JSON).body(Map.of("reason", "look closer"))
                .post("/api/v1/cutovers/" + id + "/pause").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("reason", "customer reports errors"))
                .post("/api/v1/cutovers/" + id + "/rollback").then().statusCode(202).body("state", equalTo("ROLLING_BACK"))
                .body("epoch", equalTo(2));
        assertThat(outboxRows(id, "RollbackRequested")).isEqualTo(1);
    }

    @Test
    void candidateEnginesRefusalFailsBeforeTheFlipAndUnfreezes() {
        String leaseId = lease("hk-engines", null);
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() == StepKind.INSTALL_CANDIDATE
                ? FakeWorker.result(cmd, StepOutcome.SUCCEEDED, null, Map.of("candidateEnginesNode", ">=24.0.0"))
                : FakeWorker.succeed(cmd));
        String id = start(Fixtures.cutoverBody(leaseId));
        JsonPath c = awaitState(id, "FAILED");
        assertThat(c.getString("reason")).isEqualTo(
                "candidate engines.node gate refused: the plist pins node v22.12.0 but the candidate requires >=24.0.0");
        assertThat(c.getList("steps.find { it.kind == 'INSTALL_CANDIDATE' }.evidence.name", String.class))
                .contains("gate:CANDIDATE_ENGINES");
        awaitCommand(id, StepKind.UNFREEZE, 1);
        assertThat(Fixtures.worker().commandsFor(id)).extracting(RunStep::kind).doesNotContain(StepKind.FLIP_PLIST);
    }
}
