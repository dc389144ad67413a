package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.FleetEvent;
import com.maclogin.cutover.contracts.FleetEventType;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.orchestrator.service.FleetReconciler;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fleet cutovers end to end over the real broker and PostgreSQL: a fake worker answers every region's step commands,
 * a fake rollback-service answers this class's rollback requests, fleet.events are read back from the broker.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class FleetFlowTest {

    static final Duration WAIT = Duration.ofSeconds(150);
    static final String PREFIX = "fl";
    static FakeRollbackService rollbackService;
    static TopicRecorder fleetEvents;

    @Inject
    Scheduler scheduler;
    @Inject
    FleetReconciler reconciler;
    @Inject
    com.maclogin.cutover.orchestrator.service.FleetEngine engine;
    @Inject
    com.maclogin.cutover.orchestrator.repository.FleetRepository fleets;

    @BeforeAll
    static void setUp() {
        Fixtures.authenticate();
        Fixtures.worker();
        Fixtures.recorder();
        rollbackService = new FakeRollbackService(KafkaKraftResource.bootstrapServers(), PREFIX);
        fleetEvents = new TopicRecorder(KafkaKraftResource.bootstrapServers(), List.of(Topics.FLEET_EVENTS));
    }

    @AfterAll
    static void tearDown() {
        rollbackService.close();
        fleetEvents.close();
    }

    // ------------------------------------------------------------------ helpers

    static String rnd() {
        return UUID.randomUUID().toString().substring(0, 6);
    }

    static String lease(String id, Region region, String stage, Map<String, String> labels) {
        Map<String, Object> body = new HashMap<>(Map.of("id", id, "region", region.name(), "host", "10.0.1.7",
                "sshPort", 22, "sshUser", "openclaw", "hostKey", Fixtures.HOST_KEY, "gatewayPort", 18789, "stage", stage));
        if (labels != null) {
            body.put("labels", labels);
        }
        given().contentType(ContentType.JSON).body(body).post("/api/v1/leases").then().statusCode(201);
        return id;
    }

    /** Every region's window opened for the weekend and Friday afternoon: the tests run on any day. */
    static Map<String, Object> openWindows() {
        Map<String, Object> w = new LinkedHashMap<>();
        for (Region r : Region.values()) {
            w.put(r.name(), Map.of("allowFridayAfternoonAndWeekend", true));
        }
        return w;
    }

    static Map<String, Object> plan(Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("windows", openWindows());
        p.put("progressDeadlineSeconds", 120);
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return p;
    }

    static Map<String, Object> body(String version, Map<String, Object> selector, Map<String, Object> plan) {
        Map<String, Object> b = new HashMap<>(Fixtures.cutoverBody("x"));
        b.remove("leaseId");
        b.put("candidateVersion", version);
        b.put("selector", selector);
        b.put("plan", plan);
        return b;
    }

    static Map<String, Object> ids(List<String> ids) {
        return Map.of("leaseIds", ids);
    }

    static String start(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).header("X-Operator", "ada").body(body)
                .post("/api/v1/fleet-cutovers").then().statusCode(201)
                .header("Location", containsString("/api/v1/fleet-cutovers/")).extract().path("id");
    }

    static JsonPath fleet(String id) {
        return given().get("/api/v1/fleet-cutovers/" + id).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath awaitFleet(String id, String state) {
        AtomicReference<JsonPath> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonPath j = fleet(id);
            last.set(j);
            assertThat(j.getString("state")).as(j.prettify()).isEqualTo(state);
        });
        return last.get();
    }

    static JsonPath cutover(String id) {
        return given().get("/api/v1/cutovers/" + id).then().statusCode(200).extract().jsonPath();
    }

    static List<Map<String, Object>> cutoversOf(String leaseId) {
        return given().queryParam("lease", leaseId).get("/api/v1/cutovers").then().statusCode(200).extract().jsonPath()
                .getList("$");
    }

    static List<String> audit(String fleetId) {
        return given().get("/api/v1/fleet-cutovers/" + fleetId + "/audit").then().statusCode(200).extract().jsonPath()
                .getList("action", String.class);
    }

    static List<FleetEvent> events(String fleetId) {
        return fleetEvents.on(Topics.FLEET_EVENTS).stream().map(r -> Json.read(r.value(), FleetEvent.class))
                .filter(e -> e.fleetId().equals(fleetId)).toList();
    }

    /** VALIDATE of these leases fails as a crash loop would; everything else succeeds. */
    static void crashOnValidate(List<String> leaseIds) {
        for (String id : leaseIds) {
            Fixtures.worker().script(id, cmd -> cmd.kind() == StepKind.VALIDATE && !cmd.cutoverId().startsWith("ctl-")
                    ? FakeWorker.result(cmd, StepOutcome.FAILED, "CRASH_LOOP: 4 restarts in 60 s", Map.of())
                    : FakeWorker.succeed(cmd));
        }
    }

    static List<RunStep> commandsForLease(String leaseId) {
        return Fixtures.worker().received.stream().filter(c -> c.leaseId().equals(leaseId)).toList();
    }

    // ------------------------------------------------------------------ (a) everything GREEN

    @Test
    void twelveLeasesInThreeRegionsGoGreenWaveByWaveNeverMoreThanMaxParallelBetweenFlipAndGreen() {
        String r = rnd();
        List<String> all = new ArrayList<>();
        for (Region region : List.of(Region.JP, Region.KR, Region.SG)) {
            all.add(lease(PREFIX + "-a" + r + "-" + region.suffix() + "-s1", region, "STAGING", null));
            for (int i = 1; i <= 3; i++) {
                all.add(lease(PREFIX + "-a" + r + "-" + region.suffix() + "-p" + i, region, "PRODUCTION", null));
            }
        }
        String id = start(body("2026.11.1", ids(all), plan("canary", Map.of("count", 3, "onePerRegion", true,
                "bakeSeconds", 1), "regionOrder", List.of("JP", "KR", "SG"), "maxParallel", 2, "maxUnavailable", 2,
                "bakeSeconds", 1, "autoPromote", true)));

        JsonPath done = awaitFleet(id, "DONE");
        assertThat(done.getInt("counts.GREEN")).isEqualTo(12);
        assertThat(done.getList("waves.name", String.class)).containsExactly("staging", "canary", "JP", "KR", "SG");
        assertThat(done.getInt("budget.totalUsed")).isZero();

        // from the stored step timestamps: FLIP_PLIST sent .. GREEN (the cutover's end)
        List<Instant[]> spans = new ArrayList<>();
        Map<Integer, Instant> firstFlipOfWave = new HashMap<>();
        Map<Integer, Instant> lastGreenOfWave = new HashMap<>();
        for (Map<String, Object> l : done.<Map<String, Object>>getList("leases")) {
            JsonPath c = cutover((String) l.get("cutoverId"));
            assertThat(c.getString("state")).isEqualTo("GREEN");
            assertThat(c.getString("fleetId")).isEqualTo(id);
            int wave = c.getInt("wave");
            assertThat(wave).isEqualTo(l.get("wave"));
            Instant flip = Instant.parse(c.getString("steps.find { it.kind == 'FLIP_PLIST' }.startedAt"));
            Instant green = Instant.parse(c.getString("endedAt"));
            spans.add(new Instant[] {flip, green});
            firstFlipOfWave.merge(wave, flip, (a, b) -> a.isBefore(b) ? a : b);
            lastGreenOfWave.merge(wave, green, (a, b) -> a.isAfter(b) ? a : b);
        }
        int most = 0;
        for (Instant[] s : spans) {
            Instant t = s[0];
            int at = (int) spans.stream().filter(o -> !o[0].isAfter(t) && o[1].isAfter(t)).count();
            most = Math.max(most, at);
        }
        assertThat(most).as("leases between FLIP_PLIST and GREEN at once").isBetween(1, 2);
        for (int w = 1; w < 5; w++) {
            assertThat(firstFlipOfWave.get(w)).as("wave " + w + " starts after wave " + (w - 1) + " is GREEN")
                    .isAfter(lastGreenOfWave.get(w - 1));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<FleetEventType> types = events(id).stream().map(FleetEvent::type).toList();
            assertThat(types).startsWith(FleetEventType.FLEET_STARTED).endsWith(FleetEventType.FLEET_ENDED);
            assertThat(types.stream().filter(t -> t == FleetEventType.WAVE_STARTED)).hasSize(5);
            assertThat(types.stream().filter(t -> t == FleetEventType.WAVE_ENDED)).hasSize(5);
        });
        FleetEvent end = events(id).get(events(id).size() - 1);
        assertThat(end.counts()).containsEntry("GREEN", 12);
        assertThat(end.summary()).contains("12 GREEN", "rollback owner ada");
        String oneCutover = done.getString("leases[0].cutoverId");
        await().atMost(Duration.ofSeconds(10)).until(() -> Fixtures.recorder().on(Topics.EVENTS).stream()
                .map(e -> Json.read(e.value(), CutoverEvent.class)).anyMatch(e -> e.cutoverId().equals(oneCutover)
                        && id.equals(e.fleetId()) && Integer.valueOf(0).equals(e.wave())));
        assertThat(audit(id)).contains("FLEET_REQUESTED", "FLEET_STARTED", "WAVE_STARTED", "BAKE_STARTED",
                "WAVE_ENDED", "FLEET_DONE");
    }

    // ------------------------------------------------------------------ (b) canary breach

    @Test
    void aCrashLoopingCandidateBreachesTheCanaryWaveAndRollbackWaveRollsBackOnlyThatWave() {
        String r = rnd();
        String jpS = lease(PREFIX + "-b" + r + "-jp-s1", Region.JP, "STAGING", null);
        List<String> prod = new ArrayList<>();
        for (Region region : List.of(Region.JP, Region.KR)) {
            for (int i = 1; i <= 3; i++) {
                prod.add(lease(PREFIX + "-b" + r + "-" + region.suffix() + "-p" + i, region, "PRODUCTION", null));
            }
        }
        crashOnValidate(prod);
        List<String> all = new ArrayList<>(prod);
        all.add(jpS);
        String id = start(body("2026.11.2", ids(all), plan("canary", Map.of("count", 2, "onePerRegion", true,
                "bakeSeconds", 1), "regionOrder", List.of("JP", "KR"), "maxParallel", 2, "bakeSeconds", 1,
                "autoPromote", true, "onFailure", "rollbackWave", "controlChecks", false)));

        JsonPath f = awaitFleet(id, "ROLLED_BACK");
        List<String> canary = f.getList("waves.find { it.name == 'canary' }.leaseIds", String.class);
        assertThat(canary).hasSize(2);
        for (String c : canary) {
            assertThat(cutoversOf(c)).hasSize(1).first().satisfies(x -> assertThat(x.get("state")).isEqualTo("ROLLED_BACK"));
        }
        assertThat(f.getInt("budget.totalUsed")).isBetween(1, 2);
        for (String p : prod) {
            if (!canary.contains(p)) {
                assertThat(cutoversOf(p)).as("lease outside the canary wave: no cutover").isEmpty();
                assertThat(commandsForLease(p)).as("lease outside the canary wave: no command").isEmpty();
            }
        }
        assertThat(cutoversOf(jpS)).hasSize(1).first().satisfies(x -> assertThat(x.get("state")).isEqualTo("GREEN"));
        assertThat(rollbackService.answered).noneMatch(rr -> rr.leaseId().equals(jpS));
        assertThat(audit(id)).contains("LEASE_FAILED", "FLEET_HALTED", "FLEET_ROLLED_BACK");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(id)).extracting(FleetEvent::type)
                .contains(FleetEventType.LEASE_INCIDENT, FleetEventType.FLEET_HALTED, FleetEventType.FLEET_ENDED));
    }

    @Test
    void withOnFailureHaltTheFirstCanaryFailureStopsTheFleetAndNothingElseIsStartedOrRolledBack() {
        String r = rnd();
        String s = lease(PREFIX + "-h" + r + "-jp-s1", Region.JP, "STAGING", null);
        List<String> prod = List.of(lease(PREFIX + "-h" + r + "-jp-p1", Region.JP, "PRODUCTION", null),
                lease(PREFIX + "-h" + r + "-kr-p1", Region.KR, "PRODUCTION", null),
                lease(PREFIX + "-h" + r + "-kr-p2", Region.KR, "PRODUCTION", null));
        crashOnValidate(prod);
        List<String> all = new ArrayList<>(prod);
        all.add(s);
        String id = start(body("2026.11.3", ids(all), plan("canary", Map.of("count", 2, "onePerRegion", true,
                "bakeSeconds", 1), "regionOrder", List.of("JP", "KR"), "maxParallel", 1, "bakeSeconds", 1,
                "autoPromote", true, "onFailure", "halt", "controlChecks", false)));

        JsonPath f = awaitFleet(id, "HALTED");
        await().atMost(WAIT).untilAsserted(() -> assertThat(fleet(id).getInt("budget.totalUsed")).isEqualTo(1));
        assertThat(f.getInt("budget.totalAllowed")).isEqualTo(1);
        // the canary wave is jp-p1 then kr-p1, one at a time: jp-p1 failed, kr-p1 never started
        assertThat(cutoversOf(prod.get(0))).hasSize(1);
        assertThat(cutoversOf(prod.get(1))).isEmpty();
        assertThat(cutoversOf(prod.get(2))).isEmpty();
        assertThat(fleet(id).getList("leases.findAll { it.rollbackRequested }")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(id)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(FleetEventType.FLEET_HALTED);
            assertThat(e.state()).isEqualTo("HALTED");
            assertThat(e.reason()).contains("failure budget reached", "onFailure halt");
        }));
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "give up"))
                .post("/api/v1/fleet-cutovers/" + id + "/abort").then().statusCode(200);
    }

    // ------------------------------------------------------------------ (c) region told apart from the candidate

    @Test
    void aRegionWhoseControlLeasesFailTooIsPausedAloneNothingIsRolledBackForItAndTheOtherRegionFinishes() {
        String r = rnd();
        // control leases: untouched by the fleet, first by id in US
        List<String> controls = List.of(lease("a0" + r + "-us-c1", Region.US, "PRODUCTION", null),
                lease("a0" + r + "-us-c2", Region.US, "PRODUCTION", null));
        for (String c : controls) {
            Fixtures.worker().script(c, cmd -> FakeWorker.result(cmd, StepOutcome.FAILED,
                    "integration probe: connect timed out (region network)", Map.of()));
        }
        String s = lease(PREFIX + "-c" + r + "-sg-s1", Region.SG, "STAGING", null);
        List<String> us = List.of(lease(PREFIX + "-c" + r + "-us-p1", Region.US, "PRODUCTION", null),
                lease(PREFIX + "-c" + r + "-us-p2", Region.US, "PRODUCTION", null));
        List<String> sg = List.of(lease(PREFIX + "-c" + r + "-sg-p1", Region.SG, "PRODUCTION", null),
                lease(PREFIX + "-c" + r + "-sg-p2", Region.SG, "PRODUCTION", null));
        crashOnValidate(us);
        List<String> all = new ArrayList<>(us);
        all.addAll(sg);
        all.add(s);
        String id = start(body("2026.11.4", ids(all), plan("canary", Map.of("count", 0), "regionOrder",
                List.of("US", "SG"), "maxParallel", 1, "bakeSeconds", 0, "autoPromote", true, "onFailure", "rollbackAll",
                "continueOtherRegions", true)));

        JsonPath f = awaitFleet(id, "DONE");
        assertThat(f.getList("pausedRegions", String.class)).containsExactly("US");
        assertThat(f.getInt("budget.totalUsed")).isZero();
        assertThat(f.getString("leases.find { it.leaseId == '" + us.get(0) + "' }.outcome")).isEqualTo("REGION_FAULT");
        assertThat(cutoversOf(us.get(1))).as("the paused region's next lease is not started").isEmpty();
        for (String l : sg) {
            assertThat(cutoversOf(l)).hasSize(1).first().satisfies(x -> assertThat(x.get("state")).isEqualTo("GREEN"));
        }
        assertThat(f.getList("leases.findAll { it.rollbackRequested }")).as("nothing rolled back because of it").isEmpty();
        assertThat(cutoversOf(s)).first().satisfies(x -> assertThat(x.get("state")).isEqualTo("GREEN"));
        for (String c : controls) {
            List<RunStep> cmds = commandsForLease(c);
            assertThat(cmds).hasSize(1);
            RunStep cmd = cmds.get(0);
            assertThat(cmd.kind()).isEqualTo(StepKind.VALIDATE);
            assertThat(cmd.cutoverId()).startsWith("ctl-");
            StepCommand.Validate v = cmd.command(StepCommand.Validate.class);
            assertThat(v.validationSeconds()).isEqualTo(1);
            assertThat(v.probePlan().actions().values()).containsOnly(TriggerAction.OBSERVE);
            assertThat(v.expectedSha256()).isEmpty();
            assertThat(cutoversOf(c)).as("a control lease gets no cutover").isEmpty();
        }
        assertThat(audit(id)).contains("CONTROL_CHECK_STARTED", "CONTROL_CHECK_ENDED", "REGION_PAUSED", "FLEET_DONE");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(id))
                .anySatisfy(e -> {
                    assertThat(e.type()).isEqualTo(FleetEventType.REGION_PAUSED);
                    assertThat(e.region()).isEqualTo(Region.US);
                    assertThat(e.reason()).contains("control leases failed too");
                }));
    }

    @Test
    void whenOnlyTheUpgradedLeaseFailsItsHealthyControlLeasesMakeItCountAgainstTheCandidate() {
        String r = rnd();
        List<String> controls = List.of(lease("a0" + r + "-kr-c1", Region.KR, "PRODUCTION", null),
                lease("a0" + r + "-kr-c2", Region.KR, "PRODUCTION", null));
        String s = lease(PREFIX + "-d" + r + "-kr-s1", Region.KR, "STAGING", null);
        List<String> prod = List.of(lease(PREFIX + "-d" + r + "-kr-p1", Region.KR, "PRODUCTION", null),
                lease(PREFIX + "-d" + r + "-kr-p2", Region.KR, "PRODUCTION", null));
        crashOnValidate(prod);
        List<String> all = new ArrayList<>(prod);
        all.add(s);
        String id = start(body("2026.11.5", ids(all), plan("canary", Map.of("count", 0), "regionOrder", List.of("KR"),
                "maxParallel", 1, "bakeSeconds", 0, "autoPromote", true, "onFailure", "halt")));

        JsonPath f = awaitFleet(id, "HALTED");
        assertThat(f.getList("pausedRegions", String.class)).isEmpty();
        assertThat(f.getInt("budget.totalUsed")).isEqualTo(1);
        assertThat(f.getString("leases.find { it.leaseId == '" + prod.get(0) + "' }.outcome")).isEqualTo("FAILED");
        assertThat(f.getString("leases.find { it.leaseId == '" + prod.get(0) + "' }.outcomeReason"))
                .contains("control leases of KR are healthy");
        assertThat(cutoversOf(prod.get(1))).isEmpty();
        for (String c : controls) {
            assertThat(commandsForLease(c)).hasSize(1).first().satisfies(cmd -> assertThat(cmd.cutoverId()).startsWith("ctl-"));
        }
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "candidate is bad"))
                .post("/api/v1/fleet-cutovers/" + id + "/abort").then().statusCode(200);
    }

    // ------------------------------------------------------------------ (d) deployment windows

    @Test
    void aClosedDeploymentWindowRefusesTheFleetWith409AndTheAuditedOverrideLetsItStart() {
        String r = rnd();
        String s = lease(PREFIX + "-w" + r + "-jp-s1", Region.JP, "STAGING", null);
        String today = LocalDate.now(ZoneId.of("Asia/Tokyo")).toString();
        Map<String, Object> windows = new LinkedHashMap<>(openWindows());
        windows.put("JP", Map.of("allowFridayAfternoonAndWeekend", true, "blackoutDates", List.of(today)));
        Map<String, Object> closed = plan("windows", windows, "bakeSeconds", 0, "canary", Map.of("count", 0));
        given().contentType(ContentType.JSON).body(body("2026.11.6", ids(List.of(s)), closed))
                .post("/api/v1/fleet-cutovers").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("JP deployment window closed"))
                .body("detail", containsString("blackout"));
        assertThat(cutoversOf(s)).as("the refused fleet started nothing").isEmpty();

        Map<String, Object> overridden = new LinkedHashMap<>(closed);
        overridden.put("windowOverride", Map.of("approver", "grace", "reason", "security fix, CAB-981"));
        String id = start(body("2026.11.6", ids(List.of(s)), overridden));
        awaitFleet(id, "DONE");
        List<Map<String, Object>> trail = given().get("/api/v1/fleet-cutovers/" + id + "/audit").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(trail).anySatisfy(a -> {
            assertThat(a.get("action")).isEqualTo("WINDOW_OVERRIDE");
            assertThat(a.get("actor")).isEqualTo("grace");
            assertThat((String) a.get("detail")).contains("CAB-981", "blackout");
        });
    }

    // ------------------------------------------------------------------ (e) restart

    @Test
    void aStoppedEngineAndACrashedTransactionResumeFromPostgresAndConcurrentReconcilersNeverStartALeaseTwice() throws Exception {
        String r = rnd();
        List<String> all = new ArrayList<>();
        all.add(lease(PREFIX + "-e" + r + "-sg-s1", Region.SG, "STAGING", null));
        for (int i = 1; i <= 4; i++) {
            all.add(lease(PREFIX + "-e" + r + "-sg-p" + i, Region.SG, "PRODUCTION", null));
        }
        scheduler.pause(FleetReconciler.IDENTITY);
        String id;
        try {
            id = start(body("2026.11.7", ids(all), plan("canary", Map.of("count", 1, "bakeSeconds", 0), "regionOrder",
                    List.of("SG"), "maxParallel", 2, "bakeSeconds", 0, "autoPromote", true)));
            // the engine is down: the staging lease started in the request's transaction finishes on its own ...
            await().atMost(WAIT).until(() -> "GREEN".equals(cutoversOf(all.get(0)).stream().findFirst()
                    .map(c -> c.get("state")).orElse(null)));
            // ... and the fleet, stored mid-wave, has not moved
            JsonPath stalled = fleet(id);
            assertThat(stalled.getString("state")).isEqualTo("RUNNING");
            assertThat(stalled.getInt("currentWave")).isZero();
            assertThat(stalled.getInt("counts.PENDING")).isEqualTo(4);
            // a reconcile that dies before its commit (kill -9 mid-transaction): the canary lease's cutover, its
            // fleet-lease row and its INVENTORY command in the outbox are one transaction, so none of them survives
            String canary = stalled.getString("waves[1].leaseIds[0]");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.quarkus.narayana.jta.QuarkusTransaction
                    .requiringNew().run(() -> {
                        fleets.lock(id).ifPresent(f -> engine.reconcile(f, Instant.now()));
                        assertThat(fleets.leases(id).stream().filter(l -> l.leaseId.equals(canary)).findFirst()
                                .orElseThrow().cutoverId).as("started inside the doomed transaction").isNotNull();
                        throw new IllegalStateException("simulated crash before the commit");
                    })).hasMessageContaining("simulated crash");
            assertThat(cutoversOf(canary)).as("the crashed start left no cutover").isEmpty();
            assertThat(fleet(id).getInt("currentWave")).isZero();
            Thread.sleep(1500);
            assertThat(commandsForLease(canary)).as("nor a command").isEmpty();
            // two "instances" (four threads) reconcile the same fleet from the database at once
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        reconciler.reconcile(id, Instant.now());
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            pool.shutdown();
        } finally {
            scheduler.resume(FleetReconciler.IDENTITY);
        }
        JsonPath done = awaitFleet(id, "DONE");
        assertThat(done.getInt("counts.GREEN")).isEqualTo(5);
        for (String l : all) {
            assertThat(cutoversOf(l)).as("lease " + l + " started exactly once").hasSize(1);
        }
        assertThat(audit(id).stream().filter(a -> a.equals("WAVE_STARTED"))).as("no wave skipped or repeated").hasSize(3);
    }

    // ------------------------------------------------------------------ (f) errors, idempotency, auth

    @Test
    void badPlansAre400NamingTheFieldAndUnknownLeasesAreNamedToo() {
        String s = lease(PREFIX + "-x" + rnd() + "-jp-s1", Region.JP, "STAGING", null);
        given().contentType(ContentType.JSON).body(body("2026.11.8", ids(List.of(s)), plan("maxParallel", 0,
                        "onFailure", "explode")))
                .post("/api/v1/fleet-cutovers").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("plan.maxParallel")).body("errors.field", hasItem("plan.onFailure"));
        given().contentType(ContentType.JSON).body(body("2026.11.8", ids(List.of("no-such-lease-zz")), plan()))
                .post("/api/v1/fleet-cutovers").then().statusCode(400).body("errors.field", hasItem("selector.leaseIds[0]"))
                .body("detail", containsString("no-such-lease-zz"));
        String p = lease(PREFIX + "-x" + rnd() + "-kr-p1", Region.KR, "PRODUCTION", null);
        given().contentType(ContentType.JSON).body(body("2026.11.8", ids(List.of(s, p)), plan("regionOrder", List.of("JP"))))
                .post("/api/v1/fleet-cutovers").then().statusCode(400).body("errors.field", hasItem("plan.regionOrder"));
        Map<String, Object> noOps = body("2026.11.8", ids(List.of(s)), plan());
        noOps.remove("operators");
        given().contentType(ContentType.JSON).body(noOps).post("/api/v1/fleet-cutovers").then().statusCode(400)
                .body("errors.field", hasItem("operators"));
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Fixtures.VIEWER_TOKEN)
                .body(body("2026.11.8", ids(List.of(s)), plan())).post("/api/v1/fleet-cutovers").then().statusCode(403);
        given().header("Authorization", "Bearer " + Fixtures.VIEWER_TOKEN).get("/api/v1/fleet-cutovers")
                .then().statusCode(200);
    }

    @Test
    void aLeaseInAnActiveCutoverOrAnActiveFleetIs409NamingItAndIdempotencyKeysReplay() {
        String r = rnd();
        String busy = lease(PREFIX + "-y" + r + "-jp-s1", Region.JP, "STAGING", null);
        Fixtures.worker().script(busy, cmd -> cmd.kind() == StepKind.INVENTORY ? null : FakeWorker.succeed(cmd));
        String single = given().contentType(ContentType.JSON).body(Fixtures.cutoverBody(busy)).post("/api/v1/cutovers")
                .then().statusCode(201).extract().path("id");
        given().contentType(ContentType.JSON).body(body("2026.11.9", ids(List.of(busy)), plan()))
                .post("/api/v1/fleet-cutovers").then().statusCode(409).body("detail", containsString(busy));
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "test"))
                .post("/api/v1/cutovers/" + single + "/abort").then().statusCode(200);

        String held = lease(PREFIX + "-y" + r + "-jp-s2", Region.JP, "STAGING", null);
        Fixtures.worker().script(held, cmd -> cmd.kind() == StepKind.INVENTORY ? null : FakeWorker.succeed(cmd));
        Map<String, Object> b = body("2026.11.9", ids(List.of(held)), plan("canary", Map.of("count", 0)));
        String key = "fleet-key-" + r;
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(b)
                .post("/api/v1/fleet-cutovers").then().statusCode(201).extract().path("id");
        String again = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(b)
                .post("/api/v1/fleet-cutovers").then().statusCode(200).extract().path("id");
        assertThat(again).isEqualTo(first);
        Map<String, Object> other = body("2026.11.10", ids(List.of(held)), plan("canary", Map.of("count", 0)));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(other)
                .post("/api/v1/fleet-cutovers").then().statusCode(409);
        String other2 = lease(PREFIX + "-y" + r + "-jp-s3", Region.JP, "STAGING", null);
        given().contentType(ContentType.JSON).body(body("2026.11.10", ids(List.of(other2, held)), plan()))
                .post("/api/v1/fleet-cutovers").then().statusCode(409).body("detail", containsString(held));
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "test over"))
                .post("/api/v1/fleet-cutovers/" + first + "/abort").then().statusCode(200);
        assertThat(fleet(first).getString("state")).isEqualTo("ABORTED");
        await().atMost(WAIT).until(() -> "ABORTED".equals(cutoversOf(held).get(0).get("state")));
        assertThat(audit(first)).contains("FLEET_ABORTED", "LEASE_ABORT");
    }

    // ------------------------------------------------------------------ point 7: new leases join

    @Test
    void aLeaseRegisteredLaterMatchingTheSelectorIsBehindAndExtendUpgradesItWithItsOwnCanaryWave() {
        String r = rnd();
        Map<String, String> pool = Map.of("pool", "p" + r);
        lease(PREFIX + "-g" + r + "-jp-s1", Region.JP, "STAGING", pool);
        lease(PREFIX + "-g" + r + "-jp-p1", Region.JP, "PRODUCTION", pool);
        String id = start(body("2026.11.11", Map.of("labels", pool), plan("canary", Map.of("count", 1, "bakeSeconds", 1),
                "maxParallel", 1, "bakeSeconds", 0, "autoPromote", true)));
        JsonPath done = awaitFleet(id, "DONE");
        assertThat(done.getList("behind")).isEmpty();

        String late = lease(PREFIX + "-g" + r + "-jp-p2", Region.JP, "PRODUCTION", pool);
        given().get("/api/v1/leases/" + late).then().statusCode(200)
                .body("labels.pool", org.hamcrest.Matchers.equalTo("p" + r));
        assertThat(fleet(id).getList("behind.leaseId", String.class)).containsExactly(late);
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "new lease joins"))
                .post("/api/v1/fleet-cutovers/" + id + "/extend").then().statusCode(200);
        JsonPath extended = awaitFleet(id, "DONE");
        assertThat(extended.getList("waves.name", String.class)).containsExactly("staging", "canary", "canary");
        assertThat(extended.getLong("waves[2].bakeSeconds")).as("its own canary bake").isEqualTo(1);
        assertThat(cutoversOf(late)).hasSize(1).first().satisfies(c -> assertThat(c.get("state")).isEqualTo("GREEN"));
        assertThat(extended.getList("behind")).isEmpty();
        assertThat(audit(id)).contains("FLEET_EXTENDED");
    }
}
