package com.maclogin.cutover.localstack;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.simulator.LeaseSimulator;
import com.maclogin.cutover.simulator.LeaseSpec;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.simulator.SimulatorConfig;
import com.maclogin.cutover.simulator.SshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Benchmark (not a test): the step round trip over the real broker on loopback. Each sample is one RunStep
 * published to {@code cutover.steps.hk} → the probe worker (its own JVM) runs it over SSH on a simulated lease →
 * StepResult on {@code cutover.step-results} → inserted and committed in PostgreSQL. Reports p50/p99 per step kind
 * together with the worker's own time (SSH) so the messaging overhead can be read off, and writes
 * {@code docs/benchmarks.md}.
 */
public final class StepRoundTripBenchmark {

    private StepRoundTripBenchmark() {
    }

    record Figures(String kind, int samples, Histogram total, Histogram worker, Histogram overhead) {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path root = LocalStack.repoRoot();
        StackConfig cfg = StackConfig.defaults(root).withPortOffset(2000).withWorkDir(root.resolve(".local-bench"));
        LocalStack.deleteRecursively(cfg.workDir());
        Files.createDirectories(cfg.workDir());
        Path logs = cfg.workDir().resolve("logs");
        Path key = cfg.workDir().resolve("keys/probe-hk");
        Files.createDirectories(key.getParent());
        String pub = SshKeys.generateEd25519(key);

