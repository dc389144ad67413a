package com.maclogin.cutover.localstack;

import com.maclogin.cutover.contracts.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/** A real Kafka broker in KRaft mode (combined broker + controller), as its own JVM process. */
public final class KafkaBroker {

    /** Partitions per topic: enough to show per-lease ordering with several workers per region. */
    public static final int PARTITIONS = 3;

    private KafkaBroker() {
    }

    public static ManagedProcess start(StackConfig cfg, String classpath) throws IOException {
        Path dir = cfg.workDir().resolve("kafka");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path props = dir.resolve("server.properties");
        String listeners = "PLAINTEXT://127.0.0.1:" + cfg.kafkaPort() + ",CONTROLLER://127.0.0.1:" + cfg.kafkaControllerPort();
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + cfg.kafkaControllerPort(),
                "listeners=" + listeners,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + cfg.kafkaPort(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=" + PARTITIONS,
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "") );
        if (!Files.exists(data.resolve("meta.properties"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                    props.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IOException("kafka storage format failed: " + out.toString(StandardCharsets.UTF_8));
            }
        }
        ManagedProcess broker = ManagedProcess.java("kafka", classpath,
                // C1 only and the serial collector, like the services: a loopback broker with little traffic needs no C2
                // (whose compile threads cost the 2-core machine seconds at every start)
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                "kafka.Kafka", List.of(props.toString()), cfg.workDir(), cfg.workDir().resolve("logs"));
        broker.awaitPort(cfg.kafkaPort(), LocalStack.START_TIMEOUT);
        createTopics(cfg);
        return broker;
    }

    /**
     * Creates every topic of {@link Topics#all()} that does not exist yet; the lease registries
     * ({@link Topics#isCompacted}) with {@code cleanup.policy=compact}.
     */
    public static void createTopics(StackConfig cfg) throws IOException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + cfg.kafkaPort());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Topics.all().stream().filter(t -> !existing.contains(t))
                    .map(t -> Topics.isCompacted(t)
                            ? new NewTopic(t, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact"))
                            : new NewTopic(t, PARTITIONS, (short) 1))
                    .collect(Collectors.toList());
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not create topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public static Map<String, String> clientConfig(StackConfig cfg) {
        return Map.of("kafka.bootstrap.servers", "127.0.0.1:" + cfg.kafkaPort());
    }
}
