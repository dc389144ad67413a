package com.maclogin.cutover.notifier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.chatfakes.RecordedMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.notifier.service.NotificationView;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lease health alerts (issue 12) end to end inside the module: {@code LeaseHealthEvent}s on {@code lease.health}
 * through a real Kafka broker, rows and the per-lease alert state in real PostgreSQL, posts through the real SDKs to
 * the chat fakes. Same test resources as the other flow tests (one Quarkus start). Every lease id is fresh per test;
 * messages are told apart by it.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ChatFakesResource.class, scope = TestResourceScope.GLOBAL)
class LeaseAlertFlowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant DOWN_AT = Instant.parse("2026-12-06T04:00:00Z");
    private static final List<String> SERVICES = List.of(RecordedMessage.SLACK, RecordedMessage.TELEGRAM);
    private static KafkaProducer<String, String> producer;

    @Inject
    EntityManager em;

    @Inject
    com.maclogin.cutover.notifier.service.LeaseAlertService alerts;

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

    private static String freshLease(String region) {
        return region + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static LeaseHealthEvent change(String lease, Region region, LeaseHealthState prev, LeaseHealthState state,
            Instant since, String reason, String activeCutover, boolean alert) {
        return new LeaseHealthEvent(UUID.randomUUID().toString(), lease, Instant.now(), 1, region, "PRODUCTION",
                LeaseHealthEventKind.STATE_CHANGED, state, prev, reason, since, null, activeCutover, alert);
    }

    private static LeaseHealthEvent cert(String lease, Region region, LeaseHealthEventKind kind, int days) {
        return new LeaseHealthEvent(UUID.randomUUID().toString(), lease, Instant.now(), 1, region, "STAGING", kind,
                LeaseHealthState.HEALTHY, LeaseHealthState.HEALTHY, "TLS certificate: " + days + " days left",
                DOWN_AT, days, null, true);
    }

    private static void send(LeaseHealthEvent e) throws Exception {
        send(e.leaseId(), Json.write(e));
    }

    private static void send(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.LEASE_HEALTH, key, value)).get();
    }

    /** Accepted posts (200, ok) on one service that name the lease. */
    private static List<RecordedMessage> delivered(String service, String lease) {
        return ChatFakesResource.fakes().delivered(service).stream().filter(m -> m.text().contains(lease)).toList();
    }

    /** Every request on one service that names the lease, accepted or not. */
    private static List<RecordedMessage> received(String service, String lease) {
        return ChatFakesResource.fakes().recorded().stream()
                .filter(m -> m.service().equals(service) && m.text() != null && m.text().contains(lease)).toList();
    }

    private static void awaitDelivered(String lease, int perChannel) {
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, lease).size() >= perChannel
                && delivered(RecordedMessage.TELEGRAM, lease).size() >= perChannel);
    }

    private static List<NotificationView> rows(String lease) {
        return Arrays.asList(given().queryParam("lease", lease).when().get("/api/v1/notifications")
                .then().statusCode(200).extract().as(NotificationView[].class));
    }

    private static String headline(RecordedMessage m) {
        return m.text().lines().findFirst().orElse("");
    }

    private static String parentOf(RecordedMessage m) {
        return m.service().equals(RecordedMessage.SLACK) ? m.threadTs()
                : m.replyTo() == null ? null : String.valueOf(m.replyTo());
    }

    private static String idOf(RecordedMessage m) {
        return m.service().equals(RecordedMessage.SLACK) ? m.ts() : String.valueOf(m.messageId());
    }

    private long inbox(String messageId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from notifier.processed_event where message_id = ?1").setParameter(1, messageId)
                .getSingleResult()).longValue());
    }

    @Test
    void aDownIsPostedOnceOnEachChannelARedeliveryAndADuplicateDownPostNothingAndTheRecoveryRepliesToIt()
            throws Exception {
        String lease = freshLease("hk");
        String leaked = "xoxb-1111-2222-LeakedFromTheGatewayLog";
        LeaseHealthEvent down = change(lease, Region.HK, LeaseHealthState.HEALTHY, LeaseHealthState.DOWN, DOWN_AT,
                "launchd: not running (last exit 78); log says token " + leaked, null, true);
        send(down);
        awaitDelivered(lease, 1);

        send(down); // redelivered: same message id
        // the same DOWN from a second orchestrator instance (new message id, a little later)
        send(change(lease, Region.HK, LeaseHealthState.HEALTHY, LeaseHealthState.DOWN, DOWN_AT.plusSeconds(3),
                "launchd: not running", null, true));
        // recovered 5 minutes later; same key, same partition: consumed after the two above
        send(change(lease, Region.HK, LeaseHealthState.DOWN, LeaseHealthState.HEALTHY, DOWN_AT.plusSeconds(300),
                "every layer passed", null, true));
        awaitDelivered(lease, 2);

        for (String service : SERVICES) {
            List<RecordedMessage> posts = received(service, lease);
            assertThat(posts).as("everything %s received for %s", service, lease).hasSize(2);
            assertThat(headline(posts.get(0))).isEqualTo("[LEASE DOWN] lease " + lease + " (HK, PRODUCTION) is DOWN "
                    + "since 2026-12-06 04:00:00 UTC: launchd: not running (last exit 78); log says token [redacted]");
            assertThat(parentOf(posts.get(0))).isNull();
            assertThat(headline(posts.get(1))).isEqualTo("[LEASE RECOVERED] lease " + lease + " (HK, PRODUCTION) is "
                    + "HEALTHY again since 2026-12-06 04:05:00 UTC, after 5 min 00 s DOWN (since 2026-12-06 04:00:00 UTC)");
            assertThat(parentOf(posts.get(1))).isEqualTo(idOf(posts.get(0)));
            assertThat(posts).noneSatisfy(m -> assertThat(m.text()).contains(leaked));
        }
        assertThat(received(RecordedMessage.SLACK, lease)).allSatisfy(
                m -> assertThat(m.channelOrChat()).isEqualTo(ChatFakesResource.SLACK_CHANNEL));
        // on Slack the recovery is shown in the channel as well as in the DOWN message's thread
        assertThat(received(RecordedMessage.SLACK, lease).get(1).replyBroadcast()).isTrue();
        assertThat(rows(lease)).hasSize(4).allSatisfy(r -> {
            assertThat(r.threadRole()).isEqualTo(ThreadRole.LEASE);
            assertThat(r.threadKey()).isEqualTo("lease:" + lease + "#1");
            assertThat(r.cutoverId()).isNull();
            assertThat(r.status()).isEqualTo(NotificationStatus.POSTED);
        }).extracting(NotificationView::eventType)
                .containsExactly("LEASE_DOWN", "LEASE_DOWN", "LEASE_RECOVERED", "LEASE_RECOVERED");
        // a lease alert belongs to no cutover: no ChatDelivered for the orchestrator's cutover streams
        long outbox = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from notifier.outbox where payload like ?1").setParameter(1, "%" + lease + "%")
                .getSingleResult()).longValue());
        assertThat(outbox).isZero();
    }

    @Test
    void eventsWithoutAlertPostNothingAndACertificateWarningIsPostedOnceWithItsRenewalAsAReplyInTheRegionsChannel()
            throws Exception {
        String lease = freshLease("jp");
        // inside a cutover: the orchestrator marks these alert=false
        send(change(lease, Region.JP, LeaseHealthState.HEALTHY, LeaseHealthState.DOWN, DOWN_AT, "APPLICATION: /readyz 503",
                "cut-" + lease, false));
        send(change(lease, Region.JP, LeaseHealthState.DOWN, LeaseHealthState.DEGRADED, DOWN_AT.plusSeconds(60),
                "DISK: 4% free", "cut-" + lease, false));
        send(cert(lease, Region.JP, LeaseHealthEventKind.CERT_EXPIRING, 9));
        send(cert(lease, Region.JP, LeaseHealthEventKind.CERT_EXPIRING, 8)); // a repeat a day later: no change
        send(cert(lease, Region.JP, LeaseHealthEventKind.CERT_RENEWED, 89));
        awaitDelivered(lease, 2);

        for (String service : SERVICES) {
            List<RecordedMessage> posts = received(service, lease);
            assertThat(posts).as("everything %s received for %s", service, lease).hasSize(2);
            assertThat(headline(posts.get(0))).isEqualTo("[CERT EXPIRING] certificate of lease " + lease
                    + " (JP, STAGING) expires in 9 days");
            assertThat(parentOf(posts.get(0))).isNull();
            assertThat(headline(posts.get(1))).isEqualTo("[CERT RENEWED] certificate of lease " + lease
                    + " (JP, STAGING) renewed: 89 days left");
            assertThat(parentOf(posts.get(1))).isEqualTo(idOf(posts.get(0)));
        }
        // JP has its own Slack channel (notifier.slack.region-channels.JP)
        assertThat(received(RecordedMessage.SLACK, lease)).allSatisfy(
                m -> assertThat(m.channelOrChat()).isEqualTo(ChatFakesResource.SLACK_JP_CHANNEL));
        assertThat(rows(lease)).extracting(NotificationView::eventType)
                .containsExactly("CERT_EXPIRING", "CERT_EXPIRING", "CERT_RENEWED", "CERT_RENEWED");
    }

    @Test
    void aRecoveryWithNoDownMessageOpenIsPostedStandaloneAndANewDownAfterItOpensANewThread() throws Exception {
        String lease = freshLease("sg");
        send(change(lease, Region.SG, LeaseHealthState.DOWN, LeaseHealthState.HEALTHY, DOWN_AT, "every layer passed",
                null, true));
        awaitDelivered(lease, 1);
        send(change(lease, Region.SG, LeaseHealthState.HEALTHY, LeaseHealthState.DOWN, DOWN_AT.plusSeconds(600),
                "PROCESS: crash-looping (4 exits in 60 s)", null, true));
        awaitDelivered(lease, 2);
        for (String service : SERVICES) {
            List<RecordedMessage> posts = received(service, lease);
            assertThat(posts).hasSize(2);
            assertThat(headline(posts.get(0))).startsWith("[LEASE RECOVERED]").endsWith("(was DOWN)");
            assertThat(headline(posts.get(1))).startsWith("[LEASE DOWN]").contains("crash-looping");
            assertThat(posts).allSatisfy(m -> assertThat(parentOf(m)).isNull());
        }
        assertThat(rows(lease)).extracting(NotificationView::threadKey)
                .containsExactly("lease:" + lease + "#1", "lease:" + lease + "#1", "lease:" + lease + "#2",
                        "lease:" + lease + "#2");
    }

    @Test
    void anInvalidLeaseHealthEventIsDeadLetteredWithTheReasonAndTheNextOnePostsAsUsual() throws Exception {
        String lease = freshLease("us");
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> invalid = new HashMap<>();
        invalid.put("bad-lease-" + run, "{\"messageId\":\"m-bad-" + run + "\",\"leaseId\":\"Not A Lease!\","
                + "\"timestamp\":\"2026-12-06T04:00:00Z\",\"schemaVersion\":1,\"kind\":\"STATE_CHANGED\","
                + "\"state\":\"DOWN\",\"alert\":true}");
        invalid.put("no-kind-" + run, "{\"messageId\":\"m-nokind-" + run + "\",\"leaseId\":\"" + lease + "\","
                + "\"timestamp\":\"2026-12-06T04:00:00Z\",\"schemaVersion\":1,\"state\":\"DOWN\",\"alert\":true}");
        invalid.put("bad-state-" + run, "{\"messageId\":\"m-mars-" + run + "\",\"leaseId\":\"" + lease + "\","
                + "\"kind\":\"STATE_CHANGED\",\"state\":\"ON_FIRE\",\"alert\":true}");
        invalid.put("not-json-" + run, "{\"messageId\":");
        for (Map.Entry<String, String> e : invalid.entrySet()) {
            send(e.getKey(), e.getValue());
        }
        LeaseHealthEvent down = change(lease, Region.US, LeaseHealthState.HEALTHY, LeaseHealthState.DOWN, DOWN_AT,
                "TCP: connection refused on 18789", null, true);
        send(down);
        awaitDelivered(lease, 1);

        Map<String, JsonNode> letters = deadLetters(invalid.keySet());
        assertThat(letters).containsOnlyKeys(invalid.keySet());
        assertThat(letters.values()).allSatisfy(l -> assertThat(l.get("sourceTopic").asText()).isEqualTo(Topics.LEASE_HEALTH));
        assertThat(letters.get("bad-lease-" + run).get("reason").asText()).isEqualTo("INVALID");
        assertThat(letters.get("bad-lease-" + run).get("detail").asText()).contains("lease id 'Not A Lease!' is not valid");
        assertThat(letters.get("no-kind-" + run).get("reason").asText()).isEqualTo("INVALID");
        assertThat(letters.get("no-kind-" + run).get("detail").asText()).contains("kind is required");
        assertThat(letters.get("bad-state-" + run).get("reason").asText()).isEqualTo("WRONG_SHAPE");
        assertThat(letters.get("not-json-" + run).get("reason").asText()).isEqualTo("NOT_JSON");
        // the refused ones left nothing behind: no inbox row, no chat message
        assertThat(inbox("m-bad-" + run) + inbox("m-nokind-" + run)).isZero();
        assertThat(inbox(down.messageId())).isEqualTo(1);
        for (String service : SERVICES) {
            assertThat(received(service, lease)).singleElement()
                    .satisfies(m -> assertThat(headline(m)).startsWith("[LEASE DOWN] lease " + lease + " (US, PRODUCTION)"));
        }
    }

    @Test
    void twoConsumersApplyingTheSameChangeAtTheSameInstantStoreItOnceTheLeasesRowLockSerialisesThem() throws Exception {
        String lease = freshLease("kr");
        // the lease's row exists (the lock has something to lock): HEALTHY, no alert
        QuarkusTransaction.requiringNew().run(() -> alerts.accept(change(lease, Region.KR, LeaseHealthState.UNKNOWN,
                LeaseHealthState.HEALTHY, DOWN_AT, "every layer passed", null, false)));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= 8; round++) {
                boolean down = round % 2 == 1;
                LeaseHealthState prev = down ? LeaseHealthState.HEALTHY : LeaseHealthState.DOWN;
                LeaseHealthState state = down ? LeaseHealthState.DOWN : LeaseHealthState.HEALTHY;
                Instant since = DOWN_AT.plusSeconds(60L * round);
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                List<java.util.concurrent.Future<Integer>> both = new ArrayList<>();
                for (int instance = 0; instance < 2; instance++) {
                    // the same change as two orchestrator instances announce it: other message ids
                    LeaseHealthEvent e = change(lease, Region.KR, prev, state, since, "round " + round, null, true);
                    both.add(pool.submit(() -> {
                        together.await();
                        return QuarkusTransaction.requiringNew().call(() -> alerts.accept(e));
                    }));
                }
                int stored = both.get(0).get() + both.get(1).get();
                assertThat(stored).as("rows stored in round %d (one per channel, from one of the two)", round)
                        .isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rows(lease)).hasSize(16).extracting(NotificationView::eventType).containsOnly("LEASE_DOWN",
                "LEASE_RECOVERED");
    }

    /** The dead letters on {@code cutover.dead-letters} keyed with one of {@code keys} (each the original record's key). */
    private static Map<String, JsonNode> deadLetters(java.util.Set<String> keys) throws Exception {
        Map<String, JsonNode> found = new HashMap<>();
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.DEAD_LETTERS).forEach(
                    pi -> partitions.add(new TopicPartition(Topics.DEAD_LETTERS, pi.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long until = System.currentTimeMillis() + TIMEOUT.toMillis();
            while (found.size() < keys.size() && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && keys.contains(r.key())) {
                        found.put(r.key(), Json.MAPPER.readTree(r.value()));
                    }
                }
            }
        }
        return found;
    }
}
