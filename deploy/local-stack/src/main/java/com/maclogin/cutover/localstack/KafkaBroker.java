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

/**
 * The stack's Kafka in KRaft mode, each node a JVM of its own with the combined broker + controller roles: one broker
 * ({@link #start}), or a three-broker cluster ({@link #startCluster}, {@code ./run-demo.sh --cluster}).
 */
public final class KafkaBroker {

    /** Partitions of a topic a super user auto-creates (the product's own topics have theirs from {@link Topics#specs()}). */
    public static final int PARTITIONS = 3;

    private KafkaBroker() {
    }

    public static ManagedProcess start(StackConfig cfg, String classpath) throws IOException {
        return start(cfg, classpath, false);
    }

    /**
     * Starts the stack's Kafka: the single broker of {@link #start(StackConfig, String)} when
     * {@link StackConfig#kafkaBrokers()} is 1, else the three-node cluster of {@link #startCluster}. Returns the
     * processes, named {@link #nodeName}.
     */
    public static List<ManagedProcess> startAll(StackConfig cfg, String classpath) throws IOException {
        return cfg.kafkaBrokers() == 1 ? List.of(start(cfg, classpath)) : startCluster(cfg, classpath);
    }

    /** The process name of broker {@code index}: {@code kafka} for the single broker, {@code kafka-1..3} in a cluster. */
    public static String nodeName(StackConfig cfg, int index) {
        return cfg.kafkaBrokers() == 1 ? "kafka" : "kafka-" + (index + 1);
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
        if (cfg.kafkaBrokers() != 1) {
            throw new IllegalArgumentException("start() is the single broker; " + cfg.kafkaBrokers() + " brokers: startCluster()");
        }
        KafkaSecurity security = KafkaSecurity.ensure(cfg.workDir());
        Path dir = cfg.workDir().resolve("kafka");
        ManagedProcess broker = launch(cfg, classpath, security, dir, 0, mtlsListener, Uuid.randomUuid().toString());
        broker.awaitPort(cfg.kafkaPort(), LocalStack.START_TIMEOUT);
        createTopics(cfg);
        createAcls(cfg);
        return broker;
    }

    /**
     * Starts a three-node KRaft cluster: each node one JVM with the combined broker and controller roles (node ids 1, 2,
     * 3; the quorum of three voters survives the loss of one), its own data dir {@code kafka/node-N}, client port
     * {@link StackConfig#kafkaPort(int)} and controller port {@link StackConfig#kafkaControllerPort(int)}. The same
     * security as the single broker (SASL_SSL + StandardAuthorizer for clients and between brokers, mTLS on the
     * controller listeners; the one broker certificate covers 127.0.0.1, where every node listens). Replication:
     * {@code default.replication.factor=3}, {@code min.insync.replicas=2}, the internal topics (consumer offsets,
     * transaction state) replicated 3 times with 2 in sync. With one node down every partition still has 2 in-sync
     * replicas, so {@code acks=all} writes go on; with two down they are refused (NOT_ENOUGH_REPLICAS), never acked
     * by one copy.
     */
    public static List<ManagedProcess> startCluster(StackConfig cfg, String classpath) throws IOException {
        if (cfg.kafkaBrokers() != 3) {
            throw new IllegalArgumentException("a cluster has 3 brokers, not " + cfg.kafkaBrokers());
        }
        KafkaSecurity security = KafkaSecurity.ensure(cfg.workDir());
        String clusterId = Uuid.randomUuid().toString();
        List<ManagedProcess> nodes = new java.util.ArrayList<>();
        try {
            // all three at once: a node waits for a quorum of controllers before it serves anything
            for (int i = 0; i < 3; i++) {
                nodes.add(launch(cfg, classpath, security, cfg.workDir().resolve("kafka").resolve("node-" + (i + 1)), i,
                        false, clusterId));
            }
            for (int i = 0; i < 3; i++) {
                nodes.get(i).awaitPort(cfg.kafkaPort(i), LocalStack.START_TIMEOUT);
            }
            awaitBrokers(cfg, 3, LocalStack.START_TIMEOUT);
            createTopics(cfg);
            createAcls(cfg);
            return nodes;
        } catch (IOException | RuntimeException e) {
            nodes.forEach(n -> n.stop(Duration.ofSeconds(5)));
            throw e;
        }
    }

