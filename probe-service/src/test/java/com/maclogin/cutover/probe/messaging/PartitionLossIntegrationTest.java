package com.maclogin.cutover.probe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.it.LeaseSimulatorResource;
import com.maclogin.cutover.probe.service.StepExecutionService;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Partition loss, with a real broker and two members of one consumer group (cooperative sticky assignor, as the step
 * channel): member A owns both partitions of a step topic and runs one FREEZE per partition through the worker's real
 * {@link StepExecutionService} on the simulated lease (both wait for a live lease lock planted by a third worker, so
 * they are running when the rebalance comes); member B joins and takes one partition. A's rebalance callback is the
 * step channel's ({@link StepPartitionListener#stop}): the step of the moved partition stops at once and sends
 * nothing, the step of the kept partition keeps running, and B receives the moved command (it answers it).
 */
@QuarkusTest
@WithTestResource(KafkaKraftResource.class)
@WithTestResource(LeaseSimulatorResource.class)
class PartitionLossIntegrationTest {

    @Inject
    StepExecutionService steps;

    private static Properties consumer(String group) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return c;
    }

    private static RunStep freeze(String cutover) {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = new LeaseTarget(Region.HK, lease.host(), lease.sshPort(), lease.sshUser(), lease.hostKey(),
                lease.gatewayPort(), lease.probeUser());
        return RunStep.builder().cutoverId(cutover).leaseId("hk-1").epoch(1).kind(StepKind.FREEZE).attempt(1)
                .replyTo(Topics.STEP_RESULTS).target(t).command(new StepCommand.Freeze("CHG-9", null))
                .deadline(Instant.now().plusSeconds(120)).build();
    }

    @Test
    void aWorkerThatLosesAPartitionStopsThatPartitionsStepSendsNothingAndTheNewOwnerGetsTheCommand() throws Exception {
        String topic = "probe-rebalance-it-" + UUID.randomUUID();
        String group = "probe-rebalance-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaKraftResource.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        // another class's cutover may have left its freeze: this test proves that nothing freezes the lease
        Files.deleteIfExists(LeaseSimulatorResource.lease().home().resolve(".openclaw-cutover/FROZEN"));
        Path lockDir = Files.createDirectories(LeaseSimulatorResource.lease().home().resolve(
                ".openclaw-cutover/lock"));
        clear(lockDir); // the released generations other classes' steps left
        Files.writeString(lockDir.resolve("g.1"), "v1 owner=probe-hk-third cutover=c-third epoch=1 "
                + "key=c-third:FREEZE:1 expires=" + (Instant.now().getEpochSecond() + 600) + "\n");

        PartitionSteps open = new PartitionSteps();
        Map<String, StepResult> sentByA = new ConcurrentHashMap<>();
        Map<String, StepResult> endedOnA = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Set<TopicPartition>> assignedToA = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<ConsumerRecord<String, String>> receivedByB = new ConcurrentLinkedQueue<>();
        AtomicBoolean bAssigned = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        RunStep p0 = freeze("c-part0");
        RunStep p1 = freeze("c-part1");

        Thread a = new Thread(() -> {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer(group))) {
                c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        StepPartitionListener.stop(open, steps::stop, partitions, "revoked");
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assignedToA.add(Set.copyOf(c.assignment()));
                    }
                });
                while (running.get()) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(50))) {
                        RunStep command = Json.read(r.value(), RunStep.class);
                        PartitionSteps.Ticket ticket = open.accept(new TopicPartition(r.topic(), r.partition()),
                                command.messageId());
                        Thread step = new Thread(() -> {
                            StepResult result = steps.execute(command);
                            endedOnA.put(command.messageId(), result);
                            if (!ticket.revoked()) {
                                sentByA.put(command.messageId(), result);
                            }
                            open.done(ticket);
                        });
                        step.setDaemon(true);
                        step.start();
                    }
                }
            }
        }, "member-a");
        a.setDaemon(true);
        a.start();
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> assignedToA.stream().anyMatch(s -> s.size() == 2));

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
            producer.send(new ProducerRecord<>(topic, 0, "hk-1", Json.write(p0))).get();
            producer.send(new ProducerRecord<>(topic, 1, "hk-1", Json.write(p1))).get();
        }
        // both steps are running on A: waiting for the third worker's live lease lock
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> steps.running(p0.messageId()) && steps.running(p1.messageId()));

        Thread b = new Thread(() -> {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer(group))) {
                c.subscribe(List.of(topic));
                while (running.get()) {
                    c.poll(Duration.ofMillis(50)).forEach(receivedByB::add);
                    if (!c.assignment().isEmpty()) {
                        bAssigned.set(true);
                    }
                }
            }
        }, "member-b");
        b.setDaemon(true);
        b.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> receivedByB.size() == 1);
            ConsumerRecord<String, String> moved = receivedByB.peek();
            RunStep movedCommand = Json.read(moved.value(), RunStep.class);
            RunStep kept = movedCommand.messageId().equals(p0.messageId()) ? p1 : p0;

            // the moved partition's step stopped on A, and A sends nothing for it
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> endedOnA.containsKey(movedCommand.messageId()));
            StepResult stopped = endedOnA.get(movedCommand.messageId());
            assertThat(stopped.outcome()).isEqualTo(StepOutcome.REFUSED);
            assertThat(stopped.reason()).isEqualTo(String.format(ProbeReasons.PARTITION_REVOKED,
                    new TopicPartition(topic, moved.partition())));
            assertThat(sentByA).doesNotContainKey(movedCommand.messageId());
            assertThat(steps.running(movedCommand.messageId())).isFalse();
            // the kept partition's step was not touched by the rebalance
            assertThat(steps.running(kept.messageId())).isTrue();
            assertThat(endedOnA).doesNotContainKey(kept.messageId());
            assertThat(LeaseSimulatorResource.lease().home().resolve(".openclaw-cutover/FROZEN")).doesNotExist();
            assertThat(receivedByB).hasSize(1);
            steps.stop(kept.messageId(), "test over");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> endedOnA.containsKey(kept.messageId()));
        } finally {
            running.set(false);
            a.join(10_000);
            b.join(10_000);
            clear(lockDir);
        }
    }

    private static void clear(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
    }
}
