package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The saga over a real broker and a real PostgreSQL: a fake HK worker answers the RunSteps on cutover.steps.hk with
 * StepResults on cutover.step-results; events and rollback requests are read back from the broker.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class CutoverFlowTest {

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    static final Duration WAIT = Duration.ofSeconds(30);

    static String lease(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Fixtures.registerLease(id);
        Fixtures.worker();
        Fixtures.recorder();
        return id;
    }

    static String start(String leaseId) {
        return given().contentType(ContentType.JSON).header("X-Operator", "ada")
                .body(Fixtures.cutoverBody(leaseId))
                .post("/api/v1/cutovers")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/cutovers/"))
                .extract().path("id");
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

    static List<CutoverEvent> events(String cutoverId) {
        return Fixtures.recorder().on(Topics.EVENTS).stream().map(r -> Json.read(r.value(), CutoverEvent.class))
                .filter(e -> e.cutoverId().equals(cutoverId)).toList();
    }

    /** The restore requests sent for the cutover (not rollback-service's record, purpose ARM). */
    static List<RollbackRequested> rollbacks(String cutoverId) {
        return requestsAndRecords(cutoverId).stream().filter(r -> !r.arms()).toList();
    }

    /** Everything sent on cutover.rollbacks for the cutover, in order: its records (ARM) and its requests. */
    static List<RollbackRequested> requestsAndRecords(String cutoverId) {
        return Fixtures.recorder().on(Topics.ROLLBACK_REQUESTS).stream()
                .map(r -> Json.read(r.value(), RollbackRequested.class))
                .filter(e -> e.cutoverId().equals(cutoverId)).toList();
    }

    /** Holds (never answers) the given step of a lease; everything else succeeds. */
    static void hold(String leaseId, StepKind kind) {
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() == kind ? null : FakeWorker.succeed(cmd));
    }

    static void awaitCommand(String cutoverId, StepKind kind) {
        await().atMost(WAIT).until(() -> Fixtures.worker().commandsFor(cutoverId).stream().anyMatch(c -> c.kind() == kind));
    }

    static Map<String, Object> withCanary(String leaseId, Object canary) {
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(leaseId));
        body.put("canary", canary);
        return body;
    }

    @Test
    void aRequestedCanaryIsSentBetweenInstallAndFlipWithItsPortAndWindowAndTheCutoverGoesGreen() {
        String leaseId = lease("hk-canary");
        String id = given().contentType(ContentType.JSON).body(withCanary(leaseId, Map.of("port", 19500, "seconds", 12)))
                .post("/api/v1/cutovers").then().statusCode(201).extract().path("id");
        awaitState(id, "GREEN");
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getString("steps.find { it.kind == 'UNFREEZE' }.outcome"))
                .isEqualTo("SUCCEEDED"));
        JsonPath c = cutover(id);

        assertThat(c.getList("steps.kind", String.class)).containsExactly("INVENTORY", "FREEZE", "SNAPSHOT",
                "INSTALL_CANDIDATE", "PARALLEL_RUN", "FLIP_PLIST", "RELOAD", "VALIDATE", "COMMUNICATE", "UNFREEZE");
        assertThat(c.getInt("canary.port")).isEqualTo(19500);
        assertThat(c.getInt("canary.seconds")).isEqualTo(12);
        List<StepKind> sent = Fixtures.worker().commandsFor(id).stream().map(RunStep::kind).toList();
        assertThat(sent.indexOf(StepKind.PARALLEL_RUN)).isEqualTo(sent.indexOf(StepKind.INSTALL_CANDIDATE) + 1)
                .isEqualTo(sent.indexOf(StepKind.FLIP_PLIST) - 1);
        RunStep canary = Fixtures.worker().commandsFor(id).stream().filter(r -> r.kind() == StepKind.PARALLEL_RUN)
                .findFirst().orElseThrow();
        assertThat(canary.command()).isEqualTo(new StepCommand.ParallelRun("2026.9.6",
                new com.maclogin.cutover.contracts.CanaryPlan(19500, 12), null));
        // the deadline covers the window plus start and stop
        assertThat(Duration.between(canary.timestamp(), canary.deadline())).isGreaterThan(Duration.ofSeconds(12 + 180));
        assertThat(c.getList("audit.detail", String.class)).anyMatch(d -> d.contains("canary on port 19500 for 12 s"));
    }

    @Test
    void withoutACanaryNoParallelRunIsSent() {
        String leaseId = lease("hk-nocanary");
        String id = start(leaseId);
        awaitState(id, "GREEN");
        assertThat(Fixtures.worker().commandsFor(id)).extracting(RunStep::kind).doesNotContain(StepKind.PARALLEL_RUN);
        assertThat(cutover(id).getMap("canary")).isNull();
    }

    @Test
    void aFailedCanaryFailsTheCutoverBeforeTheFlipAndLiftsTheFreeze() {
        String leaseId = lease("hk-canary-bad");
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() == StepKind.PARALLEL_RUN
                ? FakeWorker.result(cmd, StepOutcome.FAILED, "canary on port 19500: /readyz answered 503 during the canary window", Map.of())
                : FakeWorker.succeed(cmd));
        String id = given().contentType(ContentType.JSON).body(withCanary(leaseId, Map.of("port", 19500)))
                .post("/api/v1/cutovers").then().statusCode(201).extract().path("id");
        JsonPath c = awaitState(id, "FAILED");
        assertThat(c.getString("reason")).contains("PARALLEL_RUN", "/readyz answered 503");
        assertThat(c.getInt("canary.seconds")).as("default window").isEqualTo(30);
        awaitCommand(id, StepKind.UNFREEZE);
        assertThat(Fixtures.worker().commandsFor(id)).extracting(RunStep::kind)
                .doesNotContain(StepKind.FLIP_PLIST, StepKind.RELOAD, StepKind.VALIDATE);
        assertThat(rollbacks(id)).isEmpty();
    }

    @Test
    void badCanaryPortsAndWindowsAreA400NamingTheField() {
        String leaseId = lease("hk-canary-400");
        Object[][] cases = {
                {Map.of("port", 8080), "canary.port", "outside the allowed range 18000-29999"},
                {Map.of("port", 18789), "canary.port", "is the lease's gateway port"},
                {Map.of("port", 18850), "canary.port", "within 120 of the lease's gateway port 18789"},
                {Map.of("seconds", 10), "canary.port", "canary.port is required"},
                {Map.of("port", 19500, "seconds", 0), "canary.seconds", "must be 1-600"},
                {Map.of("port", 19500, "seconds", 601), "canary.seconds", "must be 1-600"},
        };
        for (Object[] k : cases) {
            given().contentType(ContentType.JSON).body(withCanary(leaseId, k[0])).post("/api/v1/cutovers")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("field", equalTo(k[1])).body("detail", containsString((String) k[2]));
        }
        given().get("/api/v1/cutovers?lease=" + leaseId).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void theStartRequestsTraceIsCarriedOnByTheCutoversEventsAlthoughTheWorkersRepliesCarryNoTraceHeader() {
        String leaseId = lease("hk-trace");
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String id = given().contentType(ContentType.JSON).header("X-Operator", "ada")
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .body(Fixtures.cutoverBody(leaseId)).post("/api/v1/cutovers").then().statusCode(201).extract().path("id");
        awaitState(id, "GREEN");
        // CUTOVER_STARTED and CUTOVER_GREEN are written while the fake worker's header-less results are handled (a
        // trace of their own): the saga continues the cutover's stored trace for them
        List<TopicRecorder.Received> events = await().atMost(WAIT).until(() -> Fixtures.recorder().on(Topics.EVENTS)
                .stream().filter(r -> r.value().contains(id)).toList(), l -> l.size() >= 2);
        assertThat(events).extracting(r -> Json.read(r.value(), CutoverEvent.class).type())
                .contains(CutoverEventType.CUTOVER_STARTED, CutoverEventType.CUTOVER_GREEN);
        assertThat(events).allSatisfy(r -> assertThat(r.traceparent()).startsWith("00-" + traceId + "-"));
    }

    @Test
    void happyPathRunsEveryStepToGreenAndAnnouncesStartAndGreen() {
        String leaseId = lease("hk-green");
        String id = start(leaseId);
        JsonPath c = awaitState(id, "GREEN");
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getString("steps.find { it.kind == 'UNFREEZE' }.outcome"))
                .isEqualTo("SUCCEEDED"));
        c = cutover(id);

        assertThat(c.getList("steps.kind", String.class)).containsExactly("INVENTORY", "FREEZE", "SNAPSHOT",
                "INSTALL_CANDIDATE", "FLIP_PLIST", "RELOAD", "VALIDATE", "COMMUNICATE", "UNFREEZE");
        assertThat(c.getList("steps.outcome", String.class)).containsOnly("SUCCEEDED");
        assertThat(c.getString("previousVersion")).isEqualTo("2026.9.5");
        assertThat(c.getString("rollbackOwner")).isEqualTo("ada");
        assertThat(c.getString("requestedBy")).isEqualTo("ada");
        assertThat(c.getLong("epoch")).isEqualTo(1);
        assertThat(c.getString("endedAt")).isNotNull();
        assertThat(c.getString("steps[0].facts.plistSha256")).isEqualTo(FakeWorker.HASH_PLIST);
        assertThat(c.getList("steps[0].evidence.name", String.class)).contains("gate:NODE_MAJOR_LOCK", "gate:PORT_MAP",
                "gate:ARTIFACT_HASHES", "gate:OPERATOR_ROSTER", "gate:DISK");
        assertThat(c.getList("audit.action", String.class)).contains("CUTOVER_REQUESTED", "GATE", "STEP_SENT", "STEP_RESULT");

        List<RunStep> cmds = Fixtures.worker().commandsFor(id);
        RunStep freeze = cmds.stream().filter(r -> r.kind() == StepKind.FREEZE).findFirst().orElseThrow();
        assertThat(freeze.command(StepCommand.Freeze.class).tag()).isEqualTo("oc-cutover-"
                + DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC).format(Instant.parse(c.getString("createdAt"))));
        assertThat(freeze.command(StepCommand.Freeze.class).ticketId()).isEqualTo("CHG-4711");
        assertThat(freeze.target().hostKey()).isEqualTo(Fixtures.HOST_KEY);
        assertThat(freeze.idempotencyKey()).isEqualTo(id + ":FREEZE:1");
        assertThat(freeze.replyTo()).isEqualTo(Topics.STEP_RESULTS);
        RunStep validate = cmds.stream().filter(r -> r.kind() == StepKind.VALIDATE).findFirst().orElseThrow();
        assertThat(validate.command(StepCommand.Validate.class).validationSeconds()).isEqualTo(2);
        assertThat(validate.command(StepCommand.Validate.class).probeIntervalMillis()).isEqualTo(500);
        assertThat(validate.command(StepCommand.Validate.class).previousVersion()).isEqualTo("2026.9.5");
        assertThat(Duration.between(validate.timestamp(), validate.deadline())).isEqualTo(Duration.ofSeconds(32));

        await().atMost(WAIT).untilAsserted(() -> assertThat(events(id)).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.CUTOVER_STARTED, CutoverEventType.CUTOVER_GREEN));
        CutoverEvent green = events(id).get(1);
        assertThat(green.channels()).containsExactly("#ops-hk", "telegram:-100123");
        assertThat(green.previousVersion()).isEqualTo("2026.9.5");
        assertThat(green.candidateVersion()).isEqualTo("2026.9.6");
        assertThat(green.rollbackOwner()).isEqualTo("ada");
        assertThat(green.ticketId()).isEqualTo("CHG-4711");
        assertThat(green.startedAt()).isNotNull();
        assertThat(green.endedAt()).isNotNull();
        assertThat(Fixtures.recorder().on(Topics.EVENTS).stream().filter(r -> r.value().contains(id)))
                .allMatch(r -> r.key().equals(leaseId));

        given().queryParam("lease", leaseId).queryParam("state", "GREEN").get("/api/v1/cutovers")
                .then().statusCode(200).body("size()", equalTo(1)).body("[0].id", equalTo(id));
        given().get("/q/metrics").then().statusCode(200).body(containsString("orchestrator_step_round_trip"))
                // dispatch -> result histogram, observed for this cutover's steps (an SLO bucket line per kind)
                .body(containsString("cutover_step_duration_seconds_bucket{kind=\"INVENTORY\",le=\"1800.0\"}"))
                .body(org.hamcrest.Matchers.not(containsString(
                        "cutover_step_duration_seconds_count{kind=\"INVENTORY\"} 0.0")));
    }

    /** sha256 of openclaw-2026.9.6.tgz as the fake worker's "npm pack" produces it. */
    static final String TARBALL = "5a".repeat(32);

    /** A worker that checks INSTALL_CANDIDATE's tarball hash like probe-service does: another hash fails the step. */
    static void tarballCheckingWorker(String leaseId) {
        Fixtures.worker().script(leaseId, cmd -> {
            if (cmd.kind() != StepKind.INSTALL_CANDIDATE) {
                return FakeWorker.succeed(cmd);
            }
            String expected = cmd.command(StepCommand.InstallCandidate.class).tarballSha256();
            if (!TARBALL.equals(expected)) {
                return FakeWorker.result(cmd, StepOutcome.FAILED, "candidate tarball /Users/gw/.openclaw-cutover/"
                        + cmd.cutoverId() + "/openclaw-2026.9.6.tgz hashes to " + TARBALL + ", expected " + expected
                        + "; nothing installed", Map.of("candidateTarballSha256", TARBALL));
            }
            return FakeWorker.result(cmd, StepOutcome.SUCCEEDED, null, Map.of("candidateTarballSha256", TARBALL,
                    "candidateEnginesNode", ">=22.12.0"));
        });
    }

    static String startWithTarball(String leaseId, String sha256) {
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(leaseId));
        body.put("candidateSha256", sha256);
        return given().contentType(ContentType.JSON).header("X-Operator", "ada").body(body)
                .post("/api/v1/cutovers").then().statusCode(201).extract().path("id");
    }

    @Test
    void aTarballHashMismatchFailsTheCutoverAtInstallBeforeTheFlipAndLiftsTheFreeze() {
        String leaseId = lease("hk-tgz-bad");
        tarballCheckingWorker(leaseId);
        String wrong = "0f".repeat(32);
        String id = startWithTarball(leaseId, wrong);

        JsonPath c = awaitState(id, "FAILED");
        assertThat(c.getString("candidateSha256")).isEqualTo(wrong);
        assertThat(c.getString("reason")).contains("INSTALL_CANDIDATE FAILED").contains("hashes to " + TARBALL)
                .contains("expected " + wrong);
        awaitCommand(id, StepKind.UNFREEZE);
        List<RunStep> cmds = Fixtures.worker().commandsFor(id);
        assertThat(cmds).extracting(RunStep::kind).containsExactly(StepKind.INVENTORY, StepKind.FREEZE,
                StepKind.SNAPSHOT, StepKind.INSTALL_CANDIDATE, StepKind.UNFREEZE);
        assertThat(cmds.get(3).command()).isEqualTo(new StepCommand.InstallCandidate("2026.9.6", wrong));
        assertThat(rollbacks(id)).isEmpty();
        assertThat(c.getList("audit.detail", String.class))
                .anyMatch(d -> d.contains("tarball sha256 " + wrong));
    }

    @Test
    void aMatchingTarballHashIsSentToInstallCandidateAndTheCutoverGoesGreen() {
        String leaseId = lease("hk-tgz-ok");
        tarballCheckingWorker(leaseId);
        String id = startWithTarball(leaseId, TARBALL);

        JsonPath c = awaitState(id, "GREEN");
        assertThat(c.getString("candidateSha256")).isEqualTo(TARBALL);
        assertThat(c.getString("steps.find { it.kind == 'INSTALL_CANDIDATE' }.facts.candidateTarballSha256"))
                .isEqualTo(TARBALL);
        RunStep install = Fixtures.worker().commandsFor(id).stream()
                .filter(r -> r.kind() == StepKind.INSTALL_CANDIDATE).findFirst().orElseThrow();
        assertThat(install.command()).isEqualTo(new StepCommand.InstallCandidate("2026.9.6", TARBALL));
    }

    @Test
    void gateRefusalFailsTheCutoverWithTheReasonAndSendsNoFreeze() {
        String leaseId = lease("hk-gate");
        Fixtures.worker().script(leaseId, cmd -> {
            Map<String, String> facts = new HashMap<>(FakeWorker.inventoryFacts());
            facts.put("diskFreePercent", "4");
            facts.put("listeningPid", "999");
            return FakeWorker.result(cmd, StepOutcome.SUCCEEDED, null, facts);
        });
        String id = start(leaseId);
        JsonPath c = awaitState(id, "FAILED");
        assertThat(c.getString("reason")).contains("inventory gates refused").contains("DISK").contains("PORT_MAP");
        assertThat(c.getString("endedAt")).isNotNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(id)).extracting(CutoverEvent::type)
                .containsExactly(CutoverEventType.CUTOVER_FAILED));
        assertThat(Fixtures.worker().commandsFor(id)).extracting(RunStep::kind).containsExactly(StepKind.INVENTORY);
    }

    @Test
    void operatorRollbackFencesTheStepInFlightAndRolledBackEventEndsIt() throws Exception {
        String leaseId = lease("hk-rb");
        hold(leaseId, StepKind.VALIDATE);
        String id = start(leaseId);
        awaitState(id, "VALIDATING");
        awaitCommand(id, StepKind.VALIDATE);

        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "error rate above 5%"))
                .post("/api/v1/cutovers/" + id + "/rollback")
                .then().statusCode(202).body("state", equalTo("ROLLING_BACK")).body("epoch", equalTo(2));

        await().atMost(WAIT).until(() -> !rollbacks(id).isEmpty());
        RollbackRequested rr = rollbacks(id).get(0);
        assertThat(rr.expectedSha256()).containsExactlyInAnyOrderEntriesOf(Map.of("plist", FakeWorker.HASH_PLIST,
                "package", FakeWorker.HASH_PACKAGE, "state", FakeWorker.HASH_STATE));
        // the VALIDATE in flight carried the same three hashes (a worker-raised breach restores with them)
        assertThat(Fixtures.worker().commandsFor(id)).filteredOn(cmd -> cmd.kind() == StepKind.VALIDATE).isNotEmpty()
                .allSatisfy(cmd -> assertThat(cmd.command(StepCommand.Validate.class).expectedSha256())
                        .containsEntry("state", FakeWorker.HASH_STATE));
        assertThat(rr.epoch()).isEqualTo(2);
        assertThat(rr.requestedBy()).isEqualTo("ada");
        assertThat(rr.reason()).isEqualTo("error rate above 5%");
        assertThat(rr.previousVersion()).isEqualTo("2026.9.5");
        assertThat(rr.candidateVersion()).isEqualTo("2026.9.6");
        assertThat(rr.rollbackOwner()).isEqualTo("ada");
        assertThat(rr.ticketId()).isEqualTo("CHG-4711");
        assertThat(rr.target().host()).isEqualTo("10.0.0.7");
        // rollback-service's own record: armed at epoch 1 when SNAPSHOT recorded the hashes (before the flip was
        // sent), armed again at epoch 2 before the request, each with what the restore needs
        List<RollbackRequested> all = requestsAndRecords(id);
        assertThat(all).extracting(r -> r.arms() + "@" + r.epoch()).containsExactly("true@1", "true@2", "false@2");
        assertThat(all.get(0)).satisfies(armed -> {
            assertThat(armed.expectedSha256()).isEqualTo(rr.expectedSha256());
            assertThat(armed.previousVersion()).isEqualTo("2026.9.5");
            assertThat(armed.candidateVersion()).isEqualTo("2026.9.6");
            assertThat(armed.ticketId()).isEqualTo("CHG-4711");
            assertThat(armed.rollbackOwner()).isEqualTo("ada");
        });

        // a late VALIDATE result of epoch 1 is refused and recorded
        RunStep validate = Fixtures.worker().commandsFor(id).stream().filter(r -> r.kind() == StepKind.VALIDATE).findFirst().orElseThrow();
        Fixtures.worker().publish(FakeWorker.result(validate, StepOutcome.SUCCEEDED, null, Map.of()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(cutover(id).getList("audit.action", String.class)).contains("RESULT_REFUSED"));
        assertThat(cutover(id).getString("state")).isEqualTo("ROLLING_BACK");

        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "again"))
                .post("/api/v1/cutovers/" + id + "/rollback").then().statusCode(409).contentType("application/problem+json");

        publishEvent(new CutoverEvent(UUID.randomUUID().toString(), id, leaseId, Instant.now(), CutoverMessage.SCHEMA_VERSION,
                2, CutoverEventType.ROLLED_BACK, rr.target().region(), rr.ticketId(), rr.previousVersion(), rr.candidateVersion(),
                rr.rollbackOwner(), List.of(), Instant.now(), Instant.now(), "restored 2026.9.5, hashes verified"));
        JsonPath done = awaitState(id, "ROLLED_BACK");
        assertThat(done.getString("endedAt")).isNotNull();
        assertThat(done.getList("audit.action", String.class)).contains("ROLLBACK_REQUESTED", "ROLLBACK_OUTCOME");
    }

    @Test
    void aStepFailingAfterTheFlipStartsAnAutomaticRollback() {
        String leaseId = lease("hk-auto");
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() == StepKind.RELOAD
                ? FakeWorker.result(cmd, StepOutcome.FAILED, "stack trace in the first 200 log lines", Map.of())
                : FakeWorker.succeed(cmd));
        String id = start(leaseId);
        JsonPath c = awaitState(id, "ROLLING_BACK");
        assertThat(c.getString("reason")).contains("RELOAD").contains("stack trace");
        await().atMost(WAIT).until(() -> !rollbacks(id).isEmpty());
        assertThat(rollbacks(id).get(0).requestedBy()).isEqualTo("orchestrator");
        assertThat(rollbacks(id).get(0).reason()).contains("RELOAD FAILED");
    }

    @Test
    void abortBeforeTheFlipUnfreezesAndAbortAfterTheFlipSaysUseRollback() {
        String before = lease("hk-abort");
        hold(before, StepKind.SNAPSHOT);
        String id = start(before);
        awaitCommand(id, StepKind.SNAPSHOT);
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "grace", "reason", "customer demo moved"))
                .post("/api/v1/cutovers/" + id + "/abort").then().statusCode(200).body("state", equalTo("ABORTED"));
        awaitCommand(id, StepKind.UNFREEZE);
        RunStep unfreeze = Fixtures.worker().commandsFor(id).stream().filter(r -> r.kind() == StepKind.UNFREEZE).findFirst().orElseThrow();
        assertThat(unfreeze.epoch()).isEqualTo(2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(id)).extracting(CutoverEvent::type)
                .contains(CutoverEventType.CUTOVER_ABORTED));

        String after = lease("hk-abort2");
        hold(after, StepKind.RELOAD);
        String id2 = start(after);
        awaitCommand(id2, StepKind.RELOAD);
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "grace", "reason", "too late"))
                .post("/api/v1/cutovers/" + id2 + "/abort").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("use rollback"));
    }

    @Test
    void anOverdueStepTimesOutAndFailsTheCutoverBeforeTheFlip() {
        String leaseId = lease("hk-slow");
        hold(leaseId, StepKind.INSTALL_CANDIDATE);
        String id = start(leaseId);
        JsonPath c = awaitState(id, "FAILED");
        assertThat(c.getString("reason")).contains("INSTALL_CANDIDATE TIMED_OUT");
        assertThat(c.getString("steps.find { it.kind == 'INSTALL_CANDIDATE' }.outcome")).isEqualTo("TIMED_OUT");
        awaitCommand(id, StepKind.UNFREEZE);
    }

    @Test
    void fiftyConcurrentStartsOnOneLeaseGiveExactlyOneCutover() throws Exception {
        String leaseId = lease("hk-race");
        hold(leaseId, StepKind.INVENTORY);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(() -> given().contentType(ContentType.JSON).body(Fixtures.cutoverBody(leaseId)).post("/api/v1/cutovers"));
            }
            List<Integer> codes = new ArrayList<>();
            List<String> details = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                Response r = f.get();
                codes.add(r.statusCode());
                if (r.statusCode() == 409) {
                    details.add(r.jsonPath().getString("detail"));
                }
            }
            assertThat(codes).filteredOn(c -> c == 201).hasSize(1);
            assertThat(codes).filteredOn(c -> c == 409).hasSize(49);
            String winner = given().queryParam("lease", leaseId).get("/api/v1/cutovers").then().extract().path("[0].id");
            assertThat(details).allMatch(d -> d.equals("lease " + leaseId + " already has active cutover " + winner));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idempotencyKeyReplayReturnsTheSameCutoverAndADifferentBodyConflicts() {
        String leaseId = lease("hk-idem");
        hold(leaseId, StepKind.INVENTORY);
        String key = "req-" + UUID.randomUUID();
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Fixtures.cutoverBody(leaseId))
                .post("/api/v1/cutovers").then().statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Fixtures.cutoverBody(leaseId))
                .post("/api/v1/cutovers").then().statusCode(200).body("id", equalTo(first));
        Map<String, Object> other = new HashMap<>(Fixtures.cutoverBody(leaseId));
        other.put("candidateVersion", "2026.9.7");
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(other)
                .post("/api/v1/cutovers").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("Idempotency-Key"));
        assertThat(Fixtures.worker().commandsFor(first)).hasSizeLessThanOrEqualTo(1);
    }

    static void publishEvent(CutoverEvent e) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(Topics.EVENTS, e.leaseId(), Json.write(e))).get();
        }
    }
}
