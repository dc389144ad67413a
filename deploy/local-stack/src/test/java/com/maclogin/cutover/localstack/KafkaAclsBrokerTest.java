package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local stack's broker alone (no services): SASL_SSL with SCRAM-SHA-512 for every client, the ACLs of
 * {@link KafkaAcls}, and (in this test only) an mTLS listener whose principal is the certificate's CN. Proves what
 * issue 11 asks of the wire: a HK worker can read only its own step topic and write only the result topics, nobody
 * else may write step topics, anonymous and wrong-password clients are refused, and the credentials survive a broker
 * restart (the chaos run restarts it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaAclsBrokerTest {

    private static StackConfig cfg;
    private static ManagedProcess broker;
    private static KafkaSecurity security;

    @BeforeAll
    static void startBroker() throws Exception {
        cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(3300)
                .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/kafka-acl-broker"));
        LocalStack.deleteRecursively(cfg.workDir());
        Files.createDirectories(cfg.workDir());
        long t0 = System.nanoTime();
        broker = KafkaBroker.start(cfg, LocalStack.ownClasspath(), true);
        System.out.printf("[measure] SASL_SSL broker with ACLs and topics ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        security = KafkaSecurity.load(cfg.workDir());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(10));
        }
    }

    // ---- the table itself: the rules of issue 11 hold for every region, not only for the ones exercised below

    @Test
    @Order(1)
    void onlyOrchestratorAndRollbackServiceMayWriteStepTopicsAndEachWorkerReadsOnlyItsOwn() {
        for (KafkaAcls.Access a : KafkaAcls.table()) {
            List<String> stepWrites = a.writes().stream().filter(t -> t.startsWith(Topics.STEP_COMMANDS_PREFIX)).toList();
            if (a.principal().equals("orchestrator") || a.principal().equals("rollback-service")) {
                assertThat(stepWrites).as(a.principal()).hasSize(Region.values().length);
            } else {
                assertThat(stepWrites).as(a.principal() + " writes no step topic").isEmpty();
            }
        }
        for (Region r : Region.values()) {
            KafkaAcls.Access w = KafkaAcls.table().stream().filter(a -> a.principal().equals(KafkaAcls.worker(r)))
                    .findFirst().orElseThrow();
            assertThat(w.reads()).as(w.principal()).containsExactly(Topics.stepCommands(r), "cutover.leases." + r.suffix());
            assertThat(w.writes()).as(w.principal()).containsExactlyInAnyOrder(Topics.STEP_RESULTS,
                    Topics.ROLLBACK_STEP_RESULTS, Topics.PROBE_RESULTS, Topics.BREACHES, Topics.LEASE_WATCH, Topics.DEAD_LETTERS);
            assertThat(w.group()).isEqualTo("probe-service-" + r.suffix());
        }
    }

    // ---- the broker enforces it

    @Test
    @Order(2)
    void hkWorkerReadsItsOwnStepTopicAndWritesStepResults() throws Exception {
        String marker = "run-step-" + UUID.randomUUID();
        try (KafkaProducer<String, String> admin = producer(security.saslClientProperties(KafkaAcls.ADMIN), cfg.kafkaPort())) {
            admin.send(new ProducerRecord<>(Topics.stepCommands(Region.HK), "hk-1", marker)).get(30, TimeUnit.SECONDS);
        }
        assertThat(readOne(security.saslClientProperties("probe-hk"), cfg.kafkaPort(), Topics.stepCommands(Region.HK),
                "probe-service-hk", marker)).isEqualTo(marker);
        try (KafkaProducer<String, String> worker = producer(security.saslClientProperties("probe-hk"), cfg.kafkaPort())) {
            assertThat(worker.send(new ProducerRecord<>(Topics.STEP_RESULTS, "hk-1", "{}")).get(30, TimeUnit.SECONDS).offset())
                    .isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    @Order(3)
    void hkWorkerCannotReadTheJpStepTopicNorJoinTheJpWorkersGroup() {
        Map<String, String> hk = security.saslClientProperties("probe-hk");
        assertThatThrownBy(() -> readOne(hk, cfg.kafkaPort(), Topics.stepCommands(Region.JP), "probe-service-hk", "-"))
                .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(Topics.stepCommands(Region.JP));
        assertThatThrownBy(() -> readOne(hk, cfg.kafkaPort(), Topics.stepCommands(Region.HK), "probe-service-jp", "-"))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    @Order(4)
    void hkWorkerCannotWriteItsOwnStepTopicAndNotifierCannotWriteAnyStepTopic() {
        assertRefusedWrite(security.saslClientProperties("probe-hk"), Topics.stepCommands(Region.HK));
        assertRefusedWrite(security.saslClientProperties("notifier"), Topics.stepCommands(Region.HK));
    }

    @Test
    @Order(5)
    void aPlaintextClientOnTheSaslSslPortOrTheControllerPortAndAWrongPasswordAreRefused() {
        // PLAINTEXT to a TLS port: no handshake, so no metadata, so nothing at all
        Properties anonymous = new Properties();
        anonymous.put("bootstrap.servers", "127.0.0.1:" + cfg.kafkaPort());
        anonymous.put("request.timeout.ms", "2000");
        anonymous.put("default.api.timeout.ms", "2500");
        try (Admin admin = Admin.create(anonymous)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(4, TimeUnit.SECONDS))
                    .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
        }
        // nor straight to the controller: its listener wants a client certificate of the stack's CA
        Properties toController = new Properties();
        toController.putAll(anonymous);
        toController.remove("bootstrap.servers");
        toController.put("bootstrap.controllers", "127.0.0.1:" + cfg.kafkaControllerPort());
        try (Admin admin = Admin.create(toController)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(4, TimeUnit.SECONDS))
                    .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
        }
        Map<String, String> wrong = security.saslClientProperties("probe-hk", "not-the-password");
        assertThatThrownBy(() -> readOne(wrong, cfg.kafkaPort(), Topics.stepCommands(Region.HK), "probe-service-hk", "-"))
                .isInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    @Order(6)
    void anMtlsClientIsTheCertificatesCnAndGetsTheSameAcls() throws Exception {
        Map<String, String> mtls = security.mtlsClientProperties("probe-hk");
        String marker = "mtls-" + UUID.randomUUID();
        try (KafkaProducer<String, String> admin = producer(security.saslClientProperties(KafkaAcls.ADMIN), cfg.kafkaPort())) {
            admin.send(new ProducerRecord<>(Topics.stepCommands(Region.HK), "hk-2", marker)).get(30, TimeUnit.SECONDS);
        }
        assertThat(readOne(mtls, cfg.kafkaMtlsPort(), Topics.stepCommands(Region.HK), "probe-service-hk", marker))
                .isEqualTo(marker);
        try (KafkaProducer<String, String> worker = producer(mtls, cfg.kafkaMtlsPort())) {
            worker.send(new ProducerRecord<>(Topics.STEP_RESULTS, "hk-2", "{}")).get(30, TimeUnit.SECONDS);
        }
        assertRefusedWrite(mtls, cfg.kafkaMtlsPort(), Topics.stepCommands(Region.HK));
        assertThatThrownBy(() -> readOne(mtls, cfg.kafkaMtlsPort(), Topics.stepCommands(Region.JP), "probe-service-hk", "-"))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    @Order(7)
    void theCredentialsAndAclsSurviveABrokerRestart() throws Exception {
        broker.stop(Duration.ofSeconds(20));
        broker = broker.restart();
        broker.awaitPort(cfg.kafkaPort(), LocalStack.START_TIMEOUT);
        try (KafkaProducer<String, String> worker = producer(security.saslClientProperties("probe-hk"), cfg.kafkaPort())) {
            worker.send(new ProducerRecord<>(Topics.STEP_RESULTS, "hk-1", "{}")).get(60, TimeUnit.SECONDS);
        }
        assertRefusedWrite(security.saslClientProperties("probe-hk"), Topics.stepCommands(Region.HK));
        // and no password of the stack reached the broker's log
        String log = Files.readString(broker.log());
        assertThat(security.passwords()).allSatisfy(pw -> assertThat(log).doesNotContain(pw));
    }

    // ---- helpers

    private static void assertRefusedWrite(Map<String, String> client, String topic) {
        assertRefusedWrite(client, cfg.kafkaPort(), topic);
    }

    private static void assertRefusedWrite(Map<String, String> client, int port, String topic) {
        try (KafkaProducer<String, String> p = producer(client, port)) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, "k", "forged")).get(30, TimeUnit.SECONDS))
                    .as("write to " + topic).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, String> client, int port) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("bootstrap.servers", "127.0.0.1:" + port);
        p.put("max.block.ms", "15000");
        p.put("delivery.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        p.put("linger.ms", "0");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Reads {@code topic} from the beginning as {@code group} until {@code marker} appears; authorization errors propagate. */
    private static String readOne(Map<String, String> client, int port, String topic, String group, String marker) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("bootstrap.servers", "127.0.0.1:" + port);
        p.put("group.id", group);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("default.api.timeout.ms", "15000");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    seen.add(r.value());
                    if (r.value().equals(marker)) {
                        return r.value();
                    }
                }
            }
            throw new AssertionError("no " + marker + " on " + topic + " within 30 s; read " + seen.size() + " records");
        }
    }
}
