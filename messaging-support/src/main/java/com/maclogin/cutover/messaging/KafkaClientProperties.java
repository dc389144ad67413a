package com.maclogin.cutover.messaging;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

/**
 * Kafka client properties taken from the service's normal Kafka configuration: every {@code kafka.*} key of the
 * MicroProfile config (or {@code KAFKA_*} environment variable), read the way Quarkus builds the
 * {@code default-kafka-broker} map that the SmallRye connector gives every channel. A client built here therefore
 * gets {@code bootstrap.servers} and also {@code security.protocol}, {@code sasl.*} and {@code ssl.*}: a broker that
 * needs TLS or SASL is reached by the hand-built clients exactly as by the channels.
 */
public final class KafkaClientProperties {

    private static final String PREFIX = "kafka";
    private static final String TLS_CONFIGURATION_NAME = "tls-configuration-name";
    /** What Quarkus sets for {@code kafka.tls-configuration-name}: the TLS registry's engine factory (named, not linked). */
    static final String QUARKUS_SSL_ENGINE_FACTORY = "io.quarkus.kafka.client.tls.QuarkusKafkaSslEngineFactory";
    /** Longest wait for a request, and for metadata when the broker is unreachable, unless the service configures them. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_BLOCK = Duration.ofSeconds(10);

    private KafkaClientProperties() {
    }

    /** The service's Kafka configuration, keys without the {@code kafka.} prefix ({@code kafka.ui.*} is not client config). */
    public static Map<String, Object> fromConfig(Config config) {
        Map<String, Object> props = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!(lower.startsWith(PREFIX + ".") || lower.startsWith(PREFIX + "_")) || lower.startsWith(PREFIX + ".ui")) {
                continue;
            }
            String key = lower.substring(PREFIX.length() + 1).replace('_', '.');
            String value = config.getOptionalValue(name, String.class).orElse("");
            if (key.equals(TLS_CONFIGURATION_NAME) || key.equals("tls.configuration.name")) {
                props.put(TLS_CONFIGURATION_NAME, value);
                props.put("ssl.engine.factory.class", QUARKUS_SSL_ENGINE_FACTORY);
            } else {
                props.put(key, value);
            }
        }
        return props;
    }

    /**
     * Properties of the outbox relay's producer: the service's Kafka configuration (consumer-only keys left out) over
     * timeouts that fit {@code sendTimeout}, under what the relay's guarantees need: acks from all in-sync replicas,
     * the idempotent producer (no duplicates or reordering from its own retries), string key and value. The delivery
     * timeout is the send timeout, so a record the relay stopped waiting for is not delivered much later.
     */
    public static Properties outboxProducer(Map<String, Object> serviceKafka, String clientId, Duration sendTimeout) {
        long send = Math.max(1_000, sendTimeout.toMillis());
        Properties p = new Properties();
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(send, REQUEST_TIMEOUT.toMillis())));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(send));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(Math.min(send, MAX_BLOCK.toMillis())));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        serviceKafka.forEach((key, value) -> {
            if (!ConsumerConfig.configNames().contains(key) || ProducerConfig.configNames().contains(key)) {
                p.put(key, value);
            }
        });
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }
}
