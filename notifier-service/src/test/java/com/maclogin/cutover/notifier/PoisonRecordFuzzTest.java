package com.maclogin.cutover.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import com.maclogin.cutover.testing.PoisonFuzz;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 point 5: 10,000 malformed records (seeded) on every topic notifier-service consumes (null, random bytes,
 * truncated JSON, wrong types, not an object, missing ids, invalid values, a few over the size cap), then one good
 * record per topic. Every channel keeps running (the good records are processed), the service stays UP, and the
 * dead-letter topic holds exactly one dead letter per malformed record, from the right topic.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ChatFakesResource.class, scope = TestResourceScope.GLOBAL)
class PoisonRecordFuzzTest {

    static final long SEED = 20261205L;
    static final int PER_TOPIC = 10_000;
    static final int HUGE = 3;
    static final int HUGE_BYTES = 600 * 1024;

    /** Each consumed topic, the enum values its message may not have. */
    static final Map<String, List<String>> TOPICS = new LinkedHashMap<>();

    static {
        TOPICS.put(Topics.EVENTS, List.of("\"type\":\"CUTOVER_EXPLODED\"", "\"region\":\"MARS\""));
        TOPICS.put(Topics.FLEET_EVENTS, List.of("\"type\":\"FLEET_EXPLODED\"", "\"counts\":{\"a\":\"b\"}"));
    }

    @TestHTTPResource("/q/health")
    URL health;

    @Inject
    EntityManager em;

    @Test
    void tenThousandMalformedRecordsPerConsumedTopicAreEachOneDeadLetterAndEveryChannelKeepsProcessing()
            throws Exception {
        String bootstrap = KafkaKraftResource.bootstrapServers();
        String run = Long.toString(System.nanoTime(), 36);
        PoisonFuzz.Report report = PoisonFuzz.run(bootstrap, TOPICS, topic -> template(topic, "m"), SEED, PER_TOPIC,
                HUGE, HUGE_BYTES, Duration.ofMinutes(3));
        long t0 = System.nanoTime();

        // one good record per topic after the poison: each channel is alive if its inbox records it
        Map<String, String> good = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (String topic : TOPICS.keySet()) {
                String id = "good-" + run + "-" + UUID.randomUUID();
                good.put(topic, id);
                producer.send(new ProducerRecord<>(topic, "hk-1", template(topic, id))).get(10, TimeUnit.SECONDS);
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(processed(good.values())).isEqualTo(good.size()));
        System.out.println(report.summary("notifier-service"));
        System.out.printf("poison fuzz (notifier-service): the good record of each topic processed %d ms later%n",
                (System.nanoTime() - t0) / 1_000_000);

        assertThat(report.total()).isEqualTo(TOPICS.size() * PER_TOPIC);
        assertThat(report.letters().keySet()).noneMatch(k -> k.startsWith("wrong-topic:"));
        assertThat(report.letters().size()).isEqualTo(report.total());
        assertThat(report.letters().values().stream().filter(n -> n != 1).count()).isZero();
        HttpResponse<String> up = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(health.toString()))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(up.body()).contains("\"status\": \"UP\"").doesNotContain("DOWN");
    }

    /** A minimal valid message of the topic's type with message id {@code id} (every other field absent). */
    static String template(String topic, String id) {
        String ids = Topics.FLEET_EVENTS.equals(topic) ? "\"fleetId\":\"fleet-fuzz\","
                : "\"cutoverId\":\"co-fuzz\",\"leaseId\":\"hk-1\",";
        return "{\"messageId\":\"" + id + "\"," + ids
                + "\"timestamp\":\"2026-12-05T00:00:00Z\",\"schemaVersion\":1}";
    }

    long processed(java.util.Collection<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from notifier.processed_event where message_id in (:ids)").setParameter("ids", ids).getSingleResult())
                .longValue());
    }
}
