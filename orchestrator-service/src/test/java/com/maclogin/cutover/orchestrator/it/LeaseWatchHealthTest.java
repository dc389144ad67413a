package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.DeadLetter;
import com.maclogin.cutover.contracts.DeadLetterReason;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.LeaseWatchReport;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.WatchLayerCounts;
import com.maclogin.cutover.contracts.WatchRollup;
import com.maclogin.cutover.orchestrator.health.LeaseHealthJobs;
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
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 point 2 against the real broker and PostgreSQL: LeaseWatchReports published to {@code lease.watch} become
 * the lease's health, health changes and roll-ups, served by {@code GET /api/v1/leases} and
 * {@code GET /api/v1/leases/{id}/health}; health changes are LeaseHealthEvents on {@code lease.health} (alerting for a
 * DOWN outside a cutover and its recovery, nothing for a redelivered or older report); a report for an unknown lease is
 * a dead letter; the stale sweep makes a silent lease UNKNOWN (a lease watched every 5 s: after 15 s; the other leases
 * here are watched hourly, so they never go stale during the run).
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class LeaseWatchHealthTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final int HOURLY = 3600;
    static TopicRecorder topics;
    static KafkaProducer<String, String> producer;

    @Inject
    EntityManager em;

    @Inject
    LeaseHealthJobs jobs;

    @BeforeAll
    static void start() {
        Fixtures.authenticate();
        Fixtures.recorder(); // creates the topics
        topics = new TopicRecorder(KafkaKraftResource.bootstrapServers(),
                List.of(Topics.LEASE_HEALTH, Topics.DEAD_LETTERS, Topics.leaseRegistry(Region.HK)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void stop() {
        producer.close();
        topics.close();
    }

    static Map<String, Object> leaseBody(String id, Integer watchIntervalSeconds) {
        Map<String, Object> m = new HashMap<>(Map.of("id", id, "region", "HK", "host", "10.0.1.7", "sshPort", 22,
                "sshUser", "openclaw", "probeUser", "oc-probe", "hostKey", Fixtures.HOST_KEY, "gatewayPort", 18789,
                "stage", "PRODUCTION"));
        if (watchIntervalSeconds != null) {
            m.put("watchIntervalSeconds", watchIntervalSeconds);
        }
        return m;
    }

    static String register(String prefix, Integer watchIntervalSeconds) {
        String id = LeaseProbeUserTest.id(prefix);
        given().contentType(ContentType.JSON).body(leaseBody(id, watchIntervalSeconds)).post("/api/v1/leases")
                .then().statusCode(201);
        return id;
    }

    static LeaseWatchReport report(String leaseId, LeaseHealthState state, String reason, Instant observedAt,
            Integer certDaysLeft, WatchRollup rollup) {
        return new LeaseWatchReport(UUID.randomUUID().toString(), leaseId, Instant.now(), CutoverMessage.SCHEMA_VERSION,
                Region.HK, "probe-hk-test", state, reason, null, false, certDaysLeft, observedAt, rollup);
    }

    static String send(LeaseWatchReport r) {
        String json = Json.write(r);
        sendRaw(r.leaseId(), json);
        return json;
    }

    static void sendRaw(String key, String json) {
        try {
            producer.send(new ProducerRecord<>(Topics.LEASE_WATCH, key, json)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<LeaseHealthEvent> events(String leaseId) {
        return topics.on(Topics.LEASE_HEALTH).stream().filter(r -> leaseId.equals(r.key()))
                .map(r -> Json.read(r.value(), LeaseHealthEvent.class)).toList();
    }

    static JsonPath health(String leaseId) {
        return given().get("/api/v1/leases/" + leaseId + "/health").then().statusCode(200).extract().jsonPath();
    }

    static WatchRollup rollup(Instant minute, int rounds, long p95) {
        return new WatchRollup(minute, rounds, List.of(new WatchLayerCounts(ProbeLayer.PROCESS, rounds, 0, 0, 0),
                new WatchLayerCounts(ProbeLayer.APPLICATION, rounds - 1, 1, 0, 0)), HISTOGRAM, rounds, 12L,
                p95, p95 + 5, p95 + 9, 40, 81.5, 3, 0);
    }

    /**
     * An HdrHistogram (60,000 ms, 2 digits) of 4 latencies up to 50 ms, V2 compressed and base64, as a worker sends it
     * (made with HdrHistogram 2.2.2; a minute of 12 spread samples encodes to 84 characters).
     */
    static final String HISTOGRAM = "HISTFAAAACR4nJNpmSzMwMDAwQABTFCaEUK9SrD/AGGJM4kziQIxAGfIBC0=";

    long sql(String query, String leaseId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(query).setParameter(1, leaseId)
                .getSingleResult()).longValue());
    }

    @Test
    void healthAndRollupsAreStoredAndServedByTheLeaseListAndTheHealthEndpoint() {
        String id = register("hk-watch", HOURLY);
        JsonPath before = health(id);
        assertThat(before.getString("health.state")).isEqualTo("UNKNOWN");
        assertThat(before.getString("health.since")).isNull();
        assertThat(before.getList("rollups")).isEmpty();

        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES);
        Instant observed = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed", observed, 40, rollup(minute, 2, 30)));
        JsonPath h = await().atMost(WAIT).until(() -> health(id), j -> "HEALTHY".equals(j.getString("health.state")));
        assertThat(h.getString("health.reason")).isEqualTo("all layers passed");
        assertThat(Instant.parse(h.getString("health.since"))).isEqualTo(observed);
        assertThat(Instant.parse(h.getString("health.observedAt"))).isEqualTo(observed);
        assertThat(h.getInt("health.certDaysLeft")).isEqualTo(40);
        assertThat(h.getBoolean("health.crashLooping")).isFalse();
        assertThat(h.getInt("watchIntervalSeconds")).isEqualTo(HOURLY);
        assertThat(h.getList("rollups")).hasSize(1);
        assertThat(Instant.parse(h.getString("rollups[0].minute"))).isEqualTo(minute);
        assertThat(h.getInt("rollups[0].rounds")).isEqualTo(2);
        assertThat(h.getLong("rollups[0].latency.p95")).isEqualTo(30);
        assertThat(h.getLong("rollups[0].latency.p99")).isEqualTo(35);
        assertThat(h.getInt("rollups[0].verdicts[1].failed")).isEqualTo(1);
        assertThat(h.getString("rollups[0].verdicts[1].layer")).isEqualTo("APPLICATION");
        assertThat(h.getDouble("rollups[0].diskFreePercent")).isEqualTo(81.5);
        assertThat(h.getInt("rollups[0].processRuns")).isEqualTo(3);
        assertThat(h.getList("changes")).hasSize(1);
        assertThat(h.getString("changes[0].state")).isEqualTo("HEALTHY");
        assertThat(h.getString("changes[0].previousState")).isEqualTo("UNKNOWN");

        // the same minute again (the other worker after a rebalance, or a redelivery): the row is replaced, not added
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed", observed.plusSeconds(30), 40,
                rollup(minute, 4, 50)));
        JsonPath again = await().atMost(WAIT).until(() -> health(id), j -> j.getInt("rollups[0].rounds") == 4);
        assertThat(again.getList("rollups")).hasSize(1);
        assertThat(again.getLong("rollups[0].latency.p95")).isEqualTo(50);
        assertThat(Instant.parse(again.getString("health.since"))).as("since moves only on a change").isEqualTo(observed);
        assertThat(again.getList("changes")).hasSize(1);
        // the histogram is stored as sent (the rolling baseline adds them up); a minute's row with it, as PostgreSQL
        // keeps it (the retention's size estimate), printed for docs
        assertThat(sql("select count(*) from lease_rollup where lease_id = ?1 and latency_histogram = '"
                + HISTOGRAM + "'", id)).isEqualTo(1);
        System.out.printf("lease_rollup row with a 4-sample histogram: %d bytes (pg_column_size of the row)%n",
                sql("select pg_column_size(r.*) from lease_rollup r where lease_id = ?1", id));

        List<Map<String, Object>> all = given().get("/api/v1/leases").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.id == '" + id + "' }");
        assertThat(all).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> listed = (Map<String, Object>) all.get(0).get("health");
        assertThat(listed).containsEntry("state", "HEALTHY").containsEntry("certDaysLeft", 40)
                .containsEntry("crashLooping", false).containsKeys("since", "observedAt", "reason");
        assertThat(given().get("/api/v1/leases/" + id).then().statusCode(200).extract().jsonPath()
                .getString("health.state")).isEqualTo("HEALTHY");
        // a lease never reported is listed UNKNOWN with since null
        String silent = register("hk-never", HOURLY);
        Map<String, Object> never = given().get("/api/v1/leases").then().extract().jsonPath()
                .getMap("find { it.id == '" + silent + "' }.health");
        assertThat(never).containsEntry("state", "UNKNOWN").containsEntry("since", null);
    }

    @Test
    void aDownOutsideACutoverIsOneAlertingEventItsRecoveryAnotherAndRedeliveredOrOlderReportsNone() {
        String id = register("hk-down", HOURLY);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed", t0, null, null));
        await().atMost(WAIT).until(() -> events(id), l -> l.size() == 1);

        LeaseWatchReport down = report(id, LeaseHealthState.DOWN, "launchd: state not running, last exit code 1",
                t0.plusSeconds(30), null, null);
        String downJson = send(down);
        LeaseHealthEvent alert = await().atMost(WAIT).until(() -> events(id), l -> l.size() == 2).get(1);
        assertThat(alert.kind()).isEqualTo(LeaseHealthEventKind.STATE_CHANGED);
        assertThat(alert.state()).isEqualTo(LeaseHealthState.DOWN);
        assertThat(alert.previousState()).isEqualTo(LeaseHealthState.HEALTHY);
        assertThat(alert.alert()).isTrue();
        assertThat(alert.reason()).isEqualTo("launchd: state not running, last exit code 1");
        assertThat(alert.since()).isEqualTo(t0.plusSeconds(30));
        assertThat(alert.region()).isEqualTo(Region.HK);
        assertThat(alert.stage()).isEqualTo("PRODUCTION");
        assertThat(alert.activeCutoverId()).isNull();
        assertThat(alert.invalid()).isNull();

        sendRaw(id, downJson); // the very record again (redelivery): the inbox stops it
        send(new LeaseWatchReport(UUID.randomUUID().toString(), id, Instant.now(), 1, Region.HK, "probe-hk-test",
                LeaseHealthState.DOWN, down.reason(), null, false, null, down.observedAt(), null)); // a resend: same round
        send(report(id, LeaseHealthState.HEALTHY, "stale: the old owner's last round", t0.plusSeconds(10), null, null));
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed again", t0.plusSeconds(60), null, null));

        LeaseHealthEvent recovery = await().atMost(WAIT).until(() -> events(id), l -> l.size() >= 3).get(2);
        assertThat(recovery.state()).isEqualTo(LeaseHealthState.HEALTHY);
        assertThat(recovery.previousState()).isEqualTo(LeaseHealthState.DOWN);
        assertThat(recovery.alert()).isTrue();
        // the older report was not applied: the recovery is the newest report's, not the stale one's
        assertThat(recovery.reason()).isEqualTo("all layers passed again");
        assertThat(recovery.since()).isEqualTo(t0.plusSeconds(60));
        assertThat(events(id)).hasSize(3).filteredOn(LeaseHealthEvent::alert).hasSize(2);
        assertThat(events(id).get(0).alert()).isFalse();

        JsonPath h = health(id);
        assertThat(h.getList("changes.state")).containsExactly("HEALTHY", "DOWN", "HEALTHY");
        assertThat(h.getString("health.reason")).isEqualTo("all layers passed again");
        long streamed = sql("select count(*) from event_log where type = 'LEASE_HEALTH' and lease_id = ?1", id);
        assertThat(streamed).as("rows for the live stream").isEqualTo(3);
    }

    /** A cutover of {@code leaseId} that stays active: the worker never answers its INVENTORY. */
    static String activeCutover(String leaseId) {
        Fixtures.worker().script(leaseId, cmd -> null);
        return given().contentType(ContentType.JSON).header("X-Operator", "ada")
                .body(Fixtures.cutoverBody(leaseId)).post("/api/v1/cutovers").then().statusCode(201).extract().path("id");
    }

    static void abort(String cutoverId) {
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "test over"))
                .post("/api/v1/cutovers/" + cutoverId + "/abort").then().statusCode(200);
    }

    @Test
    void aDownDuringAnActiveCutoverNamesTheCutoverAndIsNoAlert() {
        String id = register("hk-busy", HOURLY);
        String cutoverId = activeCutover(id);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed", t0, null, null));
        send(report(id, LeaseHealthState.DOWN, "readyz: 503 (Authorization: Bearer gw-tok-0123456789abcdef)",
                t0.plusSeconds(30), null, null));
        LeaseHealthEvent down = await().atMost(WAIT).until(() -> events(id), l -> l.size() == 2).get(1);
        assertThat(down.reason()).as("redacted again where it is kept").startsWith("readyz: 503")
                .contains("[redacted]").doesNotContain("gw-tok-0123456789abcdef");
        assertThat(health(id).getString("health.reason")).doesNotContain("gw-tok-0123456789abcdef");
        assertThat(down.state()).isEqualTo(LeaseHealthState.DOWN);
        assertThat(down.activeCutoverId()).isEqualTo(cutoverId);
        assertThat(down.alert()).as("the cutover's own business: no chat alert").isFalse();
        abort(cutoverId);

        // just after the cutover ended the watch may still report its restarts: within cutover-grace, no alert either
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed", t0.plusSeconds(60), null, null));
        send(report(id, LeaseHealthState.DOWN, "crash loop: runs 3 -> 5", t0.plusSeconds(90), null, null));
        LeaseHealthEvent late = await().atMost(WAIT).until(() -> events(id), l -> l.size() == 4).get(3);
        assertThat(late.state()).isEqualTo(LeaseHealthState.DOWN);
        assertThat(late.activeCutoverId()).isNull();
        assertThat(late.alert()).as("the ended cutover's own restart").isFalse();
    }

    @Test
    void aDownThatBeganInsideACutoverAndOutlivedItsGraceAlertsOnceWithItsOwnSince() {
        String id = register("hk-outlived", HOURLY);
        String cutoverId = activeCutover(id);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed", t0, null, null));
        send(report(id, LeaseHealthState.DOWN, "launchd: state not running", t0.plusSeconds(30), null, null));
        LeaseHealthEvent quiet = await().atMost(WAIT).until(() -> events(id), l -> l.size() == 2).get(1);
        assertThat(quiet.alert()).as("inside the cutover").isFalse();
        abort(cutoverId);
        // the cutover ended longer ago than cutover-grace, and the lease is still DOWN: the next report tells chat
        assertThat(execute("update cutover set ended_at = now() - interval '1 hour' where lease_id = ?1", id)).isOne();
        send(report(id, LeaseHealthState.DOWN, "launchd: state not running", t0.plusSeconds(90), null, null));
        LeaseHealthEvent told = await().atMost(WAIT).until(() -> events(id), l -> l.size() == 3).get(2);
        assertThat(told.state()).isEqualTo(LeaseHealthState.DOWN);
        assertThat(told.previousState()).isEqualTo(LeaseHealthState.DOWN);
        assertThat(told.alert()).isTrue();
        assertThat(told.since()).as("DOWN since inside the cutover").isEqualTo(t0.plusSeconds(30));
        assertThat(told.activeCutoverId()).isNull();
        // told once: still DOWN a minute later is no second alert
        send(report(id, LeaseHealthState.DOWN, "launchd: state not running", t0.plusSeconds(150), null, null));
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed again", t0.plusSeconds(210), null, null));
        LeaseHealthEvent recovery = await().atMost(WAIT).until(() -> events(id), l -> l.size() >= 4).get(3);
        assertThat(recovery.state()).isEqualTo(LeaseHealthState.HEALTHY);
        assertThat(recovery.alert()).as("the recovery answers the late alert").isTrue();
        assertThat(events(id)).hasSize(4);
        assertThat(health(id).getList("changes.state")).containsExactly("HEALTHY", "DOWN", "HEALTHY");
    }

    @Test
    void aReportForALeaseThatIsNotRegisteredIsDeadLetteredWithTheReason() {
        String id = LeaseProbeUserTest.id("hk-nobody");
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed", Instant.now(), null, null));
        DeadLetter letter = await().atMost(WAIT).until(() -> topics.on(Topics.DEAD_LETTERS).stream()
                .filter(r -> id.equals(r.key())).map(r -> Json.read(r.value(), DeadLetter.class)).toList(),
                l -> !l.isEmpty()).get(0);
        assertThat(letter.sourceTopic()).isEqualTo(Topics.LEASE_WATCH);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.INVALID);
        assertThat(letter.detail()).contains("lease " + id + " is not registered");
        assertThat(letter.consumer()).isEqualTo("orchestrator-service");
    }

    @Test
    void theStaleSweepMakesALeaseWithoutReportsUnknown() {
        String id = register("hk-stale", 5); // watched every 5 s: stale after 3 x 5 s = 15 s
        Instant healthyAt = Instant.now();
        send(report(id, LeaseHealthState.HEALTHY, "all layers passed", healthyAt, null, null));
        await().atMost(WAIT).until(() -> events(id), l -> l.size() == 1);
        LeaseHealthEvent unknown = await().atMost(WAIT).until(() -> events(id), l -> l.size() == 2).get(1);
        assertThat(unknown.state()).isEqualTo(LeaseHealthState.UNKNOWN);
        assertThat(unknown.previousState()).isEqualTo(LeaseHealthState.HEALTHY);
        assertThat(unknown.reason()).isEqualTo("no watch report for 15 s");
        assertThat(unknown.alert()).isFalse();
        JsonPath h = health(id);
        assertThat(h.getString("health.state")).isEqualTo("UNKNOWN");
        assertThat(h.getString("health.since")).isNotNull();
        assertThat(h.getLong("staleAfterSeconds")).isEqualTo(15);
        assertThat(Duration.between(healthyAt, Instant.parse(h.getString("health.since"))))
                .as("UNKNOWN only after 15 s without a report").isGreaterThanOrEqualTo(Duration.ofSeconds(15));
    }

    int execute(String update, String leaseId) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(update).setParameter(1, leaseId)
                .executeUpdate());
    }

    @Test
    void sweepsOfTwoInstancesAtOnceMarkAStaleLeaseUnknownOnce() throws Exception {
        String id = register("hk-twice", HOURLY);
        send(report(id, LeaseHealthState.DOWN, "launchd: state not running", Instant.now(), null, null));
        await().atMost(WAIT).until(() -> events(id), l -> l.size() == 1);
        // silent for a day: the scheduled sweep and two more (as two instances would) race for it
        execute("update lease_health set updated_at = now() - interval '1 day' where lease_id = ?1", id);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Integer>> sweeps = List.of(1, 2).stream().map(i -> CompletableFuture.supplyAsync(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return jobs.sweep(Instant.now());
        })).toList();
        go.countDown();
        for (CompletableFuture<Integer> f : sweeps) {
            f.get();
        }
        LeaseHealthEvent unknown = await().atMost(WAIT).until(() -> events(id), l -> l.size() >= 2).get(1);
        assertThat(unknown.state()).isEqualTo(LeaseHealthState.UNKNOWN);
        assertThat(unknown.reason()).isEqualTo("no watch report for 10800 s"); // 3 x 3600 s
        assertThat(sql("select count(*) from lease_health_change where lease_id = ?1 and state = 'UNKNOWN'", id))
                .isEqualTo(1);
        assertThat(events(id)).hasSize(2);
    }

    @Test
    void theRetentionJobDeletesOldRollupsAndHealthChangesAndKeepsRecentOnes() {
        String id = register("hk-old", HOURLY);
        Instant recentMinute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant oldMinute = recentMinute.minus(4, ChronoUnit.DAYS); // rollup-retention P3D
        send(report(id, LeaseHealthState.HEALTHY, "ok", Instant.now().minusSeconds(5), null, rollup(oldMinute, 2, 30)));
        send(report(id, LeaseHealthState.HEALTHY, "ok", Instant.now(), null, rollup(recentMinute, 2, 30)));
        await().atMost(WAIT).until(() -> sql("select count(*) from lease_rollup where lease_id = ?1", id) == 2);
        execute("insert into lease_health_change (lease_id, state, previous_state, reason, crash_looping, at) "
                + "values (?1, 'DOWN', 'HEALTHY', 'long ago', false, now() - interval '31 days')", id);
        assertThat(sql("select count(*) from lease_health_change where lease_id = ?1", id)).isEqualTo(2);

        assertThat(jobs.purge(Instant.now())).isGreaterThanOrEqualTo(2);
        assertThat(sql("select count(*) from lease_rollup where lease_id = ?1", id)).isEqualTo(1);
        assertThat(sql("select count(*) from lease_rollup where lease_id = ?1 and minute_start > now() - interval '1 day'",
                id)).as("the recent minute stays").isEqualTo(1);
        assertThat(sql("select count(*) from lease_health_change where lease_id = ?1", id)).isEqualTo(1);
        assertThat(sql("select count(*) from lease_health_change where lease_id = ?1 and reason = 'long ago'", id)).isZero();
    }

    @Test
    void theWatchIntervalIsValidatedStoredAndPublishedInTheLeaseRegistration() {
        String id = LeaseProbeUserTest.id("hk-interval");
        for (int bad : List.of(4, 3601)) {
            given().contentType(ContentType.JSON).body(leaseBody(id, bad)).post("/api/v1/leases").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("watchIntervalSeconds"))
                    .body("detail", containsString("between 5 and 3600"));
        }
        given().contentType(ContentType.JSON).body(leaseBody(id, 10)).post("/api/v1/leases").then().statusCode(201)
                .body("watchIntervalSeconds", equalTo(10));
        given().get("/api/v1/leases/" + id).then().statusCode(200).body("watchIntervalSeconds", equalTo(10));
        LeaseRegistration published = await().atMost(WAIT).until(() -> topics.on(Topics.leaseRegistry(Region.HK))
                .stream().filter(r -> id.equals(r.key())).map(r -> Json.read(r.value(), LeaseRegistration.class))
                .toList(), l -> !l.isEmpty()).get(0);
        assertThat(published.watchIntervalSeconds()).isEqualTo(10);
        assertThat(published.invalid()).isNull();
    }

    @Test
    void theHealthOfAnUnknownLeaseIsA404Problem() {
        given().get("/api/v1/leases/hk-no-such-lease/health").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("hk-no-such-lease"));
    }
}
