package com.maclogin.cutover.localstack.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.localstack.KafkaBroker;
import com.maclogin.cutover.localstack.LocalStack;
import com.maclogin.cutover.localstack.ManagedProcess;
import com.maclogin.cutover.localstack.StackConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The three-broker KRaft cluster alone (no services), next to the single broker for the figures: the stack's topics
 * and the internal offsets topic have 3 replicas all in sync, {@code min.insync.replicas} is 2, and an idempotent
 * {@code acks=all} producer that keeps writing while the broker leading most partitions is SIGKILLed loses nothing and
 * writes nothing twice; the restarted node (same data dir) rejoins every ISR. Prints the start time and CPU of the
 * single broker and of the cluster ({@code [measure]}). Run by {@code ./run-cluster-tests.sh}.
 */
@EnabledIfSystemProperty(named = "cluster.tests", matches = "true")
@ResourceLock("cluster-stack")
class KafkaClusterBrokerTest {

    private static final String TOPIC = "cluster.broker-test";
    private static final int RECORDS = 300;

    @Test
    void clusterReplicatesThreeWaysAndAnIdempotentAcksAllProducerLosesAndDuplicatesNothingWhenTheBusiestBrokerIsKilled()
            throws Exception {
        String classpath = LocalStack.ownClasspath();
        StackConfig base = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(300);

        // the single broker, for the comparison only
        StackConfig single = base.withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/kafka-single-measure"));
        LocalStack.deleteRecursively(single.workDir());
        Files.createDirectories(single.workDir());
        long t0 = System.nanoTime();
        ManagedProcess one = KafkaBroker.start(single, classpath);
        long singleMs = (System.nanoTime() - t0) / 1_000_000;
        double singleCpu = ManagedProcess.cpuSeconds(one.pid());
        one.stop(Duration.ofSeconds(20));
        System.out.printf("[measure] single broker: topics and ACLs ready in %d ms, %.1f CPU s%n", singleMs, singleCpu);

        StackConfig cfg = base.withKafkaBrokers(3)
                .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/kafka-cluster-broker"));
        LocalStack.deleteRecursively(cfg.workDir());
        Files.createDirectories(cfg.workDir());
        t0 = System.nanoTime();
        List<ManagedProcess> nodes = new ArrayList<>(KafkaBroker.startCluster(cfg, classpath));
        try {
            long clusterMs = (System.nanoTime() - t0) / 1_000_000;
            double clusterCpu = nodes.stream().mapToDouble(n -> ManagedProcess.cpuSeconds(n.pid())).sum();
            System.out.printf("[measure] three-broker cluster: topics and ACLs ready in %d ms, %.1f CPU s (3 nodes)%n",
                    clusterMs, clusterCpu);
            assertThat(cfg.kafkaBootstrapServers()).as("every client's bootstrap.servers").isEqualTo(
                    "127.0.0.1:" + cfg.kafkaPort(0) + ",127.0.0.1:" + cfg.kafkaPort(1) + ",127.0.0.1:" + cfg.kafkaPort(2));
            assertThat(cfg.kafkaClientProperties().getProperty("bootstrap.servers")).isEqualTo(cfg.kafkaBootstrapServers());

            // every topic of the stack, and the consumer offsets: 3 replicas, all 3 in sync
            List<String> topics = new ArrayList<>(Topics.all());
            Map<String, int[]> replication = KafkaBroker.replication(cfg, topics);
            assertThat(replication).hasSize(topics.size());
            replication.forEach((t, r) -> assertThat(r).as(t + " {replicas, isr}").containsExactly(3, 3));
            try (Admin admin = Admin.create(cfg.kafkaClientProperties())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
                var configs = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.STEP_RESULTS)))
                        .all().get(30, TimeUnit.SECONDS).values().iterator().next();
                assertThat(configs.get("min.insync.replicas").value()).isEqualTo("2");
                assertThat(configs.get("unclean.leader.election.enable").value()).isEqualTo("false");
            }
            int victim = KafkaBroker.leaderCounts(cfg, List.of(TOPIC)).entrySet().stream()
                    .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            long stallStart = 0;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(cfg), new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    acks.add(producer.send(new ProducerRecord<>(TOPIC, "k-" + (i % 12), "v-" + i)));
                    if (i == RECORDS / 3) {
                        producer.flush();
                        stallStart = System.nanoTime();
                        nodes.get(victim - 1).kill(); // SIGKILL, as a crashed machine
                        System.out.printf("[cluster] SIGKILLed kafka-%d (leader of the most partitions of %s)%n", victim, TOPIC);
                    }
                    Thread.sleep(10);
                }
                producer.flush();
            }
            for (Future<RecordMetadata> a : acks) {
                a.get(60, TimeUnit.SECONDS); // every record acknowledged by 2+ in-sync replicas
            }
            System.out.printf("[measure] producer: all %d records acknowledged %d ms after the SIGKILL%n", RECORDS,
                    (System.nanoTime() - stallStart) / 1_000_000);

            Map<String, Integer> seen = readAll(cfg);
            assertThat(seen).as("every record once").hasSize(RECORDS);
            assertThat(seen.values()).as("no record twice").containsOnly(1);
            assertThat(KafkaBroker.replication(cfg, List.of("__consumer_offsets")).get("__consumer_offsets")[0])
                    .as("consumer offsets replicas").isEqualTo(3);

            // the killed node comes back on its own data dir and rejoins every ISR
            ManagedProcess back = nodes.get(victim - 1).restart();
            nodes.set(victim - 1, back);
            back.awaitPort(cfg.kafkaPort(victim - 1), Duration.ofSeconds(240));
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    KafkaBroker.replication(cfg, List.of(TOPIC, Topics.STEP_RESULTS)).forEach((t, r) ->
                            assertThat(r).as(t + " {replicas, isr} after the restart").containsExactly(3, 3)));
        } finally {
            nodes.forEach(n -> n.stop(Duration.ofSeconds(20)));
        }
    }

    private static Properties producerProps(StackConfig cfg) {
        Properties p = cfg.kafkaClientProperties();
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        p.put("delivery.timeout.ms", "60000");
        p.put("request.timeout.ms", "5000");
        return p;
    }

    /** Every value of {@link #TOPIC} with how often it was read. */
    private static Map<String, Integer> readAll(StackConfig cfg) {
        Properties p = cfg.kafkaClientProperties();
        p.put("group.id", "cluster-broker-test");
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline && (seen.size() < RECORDS || quiet < 4)) {
                var records = c.poll(Duration.ofMillis(500));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<String, String> r : records) {
                    seen.merge(r.value(), 1, Integer::sum);
                }
            }
            c.commitSync();
        }
        return seen;
    }
}
