package com.maclogin.cutover.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.Config;

/**
 * {@link DeadLetters} in a service: its producer is built from the service's {@code kafka.*} keys (so it reaches a
 * TLS or SASL broker like the channels) with {@code acks=all} and idempotence, its counter registered in the service's
 * Micrometer registry. Apart from {@link MessagingBeans} so that a service without a database (probe-service) has it.
 */
@Singleton
public class DeadLetterBeans {

    @Produces
    @Singleton
    DeadLetters deadLetters(MessagingConfig config, Config kafkaConfig, Instance<MeterRegistry> registry) {
        MessagingConfig.DeadLetterTopic c = config.deadLetters();
        java.util.Properties props = KafkaClientProperties.outboxProducer(KafkaClientProperties.fromConfig(kafkaConfig),
                c.clientId(), c.sendTimeout());
        // a flood of dead letters (a batch of poison) leaves in few requests; a single one waits 5 ms at most
        props.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, "5");
        KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        return new DeadLetters(producer, new DeadLetters.Settings(c.topic(), c.consumer(),
                config.consumer().maxRecordBytes(), c.payloadPrefixBytes(), c.sendTimeout()),
                registry.isResolvable() ? registry.get() : null);
    }

    void close(@Disposes DeadLetters deadLetters) {
        deadLetters.close();
    }
}
