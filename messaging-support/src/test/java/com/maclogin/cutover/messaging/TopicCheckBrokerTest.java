package com.maclogin.cutover.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/**
 * {@link TopicCheck}: which topics a service uses (from its configuration) and, against a real Kafka broker, that one
 * describe call finds the missing ones; an unreachable broker is told apart from a missing topic.
 */
class TopicCheckBrokerTest {

    private static Config config(Map<String, String> props) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(props, "test", 500)).build();
    }

    @Test
    void theTopicsOfAServiceAreItsKafkaChannelsTheDeadLettersAndWhatItDeclaresWithRegionsExpanded() {
        Config c = config(Map.of(
                "mp.messaging.incoming.steps.connector", "smallrye-kafka",
                "mp.messaging.incoming.steps.topic", "cutover.steps.hk",
                "mp.messaging.outgoing.results.connector", "smallrye-kafka",
                "mp.messaging.outgoing.results.topic", "cutover.step-results",
                "mp.messaging.incoming.memory.connector", "smallrye-in-memory",
                "mp.messaging.incoming.memory.topic", "not.kafka",
                "mp.messaging.incoming.off.connector", "smallrye-kafka",
                "mp.messaging.incoming.off.topic", "switched.off",
                "mp.messaging.incoming.off.enabled", "false"));
        assertThat(TopicCheck.topicsOf(c, "cutover.dead-letters", List.of("cutover.leases.{region}", " chat.deliveries ", "")))
                .containsExactlyInAnyOrder("cutover.steps.hk", "cutover.step-results", "cutover.dead-letters",
                        "cutover.leases.hk", "cutover.leases.jp", "cutover.leases.kr", "cutover.leases.sg", "cutover.leases.us",
                        "chat.deliveries");
    }

    @Test
    void oneDescribeFindsTheMissingTopicAndTheFailureNamesItAndTheCommandThatCreatesIt() throws Exception {
        String present = "present-" + UUID.randomUUID();
        String missing = "missing-" + UUID.randomUUID();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrap());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(present, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> kafka = Map.of("bootstrap.servers", SharedInfra.bootstrap(), "client.id", "svc");
        // a topic just created may need a moment to reach every broker's metadata: the present one is found
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> TopicCheck.describe(kafka, List.of(present), Duration.ofSeconds(5)).ok());

        long t0 = System.nanoTime();
        TopicCheck.Outcome o = TopicCheck.describe(kafka, List.of(present, missing), Duration.ofSeconds(5));
        System.out.printf("[measure] topic check of 2 topics: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(o.unreachable()).isFalse();
        assertThat(o.missing()).containsExactly(missing);
        assertThat(o.notAuthorized()).isEmpty();
        assertThat(o.ok()).isFalse();
        assertThat(TopicCheck.failure("probe-service", SharedInfra.bootstrap(), o))
                .startsWith("probe-service cannot start: Kafka topic(s) missing on " + SharedInfra.bootstrap() + ": " + missing + ".")
                .contains("./cutover topics apply --bootstrap-servers", "messaging.topic-check.enabled=false")
                .doesNotContain(present);
    }

    @Test
    void anUnreachableBrokerIsNotReportedAsMissingTopicsAndReturnsSoonAfterTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        TopicCheck.Outcome o = TopicCheck.describe(Map.of("bootstrap.servers", "127.0.0.1:" + port), List.of("a", "b"),
                Duration.ofSeconds(1));
        // bounded by the timeout: the client is abandoned, not waited for (Kafka's own default would be 60 s)
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8)); // 1 s plus a cold client on a loaded machine
        assertThat(o.unreachable()).isTrue();
        assertThat(o.missing()).isEmpty();
        assertThat(o.ok()).isFalse();
    }
}
