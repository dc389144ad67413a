package com.maclogin.cutover.orchestrator.it;


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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 point 5: 10,000 malformed records (seeded) on every topic the orchestrator consumes (null, random bytes,
 * truncated JSON, wrong types, not an object, missing ids, invalid values, a few over the size cap), then one good
 * record per topic. Every channel keeps running (the good records are processed), the service stays UP, and the
 * dead-letter topic holds exactly one dead letter per malformed record, from the right topic. Runs last (the class
 * order is {@code @Order}): the other classes read {@code cutover.events} from the start and parse every record.
 */
@QuarkusTest
@Order(Integer.MAX_VALUE)
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class PoisonRecordFuzzTest {

    /** Each consumed topic, the enum values its message may not have. */
    static final Map<String, List<String>> TOPICS = new LinkedHashMap<>();

    static {
        TOPICS.put(Topics.STEP_RESULTS, List.of("\"kind\":\"DANCE\"", "\"outcome\":\"EXPLODED\""));
        TOPICS.put(Topics.EVENTS, List.of("\"type\":\"CUTOVER_EXPLODED\"", "\"region\":\"MARS\""));
        TOPICS.put(Topics.PROBE_RESULTS, List.of("\"layer\":\"VIBES\"", "\"verdict\":\"MAYBE\""));
        TOPICS.put(Topics.BREACHES, List.of("\"trigger\":\"MOON_PHASE\"", "\"action\":\"PANIC\""));
        TOPICS.put(Topics.CHAT_DELIVERIES, List.of("\"attempts\":\"many\"", "\"attempts\":{\"n\":1}"));
        TOPICS.put(Topics.LEASE_WATCH, List.of("\"state\":\"GLOWING\"", "\"region\":\"MARS\""));
    }

    @TestHTTPResource("/q/health")
    URL health;

    @Inject
    EntityManager em;

    @Test
    void tenThousandMalformedRecordsPerConsumedTopicAreEachOneDeadLetterAndEveryChannelKeepsProcessing()
            throws Exception {
        PoisonFuzz.proveEveryChannelSurvives("orchestrator-service", KafkaKraftResource.bootstrapServers(), TOPICS,
                PoisonRecordFuzzTest::template, this::processed, health);
    }

    /** A minimal valid message of the topic's type with message id {@code id} (every other field absent). */
    static String template(String topic, String id) {
        if (Topics.LEASE_WATCH.equals(topic)) { // about a lease alone (no cutover id): a registered lease's report
            return "{\"messageId\":\"" + id + "\",\"leaseId\":\"hk-file-1\",\"timestamp\":\"2026-12-05T00:00:00Z\","
                    + "\"schemaVersion\":1,\"region\":\"HK\",\"state\":\"HEALTHY\",\"workerId\":\"probe-hk-fuzz\","
                    + "\"observedAt\":\"2026-12-05T00:00:00Z\"}";
        }
        return "{\"messageId\":\"" + id + "\",\"cutoverId\":\"co-fuzz\",\"leaseId\":\"hk-1\","
                + "\"timestamp\":\"2026-12-05T00:00:00Z\",\"schemaVersion\":1}";
    }

    long processed(java.util.Collection<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from inbox where message_id in (:ids)").setParameter("ids", ids).getSingleResult())
                .longValue());
    }
}
