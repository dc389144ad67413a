package com.maclogin.cutover.localstack;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Benchmark (not a test), issue 12 P5: ONE orchestrator process with 1,000 / 5,000 / 10,000 concurrent cutovers, over
 * the local stack's real Kafka broker (SASL_SSL, ACLs) and real PostgreSQL, with no real workers: a load driver at the
 * Kafka level plays every region's workers. It consumes {@code cutover.steps.<region>} (all regions) and answers every
 * RunStep with a valid StepResult on its {@code replyTo} (INVENTORY facts that pass every gate, SNAPSHOT hashes, an
 * INSTALL_CANDIDATE whose engines range the plist's node satisfies, a VALIDATE that went green) after a think time.
 *
 * <p>Per size, on a fresh orchestrator schema and a fresh orchestrator process: the leases are registered through the
 * API (before timing), the N cutovers started through the API (timed: creates/s), a settle until every cutover's
 * INVENTORY result has been handled (the creation wave, reported apart), then a <b>paced window</b>: with
 * {@code --pacing think} (the default) each command is answered {@code think} = N / rate after it arrived, so the
 * offered load is about {@code rate} results/s whatever N and every cutover stays in flight (a burst of commands
 * repeats one think time later); with {@code --pacing rate} the commands wait in one queue in arrival order and are
 * answered at exactly {@code rate} per second from the creation on (smooth, but the INVENTORY results then arrive
 * during the creation, and the window can open with that backlog still in the orchestrator). Then a <b>drain</b> in which every command is answered at once
 * until every cutover is GREEN (or the drain's cap): the orchestrator's saturated throughput. Measured per step result:
 * from the result's publish to the next command of that cutover arriving at the driver (= the result consumed,
 * persisted, the next command written to the outbox, relayed and delivered), p50/p99 with HdrHistogram; results per
 * second; PostgreSQL rows per cutover (every table of the orchestrator's schema); the orchestrator's CPU, heap and RSS.
 *
 * <p>Writes its table to {@code docs/benchmarks.md}, section "P5 figures, last run of ./bench.sh p5" (the analysis is in
 * the section "P5: one orchestrator, ..." above it, kept by hand).
 *
 * <pre>./bench.sh p5 [sizes] [--rate R] [--pacing rate|think] [--window S] [--drain S] [--xmx M] [--clients C]
 *                 [--before-args A] [--before-sql S] [--before-app DIR]   e.g. ./bench.sh p5 200 (about a minute)</pre>
 * Ports: the local stack's plus 2400 plus {@code -Dlocalstack.port-shift} ({@code P5_BENCH_OPTS} in bench.sh).
 */
public final class OrchestratorScaleBenchmark {

    static final String HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    static final String HASH_PLIST = "1f".repeat(32);
    static final String HASH_PACKAGE = "2e".repeat(32);
    static final String HASH_STATE = "3c".repeat(32);
    static final int PORT_OFFSET = 2400;
    /** The regions the leases are spread over (round robin): every step topic carries commands. */
    static final List<Region> REGIONS = List.of(Region.values());

    /**
     * @param beforeArgs with {@code beforeSql}: each size runs twice in this invocation, first "before" (these extra
     *                   orchestrator JVM arguments, e.g. {@code -Dmp.messaging.incoming.step-results.concurrency=1}, and
     *                   this SQL run as the superuser once Flyway migrated, e.g. {@code drop index ...}), then as built
     * @param beforeApp  the "before" variant's orchestrator build (a {@code quarkus-app} directory, e.g. one built from
     *                   main), so a change that no switch turns off is measured against the code before it
     */
    record Options(List<Integer> sizes, double rate, Duration window, Duration drain, String xmx, int clients,
            String baseline, String beforeArgs, String beforeSql, Path beforeApp, boolean byRate) {

        boolean compare() {
            return beforeArgs != null || beforeSql != null || beforeApp != null;
        }


        static Options parse(String[] args) {
            List<Integer> sizes = List.of(1000, 5000, 10000);
            double rate = 100;
            Duration window = Duration.ofSeconds(60);
            Duration drain = Duration.ofSeconds(240);
            String xmx = "1g";
            int clients = 8;
            String baseline = null;
            String beforeArgs = null;
            String beforeSql = null;
            Path beforeApp = null;
            boolean byRate = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--rate" -> rate = Double.parseDouble(args[++i]);
                    case "--window" -> window = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--drain" -> drain = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--xmx" -> xmx = args[++i];
                    case "--clients" -> clients = Integer.parseInt(args[++i]);
                    case "--label" -> baseline = args[++i];
                    case "--before-args" -> beforeArgs = args[++i];
                    case "--before-sql" -> beforeSql = args[++i];
                    case "--before-app" -> beforeApp = Path.of(args[++i]);
                    case "--pacing" -> byRate = switch (args[++i]) {
                        case "rate" -> true;
                        case "think" -> false;
                        default -> throw new IllegalArgumentException("--pacing rate|think, not " + args[i]);
                    };
                    default -> sizes = Arrays.stream(args[i].split(",")).map(String::trim).map(Integer::valueOf).toList();
                }
            }
            return new Options(sizes, rate, window, drain, xmx, clients, baseline, beforeArgs, beforeSql, beforeApp, byRate);
        }
    }

    /** What one size measured. */
    record Figures(String variant, int size, double createPerSecond, long thinkMillis, Histogram wave, double settleSeconds,
            Histogram paced, double pacedPerSecond,
            Histogram drained, double drainedPerSecond, long drainResults, double drainSeconds, int green,
            Map<String, Double> rowsPerCutover, double rowsPerCutoverTotal, double cpuPercentPaced,
            double cpuPercentDrain, double cpuSecondsPerThousandResults, double heapMiB, double rssMiB, int threads,
            long timeouts) {
    }

    private OrchestratorScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options opt = Options.parse(args);
        Path root = LocalStack.repoRoot();
        StackConfig cfg = StackConfig.defaults(root).withPortOffset(PORT_OFFSET).withWorkDir(root.resolve(".local-bench-p5"));
        LocalStack.cleanWorkDir(cfg.workDir());
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        System.out.println("P5: one orchestrator, sizes " + opt.sizes() + ", offered " + opt.rate() + " results/s in the paced window of "
                + opt.window().toSeconds() + " s, drain up to " + opt.drain().toSeconds() + " s; load average " + load);
        List<Figures> all = new ArrayList<>();
        String dbPassword = randomHex(16);
        String operatorToken = "op-" + randomHex(24);
        String adminToken = "adm-" + randomHex(24);
        try (PostgresServer pg = PostgresServer.start(cfg);
                ManagedProcess kafka = KafkaBroker.start(cfg, LocalStack.ownClasspath())) {
            KafkaSecurity security = KafkaSecurity.load(cfg.workDir());
            for (int size : opt.sizes()) {
                try {
                    if (opt.compare()) {
                        all.add(measure(cfg, pg, security, size, opt, "before", opt.beforeArgs(), opt.beforeSql(),
                                opt.beforeApp(), dbPassword, operatorToken, adminToken));
                    }
                    all.add(measure(cfg, pg, security, size, opt, opt.compare() ? "after" : "", null, null, null, dbPassword,
                            operatorToken, adminToken));
                } catch (Exception e) {
                    // what was measured so far is still written; the failed size is named
                    System.out.println("size " + size + " not measured: " + e);
                    e.printStackTrace(System.out);
                    break;
                }
            }
        }
        String md = report(opt, all, load, Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println(md);
        if (!Boolean.getBoolean("p5.no-write")) {
            Path out = root.resolve("docs/benchmarks.md");
            BenchmarkReport.writeSection(out, "P5 figures, last run of ./bench.sh p5"
                    + (opt.baseline() == null ? "" : " (" + opt.baseline() + ")"), md);
            System.out.println("written to " + out);
        }
    }

    /** One size on a fresh schema and a fresh orchestrator process (with the variant's extra JVM arguments and SQL). */
    static Figures measure(StackConfig cfg, PostgresServer pg, KafkaSecurity security, int size, Options opt, String variant,
            String extraArgs, String sql, Path app, String dbPassword, String operatorToken, String adminToken)
            throws Exception {
        Path root = cfg.repoRoot();
        Path logs = cfg.workDir().resolve("logs");
        // a fresh schema per size: the figures of one size are not the history of the one before
        try (Connection su = DriverManager.getConnection(pg.primaryJdbcUrl(PostgresServer.DATABASE));
                Statement s = su.createStatement()) {
            s.execute("drop schema if exists orchestrator cascade");
        }
        pg.createServiceUser("orchestrator", "orchestrator", dbPassword);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", cfg.kafkaBootstrapServers());
        props.put("quarkus.datasource.jdbc.url", pg.jdbcUrl());
        props.put("quarkus.http.port", "" + cfg.orchestratorPort());
        // no step times out while the driver thinks: the think time at 10,000 is 100 s
        props.put("orchestrator.step-timeout", "PT30M");
        props.put("quarkus.log.category.\"com.maclogin\".level", "WARN");
        // the leases in bulk, before anything is timed: the orchestrator's own leases file (orchestrator.leases-file),
        // loaded at start through the same LeaseService.upsert as POST /api/v1/leases (audit row, registry record)
        Path leasesFile = cfg.workDir().resolve("p5-leases-" + size + ".json");
        List<Map<String, Object>> leases = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            leases.add(lease(i));
        }
        Files.writeString(leasesFile, Json.write(leases));
        props.put("orchestrator.leases-file", leasesFile.toString());
        List<String> cmd = new ArrayList<>(List.of(ManagedProcess.javaBinary(), "-Xmx" + opt.xmx()));
        for (String extra : new String[] {System.getProperty("p5.orchestrator-jvm-args", ""), extraArgs == null ? "" : extraArgs}) {
            if (!extra.isBlank()) {
                cmd.addAll(List.of(extra.trim().split("\\s+")));
            }
        }
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add((app != null ? app : root.resolve("orchestrator-service/target/quarkus-app")).resolve("quarkus-run.jar")
                .toString());
        Map<String, String> env = new LinkedHashMap<>(security.serviceEnvironment("orchestrator"));
        env.put("API_AUTH_TOKENS", "operator:p5-operator:" + operatorToken + ",admin:p5-admin:" + adminToken);
        env.put("DB_USER", "orchestrator");
        env.put("DB_PASSWORD", dbPassword);
        try (ManagedProcess orch = ManagedProcess.start("orchestrator-service-" + size + (variant.isEmpty() ? "" : "-" + variant),
                cmd, env, cfg.workDir(), logs)) {
            // the leases file is loaded before the orchestrator is ready: ~20 ms a lease on a loaded 2-core machine
            orch.awaitHttp200("http://127.0.0.1:" + cfg.orchestratorPort() + "/q/health/ready",
                    LocalStack.START_TIMEOUT.plusMillis(60L * size));
            if (sql != null && !sql.isBlank()) {
                try (Connection su = DriverManager.getConnection(pg.primaryJdbcUrl(PostgresServer.DATABASE));
                        Statement s = su.createStatement()) {
                    s.execute("set search_path = orchestrator");
                    s.execute(sql);
                }
            }
            System.out.println("size " + size + (variant.isEmpty() ? "" : " (" + variant + ")") + ": orchestrator ready, pid "
                    + orch.pid() + (app == null ? "" : ", " + app) + (extraArgs == null ? "" : ", " + extraArgs)
                    + (sql == null ? "" : ", " + sql));
            Figures f = runSize(cfg, pg, orch, size, opt, variant, new Api("http://127.0.0.1:" + cfg.orchestratorPort(), operatorToken),
                    new Api("http://127.0.0.1:" + cfg.orchestratorPort(), adminToken));
            System.out.println(row(f));
            return f;
        }
    }

    static Figures runSize(StackConfig cfg, PostgresServer pg, ManagedProcess orch, int size, Options opt, String variant,
            Api operator, Api admin) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(opt.clients());
        try {
            JsonNodeCount registered = new JsonNodeCount(admin.get("/api/v1/leases").body());
            if (registered.count() < size) {
                throw new IllegalStateException("the leases file registered " + registered.count() + " of " + size + " leases");
            }
            System.out.printf("[%5.1fs] size %d: %d leases registered (leases file, at start)%n", secs(t0), size, registered.count());
            Map<String, Long> rowsBefore = rowCounts(pg);
            Driver driver = new Driver(cfg, size);
            try {
                driver.start();
                long thinkMillis = Math.round(size * 1000.0 / opt.rate());
                driver.think.set(thinkMillis);
                driver.byRate = opt.byRate();
                driver.rate = opt.rate();
                long c0 = System.nanoTime();
                parallel(clients, size, i -> operator.post("/api/v1/cutovers",
                        DemoRunner.demoRequest(leaseId(REGIONS.get(i % REGIONS.size()), i), "2026.9.6")));
                double createSeconds = secs(c0);
                System.out.printf("[%5.1fs] size %d: %d cutovers created in %.1f s; think %d ms, settling %d ms%n", secs(t0),
                        size, size, createSeconds, thinkMillis, thinkMillis);
                // settle: one think time (every cutover's first command, INVENTORY, answered), then until the
                // orchestrator has handled every INVENTORY result (the dearest: the gates and the dispatch hook's saga
                // step), i.e. every cutover's second command arrived. The creation is a burst (N cutovers at the
                // creation rate, their N INVENTORY results one think time later at that rate): its latencies are
                // reported apart ("creation wave"), and the window measures the steady state that follows it.
                long s0 = System.nanoTime();
                if (!opt.byRate()) {
                    Thread.sleep(thinkMillis);
                }
                long settleDeadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
                while (driver.pastFirst.get() < size && System.nanoTime() < settleDeadline) {
                    Thread.sleep(1000);
                    if ((System.nanoTime() - s0) / 1_000_000_000L % 15 == 0) {
                        System.out.printf("[%5.1fs] size %d: settling, %d of %d cutovers past INVENTORY%n", secs(t0),
                                size, driver.pastFirst.get(), size);
                    }
                }
                double settleSeconds = secs(s0);
                Histogram wave = driver.pacedLatency.getIntervalHistogram();
                System.out.printf("[%5.1fs] size %d: settled in %.0f s (%d of %d past INVENTORY; creation wave p50 %.1f ms"
                        + " p99 %.1f ms); paced window%n", secs(t0), size, settleSeconds, driver.pastFirst.get(), size,
                        ms(wave, 50), ms(wave, 99));
                // paced window: every cutover in flight, the driver answers each command think ms after it arrived;
                // p50/p99 printed every 10 s so a trend (a queue building or draining) shows
                long r0 = driver.results.get();
                double cpu0 = ManagedProcess.cpuSeconds(orch.pid());
                long w0 = System.nanoTime();
                Histogram paced = new Histogram(3_600_000_000L, 3);
                long windowEnd = w0 + opt.window().toNanos();
                while (System.nanoTime() < windowEnd) {
                    Thread.sleep(Math.min(10_000, Math.max(1, (windowEnd - System.nanoTime()) / 1_000_000)));
                    Histogram part = driver.pacedLatency.getIntervalHistogram();
                    paced.add(part);
                    System.out.printf("[%5.1fs] size %d: window +%.0f s: %d results, p50 %.1f ms p99 %.1f ms max %.1f ms%n",
                            secs(t0), size, secs(w0), part.getTotalCount(), ms(part, 50), ms(part, 99),
                            part.getMaxValue() / 1000.0);
                }
                double windowSeconds = secs(w0);
                long pacedResults = driver.results.get() - r0;
                double cpuPaced = ManagedProcess.cpuSeconds(orch.pid()) - cpu0;
                double heap = heapMiB(cfg);
                double rss = rssMiB(orch.pid());
                int threads = threads(orch.pid());
                System.out.printf("[%5.1fs] size %d: paced %d results in %.0f s, p50 %.1f ms p99 %.1f ms; draining%n", secs(t0),
                        size, pacedResults, windowSeconds, ms(paced, 50), ms(paced, 99));
                // drain: every command answered at once until every cutover is GREEN
                driver.think.set(0);
                driver.releaseHeld();
                driver.drainLatency.reset();
                long d0 = System.nanoTime();
                long dr0 = driver.results.get();
                double cpuD0 = ManagedProcess.cpuSeconds(orch.pid());
                long deadline = d0 + opt.drain().toNanos();
                int green = 0;
                while (System.nanoTime() < deadline) {
                    Thread.sleep(2000);
                    green = countGreen(pg);
                    if (green >= size) {
                        break;
                    }
                }
                double drainSeconds = secs(d0);
                long drainResults = driver.results.get() - dr0;
                double cpuDrain = ManagedProcess.cpuSeconds(orch.pid()) - cpuD0;
                Histogram drained = driver.drainLatency.getIntervalHistogram();
                heap = Math.max(heap, heapMiB(cfg));
                rss = Math.max(rss, rssMiB(orch.pid()));
                threads = Math.max(threads, threads(orch.pid()));
                Map<String, Long> rowsAfter = rowCounts(pg);
                Map<String, Double> perCutover = new TreeMap<>();
                double total = 0;
                for (Map.Entry<String, Long> e : rowsAfter.entrySet()) {
                    long d = e.getValue() - rowsBefore.getOrDefault(e.getKey(), 0L);
                    if (d != 0) {
                        perCutover.put(e.getKey(), d / (double) size);
                        total += d / (double) size;
                    }
                }
                System.out.printf("[%5.1fs] size %d: drain %d results in %.0f s (%d of %d GREEN), p50 %.1f ms p99 %.1f ms%n",
                        secs(t0), size, drainResults, drainSeconds, green, size, ms(drained, 50), ms(drained, 99));
                return new Figures(variant, size, size / createSeconds, thinkMillis, wave, settleSeconds, paced, pacedResults / windowSeconds, drained,
                        drainResults / drainSeconds, drainResults, drainSeconds, green, perCutover, total,
                        100 * cpuPaced / windowSeconds, 100 * cpuDrain / drainSeconds,
                        1000 * (cpuPaced + cpuDrain) / Math.max(1, pacedResults + drainResults), heap, rss, threads,
                        countTimedOut(pg));
            } finally {
                driver.close();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** How many entries a JSON array answer has. */
    record JsonNodeCount(int count) {
        JsonNodeCount(com.fasterxml.jackson.databind.JsonNode body) {
            this(body == null ? 0 : body.size());
        }
    }

    /** Lease {@code i}: region round robin, a STAGING lease (the staging-first gate does not apply). */
    static Map<String, Object> lease(int i) {
        Region region = REGIONS.get(i % REGIONS.size());
        Map<String, Object> lease = new LinkedHashMap<>();
        lease.put("id", leaseId(region, i));
        lease.put("region", region.name());
        lease.put("host", "10." + (i / 65536 % 256) + "." + (i / 256 % 256) + "." + (i % 256));
        lease.put("sshPort", 22);
        lease.put("sshUser", "openclaw");
        lease.put("hostKey", HOST_KEY);
        lease.put("gatewayPort", 18789);
        lease.put("stage", "STAGING");
        return lease;
    }

    static String leaseId(Region region, int i) {
        return "p5-" + region.suffix() + "-" + i;
    }

    /** Runs {@code n} API calls on the pool; every one must answer 2xx. */
    static void parallel(ExecutorService pool, int n, IntFunctionIO call) throws Exception {
        List<Future<?>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            futures.add(pool.submit(() -> {
                Api.Reply r = call.apply(k);
                if (r.status() / 100 != 2) {
                    throw new IOException("call " + k + " refused: HTTP " + r.status() + " " + r.body());
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    @FunctionalInterface
    interface IntFunctionIO {
        Api.Reply apply(int i) throws IOException;
    }

    /**
     * The load driver: every region's workers at the Kafka level. One consumer thread reads every step topic; each
     * command is answered (a valid result for its kind) {@code think} ms after it arrived, by a scheduler thread.
     * The latency of a result is from just before its publish to the arrival of the next command of its cutover.
     */
    static final class Driver implements AutoCloseable {

        final AtomicLong think = new AtomicLong();
        final AtomicLong results = new AtomicLong();
        /** Cutovers whose second command arrived: their INVENTORY result was handled. */
        final AtomicInteger pastFirst = new AtomicInteger();
        private final Map<String, Integer> commandsSeen = new ConcurrentHashMap<>();
        final Recorder pacedLatency = new Recorder(3_600_000_000L, 3);
        final Recorder drainLatency = new Recorder(3_600_000_000L, 3);
        private final Map<String, Long> publishedAt = new ConcurrentHashMap<>();
        private final Map<RunStep, Boolean> held = new ConcurrentHashMap<>();
        /** Pacing by rate: commands wait here in arrival order and are answered at {@code rate} per second. */
        private final LinkedBlockingQueue<RunStep> queue = new LinkedBlockingQueue<>();
        volatile boolean byRate;
        volatile double rate = 100;
        private final Thread releaser;
        private final KafkaConsumer<String, String> consumer;
        private final KafkaProducer<String, String> producer;
        private final ScheduledThreadPoolExecutor scheduler;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        Driver(StackConfig cfg, int size) {
            Properties cp = cfg.kafkaClientProperties();
            cp.put(ConsumerConfig.GROUP_ID_CONFIG, "p5-driver-" + UUID.randomUUID());
            cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
            consumer = new KafkaConsumer<>(cp);
            Properties pp = cfg.kafkaClientProperties();
            pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            pp.put(ProducerConfig.LINGER_MS_CONFIG, 0); // what the workers' result producer does
            producer = new KafkaProducer<>(pp);
            scheduler = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "p5-answers");
                t.setDaemon(true);
                return t;
            });
            scheduler.setRemoveOnCancelPolicy(true);
            thread = new Thread(this::loop, "p5-driver");
            thread.setDaemon(true);
            releaser = new Thread(this::release, "p5-release");
            releaser.setDaemon(true);
        }

        /**
         * Pacing by rate: answers the queued commands in arrival order, one every 1/rate s (no catch-up burst after
         * the queue ran dry: the schedule restarts from now), at once in the drain.
         */
        private void release() {
            try {
                long next = System.nanoTime();
                while (running.get()) {
                    RunStep cmd = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (cmd == null) {
                        continue;
                    }
                    if (think.get() != 0) {
                        long period = (long) (1e9 / rate);
                        long now = System.nanoTime();
                        if (next < now - period) {
                            next = now;
                        }
                        if (next > now) {
                            java.util.concurrent.locks.LockSupport.parkNanos(next - now);
                        }
                        next += period;
                    }
                    answer(cmd);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.set(t);
                t.printStackTrace();
            }
        }

        /** Assigns every partition of every step topic at its end, so only this size's commands are read. */
        void start() {
            List<TopicPartition> parts = new ArrayList<>();
            for (Region r : REGIONS) {
                consumer.partitionsFor(Topics.stepCommands(r)).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            thread.start();
            releaser.start();
        }

        private void loop() {
            try {
                while (running.get()) {
                    for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        RunStep cmd = Json.read(rec.value(), RunStep.class);
                        if (commandsSeen.merge(cmd.cutoverId(), 1, Integer::sum) == 2) {
                            pastFirst.incrementAndGet();
                        }
                        Long sent = publishedAt.remove(cmd.cutoverId());
                        if (sent != null) {
                            long micros = (now - sent) / 1000;
                            (think.get() == 0 ? drainLatency : pacedLatency).recordValue(Math.min(micros, 3_600_000_000L));
                        }
                        long delay = think.get();
                        if (delay == 0) {
                            answer(cmd);
                        } else if (byRate) {
                            queue.add(cmd);
                        } else {
                            held.put(cmd, Boolean.TRUE);
                            scheduler.schedule(() -> {
                                if (held.remove(cmd) != null) {
                                    answer(cmd);
                                }
                            }, delay, TimeUnit.MILLISECONDS);
                        }
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
                t.printStackTrace();
            }
        }

        /** Answers every command still held (the switch to the drain). */
        void releaseHeld() {
            for (RunStep cmd = queue.poll(); cmd != null; cmd = queue.poll()) {
                answer(cmd);
            }
            for (RunStep cmd : new ArrayList<>(held.keySet())) {
                if (held.remove(cmd) != null) {
                    answer(cmd);
                }
            }
        }

        private void answer(RunStep cmd) {
            StepResult result = succeed(cmd);
            publishedAt.put(cmd.cutoverId(), System.nanoTime());
            producer.send(new ProducerRecord<>(cmd.replyTo(), cmd.leaseId(), Json.write(result)), (m, e) -> {
                if (e != null) {
                    failure.set(e);
                }
            });
            results.incrementAndGet();
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler.shutdownNow();
            try {
                releaser.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.close(Duration.ofSeconds(2));
            producer.close(Duration.ofSeconds(2));
            if (failure.get() != null) {
                throw new IllegalStateException("the load driver failed", failure.get());
            }
        }
    }

    /** A valid answer to {@code cmd}: what a worker reports for a lease that passes every gate. */
    static StepResult succeed(RunStep cmd) {
        Map<String, String> facts = switch (cmd.kind()) {
            case INVENTORY -> inventoryFacts();
            case SNAPSHOT -> Map.of("kitPath", "/Users/openclaw/.openclaw-cutover/" + cmd.cutoverId(),
                    "stateArchiveSha256", HASH_STATE, "packageArchiveSha256", "4b".repeat(32),
                    "plistBackupSha256", HASH_PLIST);
            case INSTALL_CANDIDATE -> Map.of("candidatePackageRoot", "/Users/openclaw/.openclaw-cutover/candidate",
                    "candidatePackageSha256", "5a".repeat(32), "candidateEnginesNode", ">=22.12.0");
            case VALIDATE -> Map.of("runningVersion", "2026.9.6", "firstGreenRound", "1",
                    "firstGreenAt", Instant.now().toString(), "firstGreenAfterMillis", "900");
            default -> Map.of();
        };
        return StepResult.answering(cmd).outcome(StepOutcome.SUCCEEDED).facts(facts)
                .report(StepReport.fromFacts(cmd.kind(), facts))
                .evidence(List.of(Evidence.of(cmd.kind().name().toLowerCase(), "p5 driver " + cmd.kind(), 0, "ok")))
                .durationMillis(3).workerId("p5-driver-" + cmd.target().region().suffix()).build();
    }

    static Map<String, String> inventoryFacts() {
        Map<String, String> f = new HashMap<>();
        f.put("uid", "501");
        f.put("loginNodeVersion", "v22.12.0");
        f.put("plistNodeVersion", "v22.12.0");
        f.put("enginesNode", ">=22.12.0");
        f.put("gatewayVersion", "2026.9.5");
        f.put("gatewayPort", "18789");
        f.put("gatewayPid", "4242");
        f.put("listeningPid", "4242");
        f.put("plistSha256", HASH_PLIST);
        f.put("packageSha256", HASH_PACKAGE);
        f.put("diskFreePercent", "42");
        f.put("baselineP95Millis", "180");
        f.put("gatewayUser", "openclaw");
        f.put("probeUser", "openclaw-probe");
        f.put("probeLaunchdRead", "OK");
        f.put("probeLaunchdState", "running");
        f.put("cliPath", "/Users/openclaw/.npm-global/bin/openclaw");
        f.put("cliVersion", "2026.9.5");
        f.put("cliWritable", "true");
        return f;
    }

    /** Rows of every table of the orchestrator's schema (Flyway's history left out). */
    static Map<String, Long> rowCounts(PostgresServer pg) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(pg.primaryJdbcUrl(PostgresServer.DATABASE));
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("select table_name from information_schema.tables where table_schema = "
                    + "'orchestrator' and table_type = 'BASE TABLE' and table_name <> 'flyway_schema_history'")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("select count(*) from orchestrator.\"" + t + "\"")) {
                    r.next();
                    counts.put(t, r.getLong(1));
                }
            }
        }
        return counts;
    }

    static int countGreen(PostgresServer pg) throws Exception {
        return (int) single(pg, "select count(*) from orchestrator.cutover where state = 'GREEN'");
    }

    static long countTimedOut(PostgresServer pg) throws Exception {
        return single(pg, "select count(*) from orchestrator.cutover_step where outcome = 'TIMED_OUT'");
    }

    static long single(PostgresServer pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.primaryJdbcUrl(PostgresServer.DATABASE));
                Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Heap in use, from the orchestrator's own Prometheus metrics. */
    static double heapMiB(StackConfig cfg) {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + cfg.orchestratorPort() + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            for (String line : body.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum / (1024 * 1024);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    static double rssMiB(long pid) {
        return procStatus(pid, "VmRSS:") / 1024.0;
    }

    static int threads(long pid) {
        return (int) procStatus(pid, "Threads:");
    }

    private static long procStatus(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return -1;
    }

    static String row(Figures f) {
        return String.format("| %,d%s | %.0f/s | %d ms | %.1f ms / %.1f ms | %.0f s | %.1f ms | %.1f ms | %.1f ms | %.0f/s | %.1f ms | %.1f ms | %.0f/s (%,d in %.0f s) | %,d | %.1f | %.0f %% / %.0f %% | %.1f s | %.0f MiB | %.0f MiB | %d | %d |",
                f.size(), f.variant().isEmpty() ? "" : " " + f.variant(), f.createPerSecond(), f.thinkMillis(),
                ms(f.wave(), 50), ms(f.wave(), 99), f.settleSeconds(), ms(f.paced(), 50), ms(f.paced(), 99),
                f.paced().getMaxValue() / 1000.0, f.pacedPerSecond(), ms(f.drained(), 50), ms(f.drained(), 99),
                f.drainedPerSecond(), f.drainResults(), f.drainSeconds(), f.green(), f.rowsPerCutoverTotal(),
                f.cpuPercentPaced(), f.cpuPercentDrain(), f.cpuSecondsPerThousandResults(), f.heapMiB(), f.rssMiB(),
                f.threads(), f.timeouts());
    }

    static String report(Options opt, List<Figures> figures, String loadBefore, String loadAfter) {
        StringBuilder sb = new StringBuilder();
        sb.append("Measured ").append(Instant.now()).append(" by `./bench.sh p5 ").append(opt.sizes().stream().map(String::valueOf)
                .reduce((a, b) -> a + "," + b).orElse("")).append("` (`OrchestratorScaleBenchmark`) on this machine (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores shared with other sessions, JDK ")
                .append(System.getProperty("java.version")).append("; load average before ").append(loadBefore)
                .append(", after ").append(loadAfter).append("): one orchestrator process (-Xmx").append(opt.xmx())
                .append("), the local stack's KRaft broker (SASL_SSL) and PostgreSQL 17, no workers: a load driver in the benchmark's JVM "
                        + "answers every RunStep of every region with a valid StepResult. Each size on a fresh schema and a fresh orchestrator. "
                        + "Paced window: ").append(opt.window().toSeconds()).append(" s, ")
                .append(opt.byRate() ? "the commands answered in arrival order at exactly " + (int) opt.rate()
                        + " results/s (`--pacing rate`: one queue, each command waits about N / rate, every cutover in flight)"
                        : "every command answered `think` = N / " + (int) opt.rate() + " results/s after it arrived (`--pacing think`)")
                .append("; the window opens once every cutover's INVENTORY result has been handled (the creation wave: its latencies "
                        + "reported apart as p50 / p99, the time from the last create as \"settled\"); drain: every command "
                        + "answered at once until every cutover is GREEN (cap ").append(opt.drain().toSeconds())
                .append(" s). Latency = a result's publish → the next command of its cutover at the driver (result consumed, "
                        + "persisted, next command written to the outbox, relayed, delivered).\n\n")
                .append("| cutovers | created | think | creation wave p50 / p99 | settled | paced p50 | p99 | max | results/s | drain p50 | p99 | drain results/s | GREEN | PG rows per cutover | orchestrator CPU (paced / drain, % of one core) | CPU per 1,000 results | heap used | RSS | threads | steps timed out |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Figures f : figures) {
            sb.append(row(f)).append('\n');
        }
        List<Figures> before = figures.stream().filter(f -> f.variant().equals("before")).toList();
        if (!before.isEmpty()) {
            sb.append("\nBefore/after in this invocation (before: ").append(opt.beforeArgs() == null ? "" : "`" + opt.beforeArgs() + "`")
                    .append(opt.beforeSql() == null ? "" : " `" + opt.beforeSql() + "`")
                    .append(opt.beforeApp() == null ? "" : " the orchestrator build in `" + opt.beforeApp() + "`")
                    .append("; after: as built). Ratio = after / before (below 1 is better for latency and CPU, above 1 for results/s).\n\n")
                    .append("| cutovers | paced p50 | paced p99 | drain p50 | drain p99 | drain results/s | CPU per 1,000 results |\n|---|---|---|---|---|---|---|\n");
            for (Figures b : before) {
                figures.stream().filter(a -> a.variant().equals("after") && a.size() == b.size()).findFirst().ifPresent(a ->
                        sb.append(String.format("| %,d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", a.size(),
                                ms(a.paced(), 50) / ms(b.paced(), 50), ms(a.paced(), 99) / ms(b.paced(), 99),
                                ms(a.drained(), 50) / ms(b.drained(), 50), ms(a.drained(), 99) / ms(b.drained(), 99),
                                a.drainedPerSecond() / b.drainedPerSecond(),
                                a.cpuSecondsPerThousandResults() / b.cpuSecondsPerThousandResults())));
            }
        }
        if (!figures.isEmpty()) {
            Figures last = figures.get(figures.size() - 1);
            sb.append("\nPostgreSQL rows per cutover at ").append(String.format("%,d", last.size())).append(" (rows added after the leases were registered, divided by cutovers): ");
            last.rowsPerCutover().forEach((t, v) -> sb.append(String.format("%s %.1f, ", t, v)));
            sb.setLength(sb.length() - 2);
            sb.append(".\n");
        }
        return sb.toString();
    }

    private static double ms(Histogram h, double pct) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(pct) / 1000.0;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