    /**
     * Writes node {@code index}'s server.properties, formats its data dir on the first start (cluster id, SCRAM
     * credentials) and starts its JVM. The single broker is node 1 alone, a voter of a quorum of one.
     */
    private static ManagedProcess launch(StackConfig cfg, String classpath, KafkaSecurity security, Path dir, int index,
            boolean mtlsListener, String clusterId) throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path props = dir.resolve("server.properties");
        boolean cluster = cfg.kafkaBrokers() > 1;
        int rf = replicationFactor(cfg);
        int minIsr = cluster ? 2 : 1;
        String voters = java.util.stream.IntStream.range(0, cfg.kafkaBrokers())
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + cfg.kafkaControllerPort(i)).collect(Collectors.joining(","));
        String listeners = "SASL_SSL://127.0.0.1:" + cfg.kafkaPort(index) + ",CONTROLLER://127.0.0.1:" + cfg.kafkaControllerPort(index)
                + (mtlsListener ? ",MTLS://127.0.0.1:" + cfg.kafkaMtlsPort() : "");
        String advertised = "SASL_SSL://127.0.0.1:" + cfg.kafkaPort(index) + (mtlsListener ? ",MTLS://127.0.0.1:" + cfg.kafkaMtlsPort() : "");
        List<String> lines = new java.util.ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=" + (index + 1),
                "controller.quorum.voters=" + voters,
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
                // replication: 3 copies, 2 in sync before an acks=all write is acknowledged (1 and 1 on the single broker)
                "default.replication.factor=" + rf,
                "min.insync.replicas=" + minIsr,
                "offsets.topic.replication.factor=" + rf,
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=" + rf,
                "transaction.state.log.min.isr=" + minIsr,
                "share.coordinator.state.topic.replication.factor=" + rf,
                "share.coordinator.state.topic.min.isr=" + minIsr,
                // never elect a replica that was out of sync: an acked write is on every in-sync replica
                "unclean.leader.election.enable=false",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true", // for the super users only: the others have no CREATE
                ""));
        if (cluster) {
            // a SIGKILLed node's partitions move to another in-sync replica; a restarted node catches up and takes its
            // preferred leaderships back after this interval (default 300 s), so the cluster is balanced again
            lines.add(lines.size() - 1, "leader.imbalance.check.interval.seconds=30");
        }
        Files.writeString(props, String.join("\n", lines));
        Files.setPosixFilePermissions(props, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        if (!Files.exists(data.resolve("meta.properties"))) {
            // the SCRAM credentials go into the metadata log at format time, so they survive broker restarts
            List<String> format = new java.util.ArrayList<>(List.of("format", "-t", clusterId, "-c", props.toString()));
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
        return ManagedProcess.java(nodeName(cfg, index), classpath,
                // C1 only and the serial collector, like the services: a loopback broker with little traffic needs no C2
                // (whose compile threads cost the 2-core machine seconds at every start)
                List.of(cluster ? "-Xmx384m" : "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                "kafka.Kafka", List.of(props.toString()), cfg.workDir(), cfg.workDir().resolve("logs"));
    }

    /** Waits until {@code n} brokers are registered with the controller (a topic of 3 replicas needs all three). */
    static void awaitBrokers(StackConfig cfg, int n, Duration timeout) throws IOException {
        Properties p = cfg.kafkaClientProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                try {
                    seen = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
                    if (seen >= n) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not serving yet
                }
                Thread.sleep(300);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        throw new IOException("only " + seen + " of " + n + " Kafka brokers registered within " + timeout.toSeconds() + " s");
    }

    /**
     * For each node id, how many partitions of {@code topics} it leads now (a node that leads none is absent): which
     * broker's loss moves the most leaderships.
     */
    public static Map<Integer, Integer> leaderCounts(StackConfig cfg, java.util.Collection<String> topics) throws IOException {
        Properties p = cfg.kafkaClientProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(p)) {
            Map<Integer, Integer> counts = new java.util.TreeMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(d ->
                    d.partitions().forEach(part -> {
                        if (part.leader() != null) {
                            counts.merge(part.leader().id(), 1, Integer::sum);
                        }
                    }));
            return counts;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not describe " + topics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Per topic of {@code topics}: the smallest replica count and the smallest in-sync replica count of its partitions. */
    public static Map<String, int[]> replication(StackConfig cfg, java.util.Collection<String> topics) throws IOException {
        Properties p = cfg.kafkaClientProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(p)) {
            Map<String, int[]> out = new java.util.TreeMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) -> out.put(name,
                    new int[] {d.partitions().stream().mapToInt(x -> x.replicas().size()).min().orElse(0),
                            d.partitions().stream().mapToInt(x -> x.isr().size()).min().orElse(0)}));
            return out;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not describe " + topics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
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
            java.util.Collection<org.apache.kafka.common.acl.AclBinding> bindings = KafkaAcls.bindings();
            admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
            // the controller has committed them; the broker's authorizer applies them when it replays the metadata
            // log, a moment later on a busy machine. A client started before that is refused (TopicAuthorization),
            // so wait until the broker itself lists them all.
            int expected = new java.util.HashSet<>(bindings).size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int seen = 0;
            while (System.nanoTime() < deadline) {
                seen = admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS).size();
                if (seen >= expected) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IOException("the broker lists " + seen + " of the " + expected + " ACLs 30 s after they were created");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not create the ACLs: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
