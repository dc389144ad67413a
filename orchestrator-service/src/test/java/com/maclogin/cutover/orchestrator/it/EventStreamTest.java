package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live event stream (SSE) over real HTTP, served from the event log that the saga, the probe-result handling and
 * the audit trail append to in their own transactions (real broker, real PostgreSQL, the fake worker).
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventStreamTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    static Predicate<SseClient.Event> state(String to) {
        return e -> e.type().equals("CUTOVER_STATE") && to.equals(e.data().get("to"));
    }

    /** The events up to and including the first that matches (a stream may have delivered more by the time it is read). */
    static List<Long> idsUpTo(List<SseClient.Event> events, Predicate<SseClient.Event> last) {
        List<Long> ids = new ArrayList<>();
        for (SseClient.Event e : events) {
            ids.add(e.id());
            if (last.test(e)) {
                break;
            }
        }
        return ids;
    }

    /** Holds VALIDATE, publishes two full probe rounds (5 layers, no TLS) and one partial third, then answers it. */
    static RunStep validateWithRounds(String cutoverId, String leaseId) {
        CutoverFlowTest.awaitCommand(cutoverId, StepKind.VALIDATE);
        RunStep validate = Fixtures.worker().commandsFor(cutoverId).stream().filter(c -> c.kind() == StepKind.VALIDATE)
                .findFirst().orElseThrow();
        Instant t0 = Instant.now();
        for (int round = 1; round <= 2; round++) {
            for (ProbeLayer layer : List.of(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION,
                    ProbeLayer.INTEGRATION, ProbeLayer.DISK)) {
                Map<String, String> observed = switch (layer) {
                    case PROCESS -> Map.of("runs", String.valueOf(round), "state", "running", "lastExitCode", "0");
                    case DISK -> Map.of("diskFreePercent", round == 1 ? "41.5" : "40.0");
                    default -> Map.of();
                };
                Fixtures.worker().publish(Topics.PROBE_RESULTS, leaseId, new ProbeResult(UUID.randomUUID().toString(),
                        cutoverId, leaseId, t0.plusSeconds(round), CutoverMessage.SCHEMA_VERSION, validate.epoch(),
                        validate.messageId(), round, layer,
                        layer == ProbeLayer.INTEGRATION && round == 2 ? Verdict.FAILED : Verdict.PASSED,
                        layer == ProbeLayer.INTEGRATION ? 100L * round : null, "round " + round, observed));
            }
        }
        return validate;
    }

    @Test
    void aCutoverStreamShowsStateStepAndProbeRoundEventsInOrderWithTheTriggerNumbers() {
        String leaseId = CutoverFlowTest.lease("hk-sse");
        CutoverFlowTest.hold(leaseId, StepKind.VALIDATE);
        String id = CutoverFlowTest.start(leaseId);
        try (SseClient sse = SseClient.open("/api/v1/cutovers/" + id + "/events", Fixtures.OPERATOR_TOKEN, null)) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(sse.contentType).startsWith("text/event-stream");
            RunStep validate = validateWithRounds(id, leaseId);
            sse.awaitEvent(e -> e.type().equals("PROBE_ROUND") && Integer.valueOf(2).equals(e.data().get("round")), WAIT);
            Fixtures.worker().publish(com.maclogin.cutover.orchestrator.it.FakeWorker.succeed(validate));
            List<SseClient.Event> events = sse.awaitEvent(state("GREEN"), WAIT);

            List<Long> ids = events.stream().map(SseClient.Event::id).toList();
            assertThat(ids).as("event ids grow").isSorted().doesNotHaveDuplicates();
            assertThat(events).allSatisfy(e -> {
                assertThat(e.data().get("cutoverId")).isEqualTo(id);
                assertThat(e.data().get("leaseId")).isEqualTo(leaseId);
                assertThat(e.data().get("region")).isEqualTo("HK");
                assertThat(e.data().get("type")).isEqualTo(e.type());
                assertThat(((Number) e.data().get("id")).longValue()).isEqualTo(e.id());
            });
            List<String> story = events.stream().map(e -> switch (e.type()) {
                case "CUTOVER_STATE" -> "state " + e.data().get("to");
                case "STEP_STARTED" -> "start " + e.data().get("step");
                case "STEP_ENDED" -> "end " + e.data().get("step") + " " + e.data().get("outcome");
                case "PROBE_ROUND" -> "round " + e.data().get("round");
                case "OPERATOR_ACTION" -> "operator " + e.data().get("action");
                default -> e.type();
            }).toList();
            assertThat(story).containsSubsequence("state PENDING", "operator CUTOVER_REQUESTED", "start INVENTORY",
                    "end INVENTORY SUCCEEDED", "state RUNNING", "start FREEZE", "end FREEZE SUCCEEDED", "start SNAPSHOT",
                    "start FLIP_PLIST", "start RELOAD", "state VALIDATING", "start VALIDATE", "round 1", "round 2",
                    "end VALIDATE SUCCEEDED", "state GREEN");
            assertThat(story).contains("end COMMUNICATE SUCCEEDED");
            assertThat(story).filteredOn(s -> s.startsWith("round")).as("one roll-up per round, not per probe")
                    .containsExactly("round 1", "round 2");

            Map<String, Object> round2 = events.stream().filter(e -> e.type().equals("PROBE_ROUND"))
                    .map(SseClient.Event::data).filter(d -> Integer.valueOf(2).equals(d.get("round"))).findFirst().orElseThrow();
            assertThat(round2).containsEntry("verdicts", Map.of("PASSED", 4, "FAILED", 1))
                    .containsEntry("integrationP95Millis", 200)
                    .containsEntry("baselineP95Millis", 180.0)
                    .containsEntry("latencyLimitMillis", 1000.0)
                    .containsEntry("syntheticFailurePercent", 50.0)
                    .containsEntry("errorRatePercentMax", 5.0)
                    .containsEntry("crashes", 1)
                    .containsEntry("crashCount", 3)
                    .containsEntry("diskFreePercent", 40.0)
                    .containsEntry("diskFreeMinPercent", 10.0);
            Map<String, Object> endInventory = events.stream().filter(e -> e.type().equals("STEP_ENDED")
                    && "INVENTORY".equals(e.data().get("step"))).findFirst().orElseThrow().data();
            assertThat(endInventory).containsEntry("durationMillis", 3).containsKey("elapsedMillis")
                    .containsEntry("evidence", List.of("inventory"));
        }
    }

    @Test
    void reconnectingWithLastEventIdGetsExactlyTheMissedEventsNoneTwice() {
        String leaseId = CutoverFlowTest.lease("hk-sse-resume");
        CutoverFlowTest.hold(leaseId, StepKind.VALIDATE);
        String id = CutoverFlowTest.start(leaseId);
        List<SseClient.Event> first;
        try (SseClient sse = SseClient.open("/api/v1/cutovers/" + id + "/events", Fixtures.OPERATOR_TOKEN, null)) {
            first = sse.awaitEvent(e -> e.type().equals("STEP_ENDED") && "FREEZE".equals(e.data().get("step")), WAIT);
        }
        // the cutover carries on while nobody listens
        RunStep validate = validateWithRounds(id, leaseId);
        Fixtures.worker().publish(FakeWorker.succeed(validate));
        CutoverFlowTest.awaitState(id, "GREEN");
        long last = first.get(first.size() - 1).id();

        List<SseClient.Event> resumed;
        try (SseClient sse = SseClient.open("/api/v1/cutovers/" + id + "/events", Fixtures.OPERATOR_TOKEN,
                Long.toString(last))) {
            resumed = sse.awaitEvent(state("GREEN"), WAIT);
        }
        List<SseClient.Event> whole;
        try (SseClient sse = SseClient.open("/api/v1/cutovers/" + id + "/events", Fixtures.VIEWER_TOKEN, null)) {
            whole = sse.awaitEvent(state("GREEN"), WAIT);
        }
        List<Long> joined = new ArrayList<>(first.stream().map(SseClient.Event::id).toList());
        joined.addAll(idsUpTo(resumed, state("GREEN")));
        assertThat(resumed).isNotEmpty().allSatisfy(e -> assertThat(e.id()).isGreaterThan(last));
        assertThat(joined).doesNotHaveDuplicates().isEqualTo(idsUpTo(whole, state("GREEN")));

        // ?after= for clients that cannot set headers: the same events
        try (SseClient sse = SseClient.open("/api/v1/cutovers/" + id + "/events?after=" + last, Fixtures.VIEWER_TOKEN, null)) {
            assertThat(idsUpTo(sse.awaitEvent(state("GREEN"), WAIT), state("GREEN")))
                    .isEqualTo(idsUpTo(resumed, state("GREEN")));
        }
    }

    @Test
    void aViewerTokenMayStreamWithoutATokenIt401sAndBadIdsAreClearProblems() {
        String leaseId = CutoverFlowTest.lease("hk-sse-auth");
        String id = CutoverFlowTest.start(leaseId);
        try (SseClient viewer = SseClient.open("/api/v1/cutovers/" + id + "/events", Fixtures.VIEWER_TOKEN, null)) {
            assertThat(viewer.status).isEqualTo(200);
            viewer.awaitEvent(e -> e.type().equals("OPERATOR_ACTION"), WAIT);
        }
        try (SseClient none = SseClient.open("/api/v1/events", null, null)) {
            assertThat(none.status).isEqualTo(401);
            assertThat(none.contentType).startsWith("application/problem+json");
        }
        try (SseClient unknown = SseClient.open("/api/v1/cutovers/no-such-cutover/events", Fixtures.VIEWER_TOKEN, null)) {
            assertThat(unknown.status).isEqualTo(404);
            assertThat(unknown.body).contains("cutover no-such-cutover not found");
        }
        try (SseClient unknown = SseClient.open("/api/v1/fleet-cutovers/no-such-fleet/events", Fixtures.VIEWER_TOKEN, null)) {
            assertThat(unknown.status).isEqualTo(404);
        }
        try (SseClient bad = SseClient.open("/api/v1/cutovers/" + id + "/events", Fixtures.VIEWER_TOKEN, "12x")) {
            assertThat(bad.status).isEqualTo(400);
            assertThat(bad.body).contains("Last-Event-ID");
        }
        given().header("Authorization", "Bearer " + Fixtures.VIEWER_TOKEN).get("/api/v1/me").then().statusCode(200)
                .contentType(ContentType.JSON).body("name", org.hamcrest.Matchers.equalTo("victor"))
                .body("role", org.hamcrest.Matchers.equalTo("VIEWER"));
        given().get("/api/v1/me").then().statusCode(200).body("role", org.hamcrest.Matchers.equalTo("OPERATOR"));
        given().header("Authorization", "Bearer nope").get("/api/v1/me").then().statusCode(401);
    }

    @Test
    void theGlobalStreamCarriesEveryCutoverAndTheFleetStreamOnlyItsOwnWavesAndCutovers() {
        try (SseClient global = SseClient.open("/api/v1/events", Fixtures.VIEWER_TOKEN, null)) {
            assertThat(global.status).isEqualTo(200);
            await().atMost(WAIT).until(() -> !global.comments.isEmpty()); // the stream is open (first comment)
            String single = CutoverFlowTest.start(CutoverFlowTest.lease("hk-sse-single"));
            CutoverFlowTest.awaitState(single, "GREEN");

            String r = FleetFlowTest.rnd();
            String s1 = FleetFlowTest.lease("sse-" + r + "-jp-s1", Region.JP, "STAGING", null);
            String p1 = FleetFlowTest.lease("sse-" + r + "-jp-p1", Region.JP, "PRODUCTION", null);
            String fleet = FleetFlowTest.start(FleetFlowTest.body("2026.12.1", FleetFlowTest.ids(List.of(s1, p1)),
                    FleetFlowTest.plan("canary", Map.of("count", 1, "bakeSeconds", 1), "regionOrder", List.of("JP"),
                            "maxParallel", 2, "bakeSeconds", 1, "autoPromote", true)));
            FleetFlowTest.awaitFleet(fleet, "DONE");

            List<SseClient.Event> all = global.awaitEvent(e -> "FLEET_ENDED".equals(e.type()) && fleet.equals(e.data().get("fleetId")), WAIT);
            assertThat(all).anyMatch(e -> single.equals(e.data().get("cutoverId")));
            assertThat(all).anyMatch(e -> fleet.equals(e.data().get("fleetId")) && e.data().get("cutoverId") != null);
            assertThat(all).extracting(SseClient.Event::id).isSorted().doesNotHaveDuplicates();

            try (SseClient fs = SseClient.open("/api/v1/fleet-cutovers/" + fleet + "/events", Fixtures.VIEWER_TOKEN, null)) {
                List<SseClient.Event> f = fs.awaitEvent(e -> "FLEET_ENDED".equals(e.type()), WAIT);
                assertThat(f).allSatisfy(e -> assertThat(e.data().get("fleetId")).isEqualTo(fleet));
                assertThat(f).extracting(SseClient.Event::type).contains("FLEET_STARTED", "WAVE_STARTED", "WAVE_ENDED",
                        "FLEET_STATE", "CUTOVER_STATE", "STEP_STARTED", "OPERATOR_ACTION");
                assertThat(new HashSet<>(f.stream().map(e -> (String) e.data().get("leaseId")).filter(java.util.Objects::nonNull)
                        .toList())).isSubsetOf(List.of(s1, p1));
                // the fleet's events in the global stream, in the same order with the same ids
                Predicate<SseClient.Event> ended = e -> "FLEET_ENDED".equals(e.type());
                assertThat(idsUpTo(f, ended)).isEqualTo(idsUpTo(all.stream()
                        .filter(e -> fleet.equals(e.data().get("fleetId"))).toList(), ended));
            }
            try (SseClient cs = SseClient.open("/api/v1/cutovers/" + single + "/events", Fixtures.VIEWER_TOKEN, null)) {
                List<SseClient.Event> c = cs.awaitEvent(state("GREEN"), WAIT);
                assertThat(c).allSatisfy(e -> assertThat(e.data().get("cutoverId")).isEqualTo(single));
                assertThat(idsUpTo(c, state("GREEN"))).isEqualTo(idsUpTo(all.stream()
                        .filter(e -> single.equals(e.data().get("cutoverId"))).toList(), state("GREEN")));
            }
        }
    }
}
