package com.maclogin.cutover.probe.it;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.probe.registry.LeaseRegistry;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.arc.Arc;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * What the orchestrator does for the worker under test: publishes a lease's registration to the region's lease
 * registry on the real broker, then waits until the worker's {@link LeaseRegistry} holds exactly that target.
 */
final class Registry {

    private static KafkaProducer<String, String> producer;

    private Registry() {
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        }
        return producer;
    }

    static LeaseRegistry worker() {
        return Arc.container().instance(LeaseRegistry.class).get();
    }

    /** Registers {@code leaseId} at {@code target} (in the target's region's registry) unless the worker holds it so. */
    static void register(String leaseId, LeaseTarget target) {
        if (worker().lookup(leaseId).map(r -> r.target().equals(target)).orElse(false)) {
            return;
        }
        publish(LeaseRegistration.of(leaseId, target, "STAGING", Instant.now()), Topics.leaseRegistry(target.region()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> worker().lookup(leaseId).map(r -> r.target().equals(target)).orElse(false));
    }

    static void publish(LeaseRegistration registration, String topic) {
        send(topic, registration.leaseId(), Json.write(registration));
    }

    static void send(String topic, String key, String value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }
}
