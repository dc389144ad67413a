package com.maclogin.cutover.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }

    @Test
    void saslSslSettingsOfTheServiceKafkaConfigReachTheOutboxProducer() {
        SmallRyeConfig config = config(Map.of(
                "kafka.bootstrap.servers", "broker-1:9096",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "kafka.ssl.truststore.location", "/etc/kafka/truststore.p12",
                "mp.messaging.incoming.events.topic", "cutover.events",
                "quarkus.application.name", "orchestrator-service"));

        Properties p = KafkaClientProperties.outboxProducer(KafkaClientProperties.fromConfig(config),
                "orchestrator-service-outbox", Duration.ofSeconds(10));

        assertThat(p).containsEntry("bootstrap.servers", "broker-1:9096")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .doesNotContainKeys("topic", "events.topic", "application.name");
        // what kafka-clients makes of them: the producer really is a SASL_SSL / SCRAM-SHA-512 client
        ProducerConfig producer = new ProducerConfig(p);
        assertThat(producer.getString("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(producer.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
    }

    @Test
    void environmentVariablesCountLikeTheirDottedKeys() {
        SmallRyeConfig config = config(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker-2:9093",
                "KAFKA_SECURITY_PROTOCOL", "SSL"));

        assertThat(KafkaClientProperties.fromConfig(config)).containsEntry("bootstrap.servers", "broker-2:9093")
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void theSaslAndMtlsEnvironmentOfADeploymentReachesTheOutboxAndDeadLetterProducers() {
        // the variables LocalStack and a production deployment set (README "Kafka security"): SCRAM over TLS ...
        SmallRyeConfig sasl = config(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"probe-hk\" password=\"s3cret\";",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM", "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.pem"));
        // ... or a client certificate (mTLS)
        SmallRyeConfig mtls = config(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9094", "KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_KEYSTORE_TYPE", "PEM", "KAFKA_SSL_KEYSTORE_LOCATION", "/etc/kafka/probe-hk.pem",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM", "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.pem"));

        for (String clientId : new String[] {"probe-service-outbox", "probe-service-dead-letters"}) {
            ProducerConfig s = new ProducerConfig(KafkaClientProperties.outboxProducer(KafkaClientProperties.fromConfig(sasl),
                    clientId, Duration.ofSeconds(10)));
            assertThat(s.getString("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(s.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            assertThat(s.getPassword("sasl.jaas.config").value()).contains("username=\"probe-hk\"");
            assertThat(s.getString("ssl.truststore.type")).isEqualTo("PEM");
            assertThat(s.getString("ssl.truststore.location")).isEqualTo("/etc/kafka/ca.pem");

            ProducerConfig m = new ProducerConfig(KafkaClientProperties.outboxProducer(KafkaClientProperties.fromConfig(mtls),
                    clientId, Duration.ofSeconds(10)));
            assertThat(m.getString("security.protocol")).isEqualTo("SSL");
            assertThat(m.getString("ssl.keystore.type")).isEqualTo("PEM");
            assertThat(m.getString("ssl.keystore.location")).isEqualTo("/etc/kafka/probe-hk.pem");
            assertThat(m.getString("ssl.truststore.location")).isEqualTo("/etc/kafka/ca.pem");
        }
    }

    @Test
    void theRelaysGuaranteesWinOverTheServiceConfigAndConsumerOnlyKeysAreLeftOut() {
        Properties p = KafkaClientProperties.outboxProducer(Map.of("bootstrap.servers", "b:9092", "acks", "1",
                "enable.idempotence", "false", "group.id", "orchestrator-service", "auto.offset.reset", "earliest",
                "request.timeout.ms", "7000"), "rollback-service-outbox", Duration.ofSeconds(10));

        assertThat(p).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("client.id", "rollback-service-outbox")
                .containsEntry("request.timeout.ms", "7000") // a tuning of the service is kept
                .containsEntry("delivery.timeout.ms", "10000")
                .doesNotContainKeys("group.id", "auto.offset.reset");
        assertThat(new ProducerConfig(p).getInt("request.timeout.ms")).isEqualTo(7000);
    }

    @Test
    void aQuarkusTlsConfigurationNameSelectsTheQuarkusSslEngineFactory() {
        Map<String, Object> props = KafkaClientProperties.fromConfig(config(Map.of("kafka.tls-configuration-name", "kafka-tls")));

        assertThat(props).containsEntry("tls-configuration-name", "kafka-tls")
                .containsEntry("ssl.engine.factory.class", KafkaClientProperties.QUARKUS_SSL_ENGINE_FACTORY);
    }

    @Test
    void kafkaUiKeysAreNotClientConfiguration() {
        assertThat(KafkaClientProperties.fromConfig(config(Map.of("kafka.ui.enabled", "true",
                "kafka.bootstrap.servers", "b:9092")))).containsOnlyKeys("bootstrap.servers");
    }
}