        System.out.println("starting PostgreSQL, Kafka, one simulated lease and the HK probe worker ...");
        try (PostgresServer pg = PostgresServer.start(cfg);
                ManagedProcess kafka = KafkaBroker.start(cfg, LocalStack.ownClasspath());
                LeaseSimulator sim = LeaseSimulator.start(new SimulatorConfig(cfg.workDir().resolve("leases"),
                        List.of(new LeaseSpec("hk-bench", Region.HK, 0, cfg.leaseGatewayPort(0), "2026.9.5")),
                        List.of(pub), 0, Duration.ofMillis(200), Duration.ofSeconds(2)))) {
            Map<String, String> props = new LinkedHashMap<>();
            props.put("kafka.bootstrap.servers", cfg.kafkaBootstrapServers());
            props.put("quarkus.http.port", "" + cfg.probePort("hk"));
            props.put("probe.region", "hk");
            props.put("probe.ssh.private-key-file", key.toString());
            List<String> cmd = new ArrayList<>(List.of(ManagedProcess.javaBinary(), "-Xmx256m"));
            props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.add("-jar");
            cmd.add(root.resolve("probe-service/target/quarkus-app/quarkus-run.jar").toString());
            Map<String, String> env = KafkaSecurity.load(cfg.workDir()).serviceEnvironment(KafkaAcls.worker(Region.HK));
            try (ManagedProcess worker = ManagedProcess.start("probe-service-hk", cmd, env, cfg.workDir(), logs)) {
                worker.awaitHttp200("http://127.0.0.1:" + cfg.probePort("hk") + "/q/health/ready", Duration.ofSeconds(120));
                SimulatedLease lease = sim.leases().get(0);
                LeaseTarget target = new LeaseTarget(Region.HK, lease.host(), lease.sshPort(), lease.sshUser(), lease.hostKey(),
                        lease.gatewayPort());
                List<Figures> figures = new ArrayList<>();
                try (Connection db = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "postgres")) {
                    try (Statement s = db.createStatement()) {
                        s.execute("create table if not exists bench_step_result (message_id text primary key, "
                                + "cutover_id text, kind text, outcome text, payload text, persisted_at timestamptz)");
                    }
                    figures.add(run(cfg, db, target, StepKind.UNFREEZE, samples));
                    figures.add(run(cfg, db, target, StepKind.INVENTORY, Math.max(20, samples / 4)));
                }
                String md = report(figures);
                System.out.println(md);
                Path out = root.resolve("docs/benchmarks.md");
                BenchmarkReport.writeSection(out, "Step round trip", md);
                System.out.println("written to " + out);
            }
        }
    }

    /** The benchmarked steps need nothing beyond the envelope: INVENTORY reads, UNFREEZE finds no marker. */
    static StepCommand command(StepKind kind) {
        return switch (kind) {
            case INVENTORY -> new StepCommand.Inventory();
            case UNFREEZE -> new StepCommand.Unfreeze();
            default -> throw new IllegalArgumentException("not benchmarked: " + kind);
        };
    }

    static Figures run(StackConfig cfg, Connection db, LeaseTarget target, StepKind kind, int samples) throws Exception {
        Histogram total = new Histogram(3_600_000_000L, 3);
        Histogram worker = new Histogram(3_600_000_000L, 3);
        Histogram overhead = new Histogram(3_600_000_000L, 3);
        Properties pp = cfg.kafkaClientProperties();
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        Properties cp = cfg.kafkaClientProperties();
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        int warmup = 10;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp);
                PreparedStatement insert = db.prepareStatement(
                        "insert into bench_step_result values (?, ?, ?, ?, ?, now())")) {
            // what the orchestrator does for a lease: the worker serves only leases of its region's registry
            producer.send(new ProducerRecord<>(Topics.leaseRegistry(Region.HK), "hk-bench", Json.write(
                    com.maclogin.cutover.contracts.LeaseRegistration.of("hk-bench", target, "STAGING", Instant.now()))))
                    .get();
            consumer.subscribe(List.of(Topics.STEP_RESULTS));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.seekToEnd(consumer.assignment());
            consumer.poll(Duration.ZERO);
            for (int i = 0; i < samples + warmup; i++) {
                String cutoverId = "bench-" + kind + "-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
                RunStep step = RunStep.builder().cutoverId(cutoverId).leaseId("hk-bench").epoch(1)
                        .replyTo(Topics.STEP_RESULTS).target(target).command(command(kind))
                        .deadline(Instant.now().plusSeconds(60)).build();
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.stepCommands(Region.HK), "hk-bench", Json.write(step)));
                StepResult result = null;
                long waitUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (result == null && System.nanoTime() < waitUntil) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                        StepResult sr = Json.read(r.value(), StepResult.class);
                        if (sr.commandMessageId() != null && sr.commandMessageId().equals(step.messageId())) {
                            result = sr;
                        }
                    }
                }
                if (result == null) {
                    throw new IllegalStateException("no result for " + kind + " sample " + i);
                }
                if (result.outcome() != StepOutcome.SUCCEEDED) {
                    throw new IllegalStateException(kind + " failed: " + result.reason());
                }
                insert.setString(1, result.messageId());
                insert.setString(2, result.cutoverId());
                insert.setString(3, result.kind().name());
                insert.setString(4, result.outcome().name());
                insert.setString(5, Json.write(result));
                insert.executeUpdate();
                long micros = (System.nanoTime() - t0) / 1000;
                if (i >= warmup) {
                    total.recordValue(micros);
                    long workerMicros = Math.max(0, result.durationMillis()) * 1000;
                    worker.recordValue(workerMicros);
                    // the product's own part of this sample: publish, consume, publish the result, consume, commit
                    overhead.recordValue(Math.max(0, micros - workerMicros));
                }
            }
        }
        return new Figures(kind.name(), samples, total, worker, overhead);
    }

    static String report(List<Figures> figures) {
        StringBuilder sb = new StringBuilder();
        sb.append("Measured ").append(Instant.now()).append(" on this machine (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ")
                .append(System.getProperty("java.version")).append("), loopback, one real KRaft broker process, ")
                .append("one probe worker process, one simulated lease (MINA SSH, TCP_NODELAY), PostgreSQL 17 ")
                .append("(autocommit insert).\n")
                .append("Round trip = RunStep published (acks=all) → worker consumes → runs it over SSH → StepResult "
                        + "published → consumed → inserted and committed.\n\n")
                .append("| step kind | samples | round trip p50 | p99 | max | worker (SSH) p50 | worker p99 | overhead (round trip - worker, per sample) p50 | overhead p99 |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Figures f : figures) {
            sb.append(String.format("| %s | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", f.kind(),
                    f.samples(), ms(f.total(), 50), ms(f.total(), 99), f.total().getMaxValue() / 1000.0,
                    ms(f.worker(), 50), ms(f.worker(), 99), ms(f.overhead(), 50), ms(f.overhead(), 99)));
        }
        return sb.toString();
    }

    private static double ms(Histogram h, double pct) {
        return h.getValueAtPercentile(pct) / 1000.0;
    }
}
