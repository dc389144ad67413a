package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 point 3 through the API, a real broker (the fake worker answers the step commands at the Kafka level) and
 * PostgreSQL, with the watch's tables ({@code lease_health_change}, {@code lease_rollup}) filled directly: a lease
 * the watch saw DOWN 5 minutes ago is refused at the gates with the state, the reason and when, and passes with an
 * approved override of {@code gates.leaseHealth}; the VALIDATE plan's LATENCY baseline is the merged P95 of 30 minutes
 * of roll-ups before the cutover, or INVENTORY's measurement without them, each recorded as evidence and audited.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class LeaseWatchGatesTest {

    static final String DOWN_REASON = "/readyz answered 503 (gateway not ready)";

    @Inject
    EntityManager em;

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    static String lease(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Fixtures.registerLease(id);
        Fixtures.recorder();
        Fixtures.worker();
        return id;
    }

    static String start(String leaseId, List<Map<String, Object>> overrides) {
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(leaseId));
        if (overrides != null) {
            body.put("overrides", overrides);
        }
        String id = given().contentType(ContentType.JSON).header("X-Operator", "ada").body(body)
                .post("/api/v1/cutovers").then().statusCode(201).extract().path("id");
        if (overrides != null) {
            Fixtures.approveOverrides(id);
        }
        return id;
    }

    static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    /** What the lease.watch consumer writes when a lease went DOWN 5 minutes ago and recovered 3 minutes ago. */
    void downFiveMinutesAgo(String leaseId) {
        Instant now = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("insert into lease_health (lease_id, state, reason, since, observed_at, crash_looping,"
                    + " updated_at) values (?1, 'HEALTHY', null, ?2, ?3, false, ?3)").setParameter(1, leaseId)
                    .setParameter(2, utc(now.minus(Duration.ofMinutes(3)))).setParameter(3, utc(now)).executeUpdate();
            change(leaseId, "DOWN", "HEALTHY", DOWN_REASON, now.minus(Duration.ofMinutes(5)));
            change(leaseId, "HEALTHY", "DOWN", null, now.minus(Duration.ofMinutes(3)));
        });
    }

    void change(String leaseId, String state, String previous, String reason, Instant at) {
        em.createNativeQuery("insert into lease_health_change (lease_id, state, previous_state, reason, crash_looping, at)"
                + " values (?1, ?2, ?3, ?4, false, ?5)").setParameter(1, leaseId).setParameter(2, state)
                .setParameter(3, previous).setParameter(4, reason).setParameter(5, utc(at)).executeUpdate();
    }

    /** A base64 HdrHistogram V2 compressed encoding, as the worker sends {@code WatchRollup.latencyHistogram}. */
    static String histogram(long... millis) {
        Histogram h = new Histogram(3_600_000L, 3);
        for (long v : millis) {
            h.recordValue(v);
        }
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        return Base64.getEncoder().encodeToString(Arrays.copyOf(b.array(), h.encodeIntoCompressedByteBuffer(b)));
    }

    void rollup(String leaseId, Instant minuteStart, long... millis) {
        em.createNativeQuery("insert into lease_rollup (lease_id, minute_start, rounds, layers, latency_histogram,"
                + " latency_samples, state, worker_id, received_at) values (?1, ?2, ?3, cast('[]' as jsonb), ?4, ?5,"
                + " 'HEALTHY', 'worker-hk-1', ?6)").setParameter(1, leaseId).setParameter(2, utc(minuteStart))
                .setParameter(3, millis.length).setParameter(4, histogram(millis)).setParameter(5, (long) millis.length)
                .setParameter(6, utc(minuteStart.plusSeconds(60))).executeUpdate();
    }

    /**
     * The 30 minutes before now, each with 19 samples of 35 ms and one of 250 ms (merged P95: 35 ms), and one minute
     * well after the cutover starts with 5 s samples (it must not count).
     */
    void thirtyMinutesOfRollups(String leaseId) {
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        long[] samples = new long[20];
        Arrays.fill(samples, 35);
        samples[19] = 250;
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 1; i <= 30; i++) {
                rollup(leaseId, minute.minus(Duration.ofMinutes(i)), samples);
            }
            rollup(leaseId, minute.plus(Duration.ofMinutes(10)), 5000, 5000, 5000, 5000);
        });
    }

    static Map<?, ?> baselineFacts(JsonPath c) {
        String output = c.getString("steps.find { it.kind == 'VALIDATE' }.evidence.find { it.name == 'baseline:LATENCY' }.output");
        assertThat(output).as(c.prettify()).isNotNull();
        return Json.read(output.substring(output.indexOf('\n') + 1), Map.class);
    }

    static Double planBaseline(String cutoverId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.worker().commandsFor(cutoverId).stream()
                .anyMatch(r -> r.kind() == StepKind.VALIDATE));
        RunStep validate = Fixtures.worker().commandsFor(cutoverId).stream().filter(r -> r.kind() == StepKind.VALIDATE)
                .findFirst().orElseThrow();
        return validate.command(StepCommand.Validate.class).probePlan().baselineP95Millis();
    }

    @Test
    void aLeaseTheWatchSawDownFiveMinutesAgoIsRefusedAtTheGatesNamingStateReasonAndWhen() {
        String lease = lease("hk-down");
        downFiveMinutesAgo(lease);

        String id = start(lease, null);

        JsonPath c = CutoverFlowTest.awaitState(id, "FAILED");
        assertThat(c.getString("reason")).startsWith("inventory gates refused: LEASE_HEALTH: fix the lease first: DOWN at ")
                .contains(": " + DOWN_REASON + " (DOWN or crash-looping within the last 10 minutes)",
                        "override gates.leaseHealth=false");
        assertThat(Fixtures.worker().commandsFor(id)).extracting(RunStep::kind).containsExactly(StepKind.INVENTORY);
        assertThat(c.getString("steps[0].evidence.find { it.name == 'gate:LEASE_HEALTH' }.output"))
                .startsWith("FAILED: fix the lease first: DOWN at ").contains("\"state\":\"HEALTHY\"",
                        "\"window\":\"PT10M\"");
        assertThat(c.getList("audit.findAll { it.action == 'GATE' }.detail", String.class))
                .anySatisfy(d -> assertThat(d).startsWith("LEASE_HEALTH FAILED: fix the lease first: DOWN at "));
    }

    @Test
    void theSameLeaseWithAnApprovedOverrideOfGatesLeaseHealthPassesAndTheOverrideIsRecorded() {
        String lease = lease("hk-down-ovr");
        downFiveMinutesAgo(lease);
        Map<String, Object> override = Map.of("field", "gates.leaseHealth", "value", "false",
                "reason", "this cutover replaces the gateway that failed");

        String id = start(lease, List.of(override));

        JsonPath c = CutoverFlowTest.awaitState(id, "GREEN");
        assertThat(c.getList("audit.findAll { it.action == 'OVERRIDE' }.detail", String.class)).containsExactly(
                "gates.leaseHealth: true -> false approved by ops-bot, requested by ada: this cutover replaces the "
                        + "gateway that failed");
        assertThat(c.getList("audit.findAll { it.action == 'GATE' }.detail", String.class)).anySatisfy(d ->
                assertThat(d).startsWith("LEASE_HEALTH PASSED: overridden by ops-bot: this cutover replaces the "
                        + "gateway that failed (fix the lease first: DOWN at ").contains(DOWN_REASON));
        assertThat(c.getString("steps[0].evidence.find { it.name == 'gate:LEASE_HEALTH' }.output"))
                .contains("\"override\":\"ops-bot: this cutover replaces the gateway that failed\"");
    }

    @Test
    void aDownWhileTheLeasesPreviousCutoverRanIsItsOwnRestartAndDoesNotRefuseTheNextCutover() {
        String lease = lease("hk-back2back");
        JsonPath first = CutoverFlowTest.awaitState(start(lease, null), "GREEN");
        Instant created = Instant.parse(first.getString("createdAt"));
        Instant ended = Instant.parse(first.getString("endedAt"));
        Instant during = created.plus(Duration.between(created, ended).dividedBy(2));
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("insert into lease_health (lease_id, state, reason, since, observed_at, crash_looping,"
                    + " updated_at) values (?1, 'HEALTHY', null, ?2, ?2, false, ?2)").setParameter(1, lease)
                    .setParameter(2, utc(ended)).executeUpdate();
            change(lease, "DOWN", "HEALTHY", "restart drill: /readyz answered 503", during);
            change(lease, "HEALTHY", "DOWN", null, ended);
        });

        JsonPath second = CutoverFlowTest.awaitState(start(lease, null), "GREEN");

        assertThat(second.getString("steps[0].evidence.find { it.name == 'gate:LEASE_HEALTH' }.output"))
                .startsWith("PASSED: lease health HEALTHY").contains("during cutover " + first.getString("id")
                        + " (the product's own restarts)");
    }

    @Test
    void aLeaseWithThirtyMinutesOfRollupsGetsTheMergedWatchP95AsItsLatencyBaselineRecordedAsEvidence() {
        String lease = lease("hk-rollups");
        thirtyMinutesOfRollups(lease);

        String id = start(lease, null);

        assertThat(planBaseline(id)).isEqualTo(35.0);
        JsonPath c = CutoverFlowTest.awaitState(id, "GREEN");
        Map<?, ?> facts = baselineFacts(c);
        assertThat(facts.get("source")).isEqualTo("WATCH_ROLLING_P95");
        assertThat(facts.get("p95Millis")).isEqualTo("35");
        assertThat(facts.get("window")).isEqualTo("PT30M");
        assertThat(facts.get("inventoryP95Millis")).isEqualTo("180");
        // 30 minutes (29 if the INVENTORY was sent in the next minute), 20 samples each; not the minute after it
        assertThat(Integer.parseInt((String) facts.get("minutes"))).isBetween(29, 30);
        assertThat(Long.parseLong((String) facts.get("samples"))).isEqualTo(20L * Integer.parseInt((String) facts.get("minutes")));
        assertThat(c.getList("audit.findAll { it.action == 'LATENCY_BASELINE' }.detail", String.class)).singleElement()
                .satisfies(d -> assertThat(d).startsWith("WATCH_ROLLING_P95: 35 ms (the watch's rolling P95"));
        // the worker's own VALIDATE evidence is kept beside it
        assertThat(c.getList("steps.find { it.kind == 'VALIDATE' }.evidence.name", String.class))
                .contains("baseline:LATENCY", "validate");
    }

    @Test
    void aLeaseWithoutRollupsGetsTheInventoryMeasurementAsItsLatencyBaselineRecordedAsEvidence() {
        String lease = lease("hk-no-rollups");

        String id = start(lease, null);

        assertThat(planBaseline(id)).isEqualTo(180.0);
        JsonPath c = CutoverFlowTest.awaitState(id, "GREEN");
        Map<?, ?> facts = baselineFacts(c);
        assertThat(facts.get("source")).isEqualTo("INVENTORY");
        assertThat(facts.get("p95Millis")).isEqualTo("180");
        assertThat(facts.get("samples")).isEqualTo("0");
        assertThat(c.getList("audit.findAll { it.action == 'LATENCY_BASELINE' }.detail", String.class)).singleElement()
                .satisfies(d -> assertThat(d).startsWith("INVENTORY: 180 ms (no watch latency samples (fewer than 20)"));
        assertThat(c.getList("audit.findAll { it.action == 'GATE' }.detail", String.class)).anySatisfy(d ->
                assertThat(d).startsWith("LEASE_HEALTH PASSED: no lease health recorded"));
    }
}
