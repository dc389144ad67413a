package com.maclogin.cutover.rollback.it;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the HK regional worker over the real broker: reads RunSteps from {@code cutover.steps.hk}, answers them on the
 * command's replyTo topic with whatever the test's responder says, and records every CutoverEvent.
 */
final class RegionalWorkerDouble implements AutoCloseable {

    final List<RunStep> commands = new CopyOnWriteArrayList<>();
    final List<CutoverEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, Function<RunStep, StepResult>> responders = new ConcurrentHashMap<>();
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread poller;
    private volatile boolean running = true;
    private volatile boolean assigned;

    RegionalWorkerDouble(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String topic : Topics.all()) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "worker-double-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        consumer.subscribe(List.of(Topics.stepCommands(com.maclogin.cutover.contracts.Region.HK), Topics.EVENTS));
        poller = new Thread(this::pollLoop, "regional-worker-double");
        poller.setDaemon(true);
        poller.start();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!assigned && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        if (!assigned) {
            throw new IllegalStateException("worker double got no partitions");
        }
    }

    private void pollLoop() {
        while (running) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                if (Topics.EVENTS.equals(r.topic())) {
                    events.add(Json.read(r.value(), CutoverEvent.class));
                } else {
                    RunStep cmd = Json.read(r.value(), RunStep.class);
                    commands.add(cmd);
                    Function<RunStep, StepResult> responder = responders.get(cmd.cutoverId());
                    StepResult answer = responder == null ? null : responder.apply(cmd);
                    if (answer != null) {
                        reply(cmd.replyTo(), answer);
                    }
                }
            }
            if (!consumer.assignment().isEmpty()) {
                assigned = true;
            }
        }
        consumer.close(Duration.ofSeconds(1));
    }

    /** Answers every command of this cutover with {@code responder}; a null answer means "stay silent". */
    void answer(String cutoverId, Function<RunStep, StepResult> responder) {
        responders.put(cutoverId, responder);
    }

    void send(String topic, CutoverMessage message) {
        try {
            producer.send(new ProducerRecord<>(topic, message.leaseId(), Json.write(message))).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    void reply(String topic, StepResult result) {
        send(topic, result);
    }

    List<RunStep> commandsOf(String cutoverId) {
        return commands.stream().filter(c -> c.cutoverId().equals(cutoverId)).toList();
    }

    List<CutoverEvent> eventsOf(String cutoverId) {
        return events.stream().filter(e -> e.cutoverId().equals(cutoverId)).toList();
    }

    /** An answer as probe-service gives it: the facts, and the typed report filled from them. */
    static StepResult result(RunStep cmd, StepOutcome outcome, String reason, Map<String, String> facts) {
        Map<String, String> f = facts == null ? Map.of() : facts;
        return StepResult.answering(cmd).outcome(outcome).reason(reason).facts(f)
                .report(StepReport.fromFacts(cmd.kind(), f)).evidence(new ArrayList<>()).durationMillis(12)
                .workerId("worker-double-hk").build();
    }

    /** An answer carrying only the typed report, no facts. */
    static StepResult reported(RunStep cmd, StepOutcome outcome, StepReport report) {
        return StepResult.answering(cmd).outcome(outcome).report(report).durationMillis(12)
                .workerId("worker-double-hk").build();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(5000);
        producer.close(Duration.ofSeconds(1));
    }
}
