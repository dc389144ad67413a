package com.maclogin.cutover.orchestrator.it;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays rollback-service for leases whose id starts with a prefix (so it never answers another test's rollback):
 * every RollbackRequested on cutover.rollbacks is answered with ROLLED_BACK on cutover.events at the request's epoch.
 */
final class FakeRollbackService implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final String leasePrefix;
    final List<RollbackRequested> answered = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    FakeRollbackService(String bootstrap, String leasePrefix) {
        this.leasePrefix = leasePrefix;
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "fake-rollback-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        consumer.subscribe(List.of(Topics.ROLLBACK_REQUESTS));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        thread = new Thread(this::loop, "fake-rollback-service");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(100))) {
                RollbackRequested rr = Json.read(rec.value(), RollbackRequested.class);
                if (rr.leaseId() == null || !rr.leaseId().startsWith(leasePrefix) || rr.arms()) {
                    continue;
                }
                answered.add(rr);
                CutoverEvent e = CutoverEvent.builder().cutoverId(rr.cutoverId()).leaseId(rr.leaseId()).epoch(rr.epoch())
                        .type(CutoverEventType.ROLLED_BACK).region(rr.target().region()).ticketId(rr.ticketId())
                        .previousVersion(rr.previousVersion()).candidateVersion(rr.candidateVersion())
                        .rollbackOwner(rr.rollbackOwner()).channels(List.of()).startedAt(Instant.now())
                        .endedAt(Instant.now()).reason("restored " + rr.previousVersion() + ", hashes verified").build();
                try {
                    producer.send(new ProducerRecord<>(Topics.EVENTS, rr.leaseId(), Json.write(e))).get();
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
        consumer.close();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(1));
    }
}
