package com.maclogin.cutover.notifier;


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
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Each consumed topic, the enum values its message may not have. */
    static final Map<String, List<String>> TOPICS = new LinkedHashMap<>();

    static {
        TOPICS.put(Topics.EVENTS, List.of("\"type\":\"CUTOVER_EXPLODED\"", "\"region\":\"MARS\""));
        TOPICS.put(Topics.FLEET_EVENTS, List.of("\"type\":\"FLEET_EXPLODED\"", "\"counts\":{\"a\":\"b\"}"));
        TOPICS.put(Topics.LEASE_HEALTH, List.of("\"kind\":\"CERT_EXPLODED\"", "\"state\":\"ON_FIRE\"",
                "\"kind\":null", "\"leaseId\":\"Not A Lease\""));
    }

    @TestHTTPResource("/q/health")
    URL health;

    @Inject
    EntityManager em;

    @Test
    void tenThousandMalformedRecordsPerConsumedTopicAreEachOneDeadLetterAndEveryChannelKeepsProcessing()
            throws Exception {
        PoisonFuzz.proveEveryChannelSurvives("notifier-service", KafkaKraftResource.bootstrapServers(), TOPICS,
                PoisonRecordFuzzTest::template, this::processed, health);
    }

    /** A minimal valid message of the topic's type with message id {@code id} (every other field absent). */
    static String template(String topic, String id) {
        if (Topics.LEASE_HEALTH.equals(topic)) {
            // a lease message: no cutover id; kind and state are required (the notifier refuses the event without)
            return "{\"messageId\":\"" + id + "\",\"leaseId\":\"hk-1\",\"timestamp\":\"2026-12-05T00:00:00Z\","
                    + "\"schemaVersion\":1,\"kind\":\"STATE_CHANGED\",\"state\":\"HEALTHY\",\"alert\":false}";
        }
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
