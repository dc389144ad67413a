package com.maclogin.cutover.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker in KRaft mode, in the test JVM. Attach with
 * {@code @WithTestResource(KafkaKraftResource.class)}; it sets {@code kafka.bootstrap.servers}.
 */
public class KafkaKraftResource implements QuarkusTestResourceLifecycleManager {

    private static KafkaClusterTestKit cluster;

    @Override
    public Map<String, String> start() {
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction()).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "true")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return Map.of("kafka.bootstrap.servers", cluster.bootstrapServers());
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker", e);
        }
    }

    /** The running broker's bootstrap servers, for tests that produce or consume directly. */
    public static String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                // best effort: the JVM is ending
            }
            cluster = null;
        }
    }
}
