package com.maclogin.cutover.probe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Plain JUnit, no Quarkus: every outgoing Kafka channel the worker configures in {@code application.properties} is an
 * {@code acks=all}, idempotent producer (docs/architecture.md "Kafka cluster"), so a result, probe result or breach
 * acknowledged by the cluster is on two in-sync replicas and a retry after a leader change cannot duplicate it.
 */
class ChannelProducerDurabilityTest {

    @Test
    void everyOutgoingChannelWaitsForAllInSyncReplicasAndIsIdempotent() throws IOException {
        Properties p = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            assertThat(in).as("probe-service application.properties on the test classpath").isNotNull();
            p.load(in);
        }
        Set<String> channels = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("mp.messaging.outgoing.") && key.endsWith(".connector")) {
                channels.add(key.substring("mp.messaging.outgoing.".length(), key.length() - ".connector".length()));
            }
        }
        assertThat(channels).contains("step-results", "probe-results", "breaches");
        for (String c : channels) {
            assertThat(p.getProperty("mp.messaging.outgoing." + c + ".acks")).as(c + " acks").isEqualTo("all");
            assertThat(p.getProperty("mp.messaging.outgoing." + c + ".enable.idempotence")).as(c + " idempotence")
                    .isEqualTo("true");
        }
    }
}
