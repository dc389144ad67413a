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
import java.util.Optional;
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

    /** Partitions of a topic a super user auto-creates (the product's own topics have theirs from {@link Topics#specs()}). */
    public static final int PARTITIONS = 3;

    private KafkaBroker() {
    }

    public static ManagedProcess start(StackConfig cfg, String classpath) throws IOException {
        return start(cfg, classpath, false);
    }

    /**
     * Starts the broker with a SASL_SSL (SCRAM-SHA-512) listener on {@link StackConfig#kafkaPort()} for every client,
     * the ACLs of {@link KafkaAcls}, and the topics of {@link Topics#specs()}. The controller listener is mTLS on loopback
     * (KRaft's controller cannot take SCRAM): a client certificate of the stack's CA is required, and only the broker's
     * own ({@code User:broker}) is a super user.
     *
     * @param mtlsListener also an SSL listener with required client certificates on {@link StackConfig#kafkaMtlsPort()},
     *                     whose principal is the certificate's CN (a test of mTLS clients; the stack does not use it)
     */
    public static ManagedProcess start(StackConfig cfg, String classpath, boolean mtlsListener) throws IOException {
        Path dir = cfg.workDir().resolve("kafka");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        KafkaSecurity security = KafkaSecurity.ensure(cfg.workDir());
        Path props = dir.resolve("server.properties");
        String listeners = "SASL_SSL://127.0.0.1:" + cfg.kafkaPort() + ",CONTROLLER://127.0.0.1:" + cfg.kafkaControllerPort()
                + (mtlsListener ? ",MTLS://127.0.0.1:" + cfg.kafkaMtlsPort() : "");
        String advertised = "SASL_SSL://127.0.0.1:" + cfg.kafkaPort() + (mtlsListener ? ",MTLS://127.0.0.1:" + cfg.kafkaMtlsPort() : "");
        List<String> lines = new java.util.ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + cfg.kafkaControllerPort(),
                "listeners=" + listeners,
                "advertised.listeners=" + advertised,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=SASL_SSL",
                "listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL,MTLS:SSL",
                // the controller listener (KRaft's controller cannot take SCRAM): TLS with a required client certificate,
                // so only a holder of a certificate of this stack's CA gets in; the broker's own is User:broker
                "listener.name.controller.ssl.client.auth=required",
                // clients: SCRAM over TLS, with this stack's CA and the broker's certificate
                "sasl.enabled.mechanisms=" + KafkaSecurity.MECHANISM,
                "sasl.mechanism.inter.broker.protocol=" + KafkaSecurity.MECHANISM,
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + security.jaas(KafkaAcls.BROKER),
                "ssl.keystore.type=PEM",
                "ssl.keystore.location=" + security.brokerKeystore(),
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + security.caCertificate(),
                "listener.name.mtls.ssl.client.auth=required",
                "ssl.principal.mapping.rules=RULE:^CN=([a-zA-Z0-9._-]+)$/$1/,DEFAULT",
                // authorization: the ACLs of KafkaAcls, nothing for anyone else
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=User:" + KafkaAcls.BROKER + ";User:" + KafkaAcls.ADMIN,
                "log.dirs=" + data,
                "num.partitions=" + PARTITIONS,
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true", // for the super users only: the others have no CREATE
                ""));
        Files.writeString(props, String.join("\n", lines));
        Files.setPosixFilePermissions(props, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        if (!Files.exists(data.resolve("meta.properties"))) {
            // the SCRAM credentials go into the metadata log at format time, so they survive broker restarts
            List<String> format = new java.util.ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
                    props.toString()));
            for (String principal : KafkaAcls.principals()) {
                format.add("--add-scram");
                format.add(KafkaSecurity.MECHANISM + "=[name=" + principal + ",password=" + security.password(principal) + "]");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = kafka.tools.StorageTool.execute(format.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                String output = out.toString(StandardCharsets.UTF_8);
                for (String pw : security.passwords()) {
                    output = output.replace(pw, "[redacted]");
                }
                throw new IOException("kafka storage format failed: " + output);
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
        createAcls(cfg);
        return broker;
    }

    /**
     * Creates every topic of {@link Topics#specs()} that does not exist yet, with its partitions and configs, replicated
     * {@link #replicationFactor(StackConfig)} times.
     */
    public static void createTopics(StackConfig cfg) throws IOException {
        createTopics(cfg, replicationFactor(cfg));
    }

    /** The topics' replication factor on the stack's brokers: one per broker, at most 3. */
    public static short replicationFactor(StackConfig cfg) {
        return (short) Math.max(1, Math.min(3, cfg.kafkaBrokers()));
    }

    /**
     * Creates every topic of {@link Topics#specs()} that does not exist yet (as {@code cutover topics apply} does on any
     * cluster), with {@code replicationFactor} replicas unless the spec names its own.
     */
    public static void createTopics(StackConfig cfg, short replicationFactor) throws IOException {
        Properties p = cfg.kafkaClientProperties(); // the admin: only a super user may create topics
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Topics.specs().stream().filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()),
                            Optional.of(t.replicationFactor().orElse(replicationFactor))).configs(t.configs()))
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

    /** Grants the ACLs of {@link KafkaAcls} (creating one that exists already changes nothing). */
    public static void createAcls(StackConfig cfg) throws IOException {
        Properties p = cfg.kafkaClientProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(p)) {
            admin.createAcls(KafkaAcls.bindings()).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not create the ACLs: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
