package com.maclogin.cutover.notifier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.chatfakes.ChatFakes;
import com.maclogin.cutover.chatfakes.RecordedMessage;
import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.FleetEvent;
import com.maclogin.cutover.contracts.FleetEventType;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.notifier.service.NotificationView;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fleet threads end to end inside the module: fleet events on {@code fleet.events} and the leases' cutover events on
 * {@code cutover.events} through a real Kafka broker, rows in real PostgreSQL, posts through the real SDKs to the chat
 * fakes. Every fleet and lease is fresh per test; messages are told apart by the fleet's ticket.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ChatFakesResource.class, scope = TestResourceScope.GLOBAL)
class FleetThreadFlowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant START = Instant.parse("2026-03-01T02:00:00Z");
    private static final List<String> SERVICES = List.of(RecordedMessage.SLACK, RecordedMessage.TELEGRAM);
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void producer() {
        com.maclogin.cutover.testing.TestTokens.viewerByDefault();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    private static ChatFakes fakes() {
        return ChatFakesResource.fakes();
    }

    /** A fleet of its own for each test: fleet id and ticket are unique. */
    private record Fleet(String id, String ticket) {
        static Fleet fresh() {
            String n = UUID.randomUUID().toString().substring(0, 8);
            return new Fleet("fleet-" + n, "FLT-" + n);
        }

        FleetEvent event(FleetEventType type, Integer wave, String waveName, Map<String, Integer> counts,
                String reason) {
            return event(type, wave, waveName, null, null, counts, reason);
        }

        FleetEvent event(FleetEventType type, Integer wave, String waveName, Region region, String lease,
                Map<String, Integer> counts, String reason) {
            boolean started = type == FleetEventType.FLEET_STARTED;
            boolean ended = type == FleetEventType.FLEET_ENDED;
            return new FleetEvent(UUID.randomUUID().toString(), id, Instant.now(), 1, type, ticket, "2026.9.6",
                    "alice (Asia/Hong_Kong)", List.of("slack:#ops", "telegram:ops"), wave, waveName, region, lease,
                    lease == null ? null : "cut-" + lease, counts,
                    started ? "2 waves: HK (4 leases, maxParallel 2), then JP+US (8 leases); budget 2" :
                            ended ? "10 of 12 leases run 2026.9.6" : null,
                    reason, ended ? "DONE" : "RUNNING", START, ended ? START.plusSeconds(5400) : null);
        }

        /** A lease of this fleet: its cutover id is {@code cut-<lease>}. */
        CutoverEvent lease(String lease, Region region, int wave, CutoverEventType type, String reason) {
            return CutoverEvent.builder().cutoverId("cut-" + lease).leaseId(lease).epoch(1).type(type).region(region)
                    .ticketId(ticket).previousVersion("2026.9.5").candidateVersion("2026.9.6")
                    .rollbackOwner("alice (Asia/Hong_Kong)").channels(List.of("slack:#ops", "telegram:ops"))
                    .startedAt(START).endedAt(type == CutoverEventType.CUTOVER_STARTED ? null : START.plusSeconds(600))
                    .reason(reason).fleetId(id).wave(wave).build();
        }

        String leaseId(Region region, int i) {
            return "lease-" + region.name().toLowerCase() + "-" + i + "-" + id.substring(6);
        }
    }

    private static void send(FleetEvent e) throws Exception {
        producer.send(new ProducerRecord<>(Topics.FLEET_EVENTS, e.fleetId(), Json.write(e))).get();
    }

    private static void send(CutoverEvent e) throws Exception {
        producer.send(new ProducerRecord<>(Topics.EVENTS, e.leaseId(), Json.write(e))).get();
    }

    private static List<RecordedMessage> delivered(String service, String ticket) {
        return fakes().delivered(service).stream().filter(m -> m.text().contains(ticket)).toList();
    }

    private static List<RecordedMessage> received(String service, String ticket) {
        return fakes().recorded().stream()
                .filter(m -> m.service().equals(service) && m.text() != null && m.text().contains(ticket)).toList();
    }

    private static List<NotificationView> rows(String param, String value) {
        return Arrays.asList(given().queryParam(param, value).when().get("/api/v1/notifications")
                .then().statusCode(200).extract().as(NotificationView[].class));
    }

    /** Waits until the fleet's thread holds {@code messages} stored messages (one row per channel each). */
    private static void awaitStored(Fleet f, int messages) {
        await().atMost(TIMEOUT).until(() -> rows("fleet", f.id()).size() == 2 * messages);
    }

    private static String headline(RecordedMessage m) {
        return m.text().lines().findFirst().orElse("");
    }

    /** The parent this message replied to: Slack {@code thread_ts} or Telegram {@code reply_to_message_id}. */
    private static String parentOf(RecordedMessage m) {
        return m.service().equals(RecordedMessage.SLACK) ? m.threadTs()
                : m.replyTo() == null ? null : String.valueOf(m.replyTo());
    }

    private static String idOf(RecordedMessage m) {
        return m.service().equals(RecordedMessage.SLACK) ? m.ts() : String.valueOf(m.messageId());
    }

    /** Exactly one top-level message (the banner, first) and every other one a reply to it. */
    private static void assertOneThread(List<RecordedMessage> posts) {
        assertThat(posts).filteredOn(m -> parentOf(m) == null).singleElement()
                .satisfies(m -> assertThat(headline(m)).startsWith("[FLEET MAINTENANCE]"));
        assertThat(headline(posts.get(0))).startsWith("[FLEET MAINTENANCE]");
        String banner = idOf(posts.get(0));
        assertThat(posts.subList(1, posts.size())).allSatisfy(m -> assertThat(parentOf(m)).isEqualTo(banner));
    }

    @Test
    void fleetOfTwelveLeasesInThreeRegionsAndTwoWavesPostsOneBannerPerChannelTheWavesTheIncidentsAsRepliesTheSummaryLastAndNoLeaseBanner()
            throws Exception {
        Fleet f = Fleet.fresh();
        List<String> hk = new ArrayList<>();
        List<String> wave1 = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            hk.add(f.leaseId(Region.HK, i));
            wave1.add(f.leaseId(Region.JP, i));
            wave1.add(f.leaseId(Region.US, i));
        }
        String rolledBack = f.leaseId(Region.JP, 3);
        String failed = f.leaseId(Region.US, 2);

        send(f.event(FleetEventType.FLEET_STARTED, null, null, Map.of("PENDING", 12), null));
        awaitStored(f, 1);
        send(f.event(FleetEventType.WAVE_STARTED, 0, "HK", Map.of("IN_FLIGHT", 4, "PENDING", 8), null));
        awaitStored(f, 2);
        for (String lease : hk) {
            send(f.lease(lease, Region.HK, 0, CutoverEventType.CUTOVER_STARTED, null));
            send(f.lease(lease, Region.HK, 0, CutoverEventType.CUTOVER_GREEN, null));
        }
        send(f.event(FleetEventType.WAVE_ENDED, 0, "HK", Map.of("GREEN", 4, "PENDING", 8), null));
        awaitStored(f, 3);
        send(f.event(FleetEventType.WAVE_STARTED, 1, "JP+US", Map.of("GREEN", 4, "IN_FLIGHT", 8), null));
        awaitStored(f, 4);
        for (String lease : wave1) {
            send(f.lease(lease, lease.contains("-jp-") ? Region.JP : Region.US, 1, CutoverEventType.CUTOVER_STARTED,
                    null));
        }
        send(f.lease(rolledBack, Region.JP, 1, CutoverEventType.ROLLBACK_STARTED,
                "CRASH_LOOP: 3 crashes in 41 s (threshold 3 crashes within 300 s)"));
        awaitStored(f, 5);
        send(f.lease(rolledBack, Region.JP, 1, CutoverEventType.ROLLED_BACK, null));
        awaitStored(f, 6);
        send(f.lease(failed, Region.US, 1, CutoverEventType.CUTOVER_FAILED,
                "step INSTALL_CANDIDATE FAILED: checksum mismatch"));
        awaitStored(f, 7);
        send(f.event(FleetEventType.LEASE_INCIDENT, 1, "JP+US", Region.JP, rolledBack,
                Map.of("GREEN", 4, "IN_FLIGHT", 6, "ROLLED_BACK", 1, "FAILED", 1),
                "CRASH_LOOP on " + rolledBack + " counted against the candidate (control leases of JP green); budget 1 of 2"));
        awaitStored(f, 8);
        for (String lease : wave1) {
            if (!lease.equals(rolledBack) && !lease.equals(failed)) {
                send(f.lease(lease, lease.contains("-jp-") ? Region.JP : Region.US, 1, CutoverEventType.CUTOVER_GREEN,
                        null));
            }
        }
        send(f.event(FleetEventType.WAVE_ENDED, 1, "JP+US", Map.of("GREEN", 10, "ROLLED_BACK", 1, "FAILED", 1), null));
        awaitStored(f, 9);
        send(f.event(FleetEventType.FLEET_ENDED, null, null, Map.of("GREEN", 10, "ROLLED_BACK", 1, "FAILED", 1), null));

        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, f.ticket()).size() == 10
                && delivered(RecordedMessage.TELEGRAM, f.ticket()).size() == 10);
        for (String service : SERVICES) {
            List<RecordedMessage> posts = delivered(service, f.ticket());
            assertThat(posts).extracting(FleetThreadFlowTest::headline).satisfiesExactly(
                    t -> assertThat(t).startsWith("[FLEET MAINTENANCE] Fleet cutover " + f.ticket()),
                    t -> assertThat(t).startsWith("[WAVE 0 STARTED]").contains("(HK)"),
                    t -> assertThat(t).startsWith("[WAVE 0 ENDED]"),
                    t -> assertThat(t).startsWith("[WAVE 1 STARTED]").contains("(JP+US)"),
                    t -> assertThat(t).startsWith("[INCIDENT]").contains(rolledBack, "rollback started"),
                    t -> assertThat(t).startsWith("[ROLLED BACK]").contains(rolledBack),
                    t -> assertThat(t).startsWith("[FAILED]").contains(failed),
                    t -> assertThat(t).startsWith("[LEASE INCIDENT]").contains(rolledBack),
                    t -> assertThat(t).startsWith("[WAVE 1 ENDED]"),
                    t -> assertThat(t).startsWith("[FLEET ENDED]"));
            assertOneThread(posts);
            assertThat(posts.get(0).text()).contains("2026.9.6", "Plan: 2 waves: HK (4 leases, maxParallel 2)",
                    "Rollback owner: alice (Asia/Hong_Kong)");
            assertThat(posts.get(2).text()).contains("Leases: GREEN 4, PENDING 8");
            assertThat(posts.get(4).text()).contains("region JP, wave 1", "previous 2026.9.5, candidate 2026.9.6",
                    "Breach: CRASH_LOOP: 3 crashes in 41 s");
            assertThat(posts.get(6).text()).contains("region US", "Reason: step INSTALL_CANDIDATE FAILED: checksum mismatch");
            assertThat(posts.get(8).text()).contains("Leases: GREEN 10, ROLLED_BACK 1, FAILED 1");
            assertThat(posts.get(9).text()).contains("GREEN: 10, rolled back: 1, failed: 1, halted: no",
                    "Duration: 1 h 30 min 00 s", "Summary: 10 of 12 leases run 2026.9.6",
                    "Rollback owner: alice (Asia/Hong_Kong)");
            // nothing else was sent for this fleet: no per-lease banner, no per-lease GREEN, no retry, no duplicate
            assertThat(received(service, f.ticket())).hasSize(10)
                    .noneSatisfy(m -> assertThat(m.text()).containsAnyOf("[MAINTENANCE]", "Cutover green"));
        }
        // and no lease of the fleet has a thread of its own: only the incidents' rows name a lease's cutover
        for (String lease : hk) {
            assertThat(rows("cutover", "cut-" + lease)).isEmpty();
        }
        assertThat(rows("cutover", "cut-" + rolledBack)).hasSize(4)
                .allSatisfy(r -> assertThat(r.threadKey()).isEqualTo("fleet:" + f.id()));
        assertThat(rows("fleet", f.id())).hasSize(20)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(NotificationStatus.POSTED))
                .filteredOn(r -> r.threadRole() == ThreadRole.BANNER).hasSize(2);
    }

    @Test
    void aLeaseIncidentAndAWaveStartThatArriveBeforeFleetStartedWaitAndAreDeliveredAfterTheBannerIntoItsThreadInOrder()
            throws Exception {
        Fleet f = Fleet.fresh();
        String lease = f.leaseId(Region.SG, 1);
        send(f.lease(lease, Region.SG, 0, CutoverEventType.ROLLBACK_STARTED, "operator asked: wrong plist"));
        awaitStored(f, 1);
        send(f.event(FleetEventType.WAVE_STARTED, 0, "staging", Map.of("IN_FLIGHT", 1), null));
        awaitStored(f, 2);
        // stored, but not posted: they wait for the banner
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> received(RecordedMessage.SLACK, f.ticket()).isEmpty()
                        && received(RecordedMessage.TELEGRAM, f.ticket()).isEmpty());
        assertThat(rows("fleet", f.id())).allSatisfy(r -> assertThat(r.status()).isEqualTo(NotificationStatus.PENDING));

        send(f.event(FleetEventType.FLEET_STARTED, null, null, Map.of("PENDING", 1), null));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, f.ticket()).size() == 3
                && delivered(RecordedMessage.TELEGRAM, f.ticket()).size() == 3);
        for (String service : SERVICES) {
            List<RecordedMessage> posts = delivered(service, f.ticket());
            assertThat(posts).extracting(FleetThreadFlowTest::headline).satisfiesExactly(
                    t -> assertThat(t).startsWith("[FLEET MAINTENANCE]"),
                    t -> assertThat(t).startsWith("[INCIDENT]").contains(lease, "region SG"),
                    t -> assertThat(t).startsWith("[WAVE 0 STARTED]"));
            assertOneThread(posts);
            assertThat(received(service, f.ticket())).hasSize(3);
        }
    }

    @Test
    void aBannerThatIsRetriedAfterServerErrorsStillGoesOutBeforeTheRepliesStoredAfterIt() throws Exception {
        Fleet f = Fleet.fresh();
        fakes().failNext(RecordedMessage.SLACK, 502, 2);
        fakes().failNext(RecordedMessage.TELEGRAM, 502, 1);
        send(f.event(FleetEventType.FLEET_STARTED, null, null, Map.of("PENDING", 3), null));
        send(f.event(FleetEventType.WAVE_STARTED, 0, "canary", Map.of("IN_FLIGHT", 1, "PENDING", 2), null));
        send(f.lease(f.leaseId(Region.KR, 1), Region.KR, 0, CutoverEventType.CUTOVER_PAUSED,
                "ERROR_RATE: 7.5% > 5% over 40 probes"));

        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, f.ticket()).size() == 3
                && delivered(RecordedMessage.TELEGRAM, f.ticket()).size() == 3);
        for (String service : SERVICES) {
            List<RecordedMessage> posts = delivered(service, f.ticket());
            assertOneThread(posts);
            assertThat(posts).extracting(FleetThreadFlowTest::headline).anySatisfy(
                    t -> assertThat(t).startsWith("[PAUSED]").contains(f.leaseId(Region.KR, 1)));
        }
        assertThat(received(RecordedMessage.SLACK, f.ticket())).extracting(RecordedMessage::httpStatus)
                .containsExactly(502, 502, 200, 200, 200);
        assertThat(received(RecordedMessage.TELEGRAM, f.ticket())).extracting(RecordedMessage::httpStatus)
                .containsExactly(502, 200, 200, 200);
    }

    @Test
    void aRedeliveredFleetEventAndASecondFleetStartedPostNothingTwice() throws Exception {
        Fleet f = Fleet.fresh();
        send(f.event(FleetEventType.FLEET_STARTED, null, null, Map.of("PENDING", 5), null));
        FleetEvent wave = f.event(FleetEventType.WAVE_STARTED, 0, "staging", Map.of("IN_FLIGHT", 5), null);
        send(wave);
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, f.ticket()).size() == 2
                && delivered(RecordedMessage.TELEGRAM, f.ticket()).size() == 2);

        send(wave); // redelivered: same message id
        send(f.event(FleetEventType.FLEET_STARTED, null, null, Map.of("PENDING", 5), null)); // the banner again, new id
        // a later event of the same fleet (same key, same partition) is consumed after both: once it is posted, they
        // have been handled too
        send(f.event(FleetEventType.FLEET_HALTED, null, null, Map.of("GREEN", 3, "FAILED", 2),
                "failure budget 2 of 2 reached"));
        send(f.event(FleetEventType.FLEET_ENDED, null, null, Map.of("GREEN", 3, "FAILED", 2), null));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, f.ticket()).size() >= 4
                && delivered(RecordedMessage.TELEGRAM, f.ticket()).size() >= 4);

        for (String service : SERVICES) {
            List<RecordedMessage> posts = received(service, f.ticket());
            assertThat(posts).extracting(FleetThreadFlowTest::headline).satisfiesExactly(
                    t -> assertThat(t).startsWith("[FLEET MAINTENANCE]"),
                    t -> assertThat(t).startsWith("[WAVE 0 STARTED]"),
                    t -> assertThat(t).startsWith("[FLEET HALTED]"),
                    t -> assertThat(t).startsWith("[FLEET ENDED]"));
            assertOneThread(posts);
            // the fleet halted before it ended: the summary says so
            assertThat(posts.get(3).text()).contains("halted: yes", "failed: 2");
            assertThat(posts.get(2).text()).contains("Reason: failure budget 2 of 2 reached");
        }
        assertThat(rows("fleet", f.id())).hasSize(8);
    }

    @Test
    void aSingleLeaseCutoverStillGetsItsOwnThreadWithItsBannerWhileAFleetRuns() throws Exception {
        Fleet f = Fleet.fresh();
        send(f.event(FleetEventType.FLEET_STARTED, null, null, Map.of("PENDING", 2), null));
        String ticket = "CHG-" + UUID.randomUUID().toString().substring(0, 8);
        CutoverEvent single = CutoverEvent.builder().cutoverId("cut-" + ticket).leaseId("lease-us-" + ticket)
                .epoch(1).type(CutoverEventType.CUTOVER_STARTED).region(Region.US).ticketId(ticket)
                .previousVersion("2026.9.5").candidateVersion("2026.9.6").rollbackOwner("carol (America/Chicago)")
                .channels(List.of("slack:#ops")).startedAt(START).build();
        send(single);
        send(single.toBuilder().messageId(UUID.randomUUID().toString()).type(CutoverEventType.CUTOVER_GREEN)
                .endedAt(START.plusSeconds(900)).build());

        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, ticket).size() == 2
                && delivered(RecordedMessage.TELEGRAM, ticket).size() == 2
                && delivered(RecordedMessage.SLACK, f.ticket()).size() == 1
                && delivered(RecordedMessage.TELEGRAM, f.ticket()).size() == 1);
        for (String service : SERVICES) {
            List<RecordedMessage> posts = delivered(service, ticket);
            assertThat(headline(posts.get(0))).startsWith("[MAINTENANCE]");
            assertThat(parentOf(posts.get(0))).isNull();
            assertThat(headline(posts.get(1))).startsWith("[GREEN]");
            assertThat(parentOf(posts.get(1))).isEqualTo(idOf(posts.get(0)));
        }
        assertThat(rows("cutover", "cut-" + ticket)).hasSize(4).allSatisfy(r -> {
            assertThat(r.threadKey()).isEqualTo("cut-" + ticket);
            assertThat(r.threadRole()).isEqualTo(ThreadRole.CUTOVER);
            assertThat(r.fleetId()).isNull();
        });
    }

    @Test
    void tokenShapedTextInAFleetsReasonsIsMaskedBeforeItReachesTheChat() throws Exception {
        Fleet f = Fleet.fresh();
        String leaked = "xoxb-1111-2222-LeakedFromARequest";
        send(f.event(FleetEventType.FLEET_STARTED, null, null, Map.of("PENDING", 1), null));
        send(f.event(FleetEventType.REGION_PAUSED, 0, "US", Region.US, null, Map.of("PAUSED", 1),
                "control leases failed too; webhook said " + leaked));
        send(f.lease(f.leaseId(Region.US, 1), Region.US, 0, CutoverEventType.ROLLBACK_FAILED,
                "RESTORE FAILED: curl -H 'Authorization: Bearer " + leaked + "'"));

        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, f.ticket()).size() == 3
                && delivered(RecordedMessage.TELEGRAM, f.ticket()).size() == 3);
        for (String service : SERVICES) {
            List<RecordedMessage> posts = delivered(service, f.ticket());
            assertOneThread(posts);
            assertThat(posts).filteredOn(m -> headline(m).startsWith("[REGION PAUSED]")).singleElement()
                    .satisfies(m -> assertThat(m.text()).contains("region US", "webhook said [redacted]"));
            assertThat(posts).filteredOn(m -> headline(m).startsWith("[ROLLBACK FAILED]")).singleElement()
                    .satisfies(m -> assertThat(m.text()).contains("Bearer [redacted]"));
            assertThat(posts).noneSatisfy(m -> assertThat(m.text()).contains(leaked));
        }
    }

    @Test
    void aFleetIncidentWhoseBannerNeverArrivesIsPostedAfterTheBannerWaitRatherThanLost() throws Exception {
        Fleet f = Fleet.fresh();
        String lease = f.leaseId(Region.HK, 9);
        send(f.lease(lease, Region.HK, 2, CutoverEventType.ROLLBACK_FAILED, "RESTORE FAILED: disk full"));
        awaitStored(f, 1);
        Instant stored = Instant.now();
        // %test.notifier.delivery.fleet-banner-wait is 8 s
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, f.ticket()).size() == 1
                && delivered(RecordedMessage.TELEGRAM, f.ticket()).size() == 1);
        assertThat(Duration.between(stored, Instant.now())).isGreaterThan(Duration.ofSeconds(6));
        for (String service : SERVICES) {
            RecordedMessage m = delivered(service, f.ticket()).get(0);
            assertThat(headline(m)).startsWith("[ROLLBACK FAILED]").contains(lease);
            assertThat(parentOf(m)).isNull();
        }
    }
}
