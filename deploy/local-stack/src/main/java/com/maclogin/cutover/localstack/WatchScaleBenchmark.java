package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.LeaseWatchReport;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.simulator.SshKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Benchmark (not a test), issue 12 point 5: one probe worker watching N leases at a 5 s interval (P4), and a
 * region-wide network blip. For each size: a real Kafka broker (the local stack's, port shift
 * {@code localstack.port-shift} + 4100), ONE lease-simulator process in LIGHT gateway mode with N leases, their
 * {@link LeaseRegistration}s ({@code watchIntervalSeconds=5}, all in region HK) published to
 * {@code cutover.leases.hk} as the orchestrator would, and ONE probe-service worker for HK
 * ({@code probe.watch.interval=PT5S}). Once every lease was reported HEALTHY on {@code lease.watch}, it samples for a
 * fixed time: the worker's Prometheus metrics (lateness p50/p99, rounds, leases, SSH connections, reconnects, heap),
 * the worker's CPU, RSS and threads from /proc, and the simulator's commands answered. Prints a growth table and
 * writes it to {@code docs/benchmarks.md}.
 * <pre>
 * ./bench.sh watch [100 500 1000 2000] [--with-blip]   (WATCH_BENCH_OPTS="-Dwatch.sample-seconds=60 -Dwatch.worker-xmx=768m")
 * ./bench.sh blip [2000]
 * </pre>
 * Blip: with N leases watched, {@code POST /v1/ssh-drop-all} on the simulator closes every SSH session of every
 * lease at once; measured: the time until every lease answered a launchd read again (the simulator's count) and until
 * every lease that left HEALTHY is reported HEALTHY again (lease.watch), and the worker's reconnect rate per second.
 */
public final class WatchScaleBenchmark {

    static final int SAMPLE_SECONDS = Integer.getInteger("watch.sample-seconds", 60);
    static final int SETTLE_SECONDS = Integer.getInteger("watch.settle-seconds", 30);
    static final String WORKER_XMX = System.getProperty("watch.worker-xmx", "768m");
    /** The watch interval of every lease: 5 s (the issue's P4), {@code -Dwatch.interval-seconds=30} for the product default. */
    static final int INTERVAL_SECONDS = Integer.getInteger("watch.interval-seconds", 5);
    /**
     * {@code -Dwatch.jfr=true}: the worker and the simulator record the sample window with JDK Flight Recorder (profile
     * settings, started and dumped with jcmd) into {@code .local-bench-watch/{worker,simulator}-<leases>.jfr}, for
     * {@code jfr print --events jdk.ExecutionSample}.
     */
    static final boolean JFR = Boolean.getBoolean("watch.jfr");
    /**
     * The round's forms measured, each size once per form one after the other ({@code probe.watch.combined-round}):
     * {@code combined} (default: the launchd read and df in one exec, /healthz and /readyz on one channel that is also
     * TCP's check, no evidence) and {@code matrix} (one channel per probe, as VALIDATE's matrix: the form before);
     * {@code -Dwatch.forms=matrix,combined} measures both side by side and adds the ratio table.
     */
    static final List<String> FORMS = List.of(System.getProperty("watch.forms", "combined").split(","));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private WatchScaleBenchmark() {
    }

    /** One size's figures. */
    record Row(String form, int leases, String watched, double watchedAfterS, double roundsPerS, double okShare, double latP50, double latP99,
               double latMax, double latMean, double roundP99, double cpuPct, double heapMiB, double rssMiB, int threads,
               int sshConnections, double execsPerS, double channelsPerS, double simCpuPct, double simRssMiB,
               long reconnects) {
    }

    public static void main(String[] args) throws Exception {
        boolean blip = args.length > 0 && args[0].equals("blip");
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].matches("\\d+")) {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = blip ? List.of(2000) : List.of(100, 500, 1000, 2000);
        }
        Path root = LocalStack.repoRoot();
        if (blip) {
            String md = blip(root, sizes.get(0));
            System.out.println(md);
            BenchmarkReport.writeSection(root.resolve("docs/benchmarks.md"), "P4: network blip (all SSH connections of a region dropped at once)"
                            + (INTERVAL_SECONDS == 5 ? "" : ", " + INTERVAL_SECONDS + " s interval"), md);
            return;
        }
        boolean withBlip = List.of(args).contains("--with-blip");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            int n = sizes.get(i);
            for (int f = 0; f < FORMS.size(); f++) {
            try (Run run = Run.start(root, n, FORMS.get(f))) {
                rows.add(run.sample(Duration.ofSeconds(SAMPLE_SECONDS)));
                // written after every size: a long run that is stopped keeps what it measured
                String md = table(rows) + "\n" + ratios(rows) + notes();
                System.out.println(md);
                BenchmarkReport.writeSection(root.resolve("docs/benchmarks.md"),
                        "P4: one probe worker watching N leases at a " + INTERVAL_SECONDS + " s interval", md);
                if (withBlip && i == sizes.size() - 1 && f == FORMS.size() - 1) {
                    String b = blip(run);
                    System.out.println(b);
                    BenchmarkReport.writeSection(root.resolve("docs/benchmarks.md"),
                            "P4: network blip (all SSH connections of a region dropped at once)"
                            + (INTERVAL_SECONDS == 5 ? "" : ", " + INTERVAL_SECONDS + " s interval"), b);
                }
            }
            }
        }
        System.out.println("written to " + root.resolve("docs/benchmarks.md"));
    }

    static String table(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Run %s on this machine (%d CPUs, load %s at the end), %d s sampled per size, worker -Xmx%s; "
                + "simulator in LIGHT mode, one process.%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                loadAverage(), SAMPLE_SECONDS, WORKER_XMX));
        s.append("| round | leases | all watched after | rounds/s (ok) | lateness p50 / p99 / max (mean) | round p99 | worker CPU | heap | RSS | threads | SSH conns | SSH execs/s | SSH channels/s | simulator CPU / RSS | CPU ms per round: worker / simulator |\n");
        s.append("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f (%.1f %%) | %.3f / %.3f / %.2f s (%.3f s) | %.2f s | %.0f %% | %.0f MiB | %.0f MiB | %d | %d | %.0f | %.0f | %.0f %% / %.0f MiB | %.2f / %.2f |%n",
                    r.form(), r.leases(), r.watched(), r.roundsPerS(), 100 * r.okShare(), r.latP50(), r.latP99(), r.latMax(),
                    r.latMean(), r.roundP99(), r.cpuPct(), r.heapMiB(), r.rssMiB(), r.threads(), r.sshConnections(),
                    r.execsPerS(), r.channelsPerS(), r.simCpuPct(), r.simRssMiB(), 10 * r.cpuPct() / r.roundsPerS(),
                    10 * r.simCpuPct() / r.roundsPerS()));
        }
        return s.toString();
    }

    /** Per size measured in both forms: combined ÷ matrix of what a round costs and how late rounds start. */
    static String ratios(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        for (Row c : rows) {
            if (!c.form().equals("combined")) {
                continue;
            }
            for (Row m : rows) {
                if (m.form().equals("matrix") && m.leases() == c.leases()) {
                    if (s.length() == 0) {
                        s.append("Combined ÷ matrix, same run (below 1 = the combined round costs less):\n\n");
                        s.append("| leases | worker CPU per round | simulator CPU per round | SSH channels per round | "
                                + "lateness p99 | rounds ok (share) | worker threads | worker RSS |\n");
                        s.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
                    }
                    s.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                            c.leases(), ratio(c.cpuPct() / c.roundsPerS(), m.cpuPct() / m.roundsPerS()),
                            ratio(c.simCpuPct() / c.roundsPerS(), m.simCpuPct() / m.roundsPerS()),
                            ratio(c.channelsPerS() / c.roundsPerS(), m.channelsPerS() / m.roundsPerS()),
                            ratio(c.latP99(), m.latP99()), ratio(c.okShare(), m.okShare()),
                            ratio(c.threads(), m.threads()), ratio(c.rssMiB(), m.rssMiB())));
                }
            }
        }
        return s.length() == 0 ? "" : s.append('\n').toString();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    static String notes() {
        return """
                - lateness: `probe_watch_lateness_seconds` (how late a round started against its schedule), p50/p99 as the
                  worker publishes them (1-minute window) at the end of the sample, which starts watch.settle-seconds (default 30 s) after every lease
                  was first reported HEALTHY; max (the largest the worker's 1-minute max showed) and mean over the sample.
                - worker CPU: /proc/<pid>/stat utime+stime over the sample, in % of one core (200 % = both cores);
                  heap: `jvm_memory_used_bytes{area="heap"}`; RSS and threads: /proc/<pid>/status.
                - round: `matrix` = one SSH channel per probe as VALIDATE's matrix (two execs: the launchd read and
                  `df`; three direct-tcpip: TCP, `/healthz`, `/readyz`), with each probe's redacted evidence;
                  `combined` = `probe.watch.combined-round` (default): one exec (the launchd read and `df` split by a
                  random marker) and one keep-alive direct-tcpip channel (its open is TCP, then `/healthz` and
                  `/readyz`), no evidence (the watch publishes none).
                - SSH execs/s: commands the simulator answered in its JVM; SSH channels/s: channels (exec and
                  direct-tcpip) the simulator's SSH servers opened; rounds/s: `probe_watch_rounds_total` (every
                  outcome), ok = outcome `ok`; CPU ms per round: the process's CPU over the sample ÷ rounds.
                - The simulator (one process, all N leases) shares the 2 cores with the worker, Kafka and the harness.
                """;
    }

    // ------------------------------------------------------------------------------------------------ one size

    /** Kafka, the simulator, the registrations and the worker for N leases; closed in reverse. */
    static final class Run implements AutoCloseable {
        final int n;
        final String form;
        final StackConfig cfg;
        final ManagedProcess kafka;
        final ManagedProcess sim;
        final ManagedProcess worker;
        final KafkaConsumer<String, String> watch;
        final Set<String> ids = new HashSet<>();
        final Map<String, LeaseHealthState> health = new HashMap<>();
        final Map<String, Instant> healthyAt = new HashMap<>();
        double watchedAfterS;
        /** Leases not yet reported HEALTHY when the wait for all of them ended (0 = all were). */
        int neverHealthy;

        private Run(int n, String form, StackConfig cfg, ManagedProcess kafka, ManagedProcess sim, ManagedProcess worker,
                    KafkaConsumer<String, String> watch) {
            this.n = n;
            this.form = form;
            this.cfg = cfg;
            this.kafka = kafka;
            this.sim = sim;
            this.worker = worker;
            this.watch = watch;
        }

        static Run start(Path root, int n, String form) throws Exception {
            StackConfig cfg = StackConfig.defaults(root).withRegions(List.of("hk")).withPortOffset(4100)
                    .withWorkDir(root.resolve(".local-bench-watch"));
            LocalStack.deleteRecursively(cfg.workDir());
            Files.createDirectories(cfg.workDir());
            Path logs = cfg.workDir().resolve("logs");
            Path key = cfg.workDir().resolve("keys/probe-hk");
            Files.createDirectories(key.getParent());
            String pub = SshKeys.generateEd25519(key);
            String classpath = LocalStack.ownClasspath();
            System.out.printf("[watch-bench] %d leases, %s round: Kafka on :%d ...%n", n, form, cfg.kafkaPort());
            ManagedProcess kafka = KafkaBroker.start(cfg, classpath);
            ManagedProcess sim = null;
            ManagedProcess worker = null;
            KafkaConsumer<String, String> watch = null;
            try {
                // the simulator: N LIGHT leases, ephemeral SSH ports, gateway ports picked free now
                List<Map<String, Object>> specs = new ArrayList<>();
                List<Integer> ports = com.maclogin.cutover.simulator.GatewayPorts.freeAboveEphemeral(n);
                for (int i = 0; i < n; i++) {
                    Map<String, Object> spec = new LinkedHashMap<>();
                    spec.put("id", String.format("hk-w%04d", i));
                    spec.put("region", "HK");
                    spec.put("sshPort", 0);
                    spec.put("gatewayPort", ports.get(i));
                    spec.put("initialVersion", "2026.9.5");
                    specs.add(spec);
                }
                Map<String, Object> conf = new LinkedHashMap<>();
                conf.put("controlPort", cfg.simulatorControlPort());
                conf.put("gatewayStartupDelayMillis", 200);
                conf.put("throttleIntervalMillis", 2000);
                conf.put("gatewayMode", "light");
                conf.put("authorizedKeys", List.of(pub));
                conf.put("leases", specs);
                Path simConfig = cfg.workDir().resolve("simulator.json");
                Files.writeString(simConfig, Json.write(conf));
                Path descriptor = cfg.workDir().resolve("leases.json");
                long t0 = System.nanoTime();
                sim = ManagedProcess.java("lease-simulator", classpath, List.of("-Xmx1g", "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1"), "com.maclogin.cutover.simulator.LeaseSimulatorMain",
                        List.of("--config", simConfig.toString(), "--state-dir", cfg.workDir().resolve("leases").toString(),
                                "--descriptor-out", descriptor.toString()), cfg.workDir(), logs);
                sim.awaitFile(descriptor, Duration.ofSeconds(120 + n / 5));
                System.out.printf("[watch-bench] simulator: %d LIGHT leases ready in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
                JsonNode leases = Json.MAPPER.readTree(descriptor.toFile());

                watch = consumer(cfg);
                // registrations, as the orchestrator publishes them (keyed by lease id)
                Set<String> ids = new HashSet<>();
                try (KafkaProducer<String, String> producer = producer(cfg)) {
                    for (JsonNode l : leases) {
                        LeaseTarget target = new LeaseTarget(Region.HK, l.path("host").asText(), l.path("sshPort").asInt(),
                                l.path("sshUser").asText(), l.path("hostKey").asText(), l.path("gatewayPort").asInt(),
                                l.path("probeUser").asText());
                        String id = l.path("id").asText();
                        ids.add(id);
                        producer.send(new ProducerRecord<>(Topics.leaseRegistry(Region.HK), id, Json.write(
                                LeaseRegistration.of(id, target, "STAGING", Instant.now(), INTERVAL_SECONDS))));
                    }
                    producer.flush();
                }
                // one worker for the region
                Map<String, String> props = new LinkedHashMap<>();
                props.put("kafka.bootstrap.servers", cfg.kafkaBootstrapServers());
                props.put("quarkus.http.port", "" + cfg.probePort("hk"));
                props.put("probe.region", "hk");
                props.put("probe.ssh.private-key-file", key.toString());
                props.put("probe.watch.interval", "PT" + INTERVAL_SECONDS + "S");
                props.put("probe.watch.combined-round", Boolean.toString(!form.equals("matrix")));
                if (!"os-user".equals(leases.path(0).path("probeAccount").asText())) {
                    props.put("probe.validate.require-distinct-probe-uid", "false");
                }
                List<String> cmd = new ArrayList<>(List.of(ManagedProcess.javaBinary(), "-Xmx" + WORKER_XMX,
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
                props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
                cmd.add("-jar");
                cmd.add(root.resolve("probe-service/target/quarkus-app/quarkus-run.jar").toString());
                Map<String, String> env = KafkaSecurity.load(cfg.workDir()).serviceEnvironment(KafkaAcls.worker(Region.HK));
                long w0 = System.nanoTime();
                worker = ManagedProcess.start("probe-service-hk", cmd, env, cfg.workDir(), logs);
                worker.awaitHttp200("http://127.0.0.1:" + cfg.probePort("hk") + "/q/health/ready", Duration.ofSeconds(180));
                Run run = new Run(n, form, cfg, kafka, sim, worker, watch);
                run.ids.addAll(ids);
                try {
                    run.watchedAfterS = run.awaitAllHealthy(Duration.ofSeconds(120 + n / 10), w0);
                    System.out.printf("[watch-bench] every lease reported HEALTHY %.1f s after the worker started%n",
                            run.watchedAfterS);
                } catch (IOException notAll) {
                    // a form that does not keep up is measured as it is (its row says how many were never HEALTHY)
                    run.watchedAfterS = Double.NaN;
                    run.neverHealthy = (int) ids.stream().filter(id -> run.health.get(id) != LeaseHealthState.HEALTHY).count();
                    System.out.printf("[watch-bench] %s; sampling anyway%n", notAll.getMessage());
                }
                return run;
            } catch (Exception e) {
                if (watch != null) {
                    watch.close();
                }
                if (worker != null) {
                    System.out.println(worker.tail(40));
                    worker.stop(Duration.ofSeconds(10));
                }
                if (sim != null) {
                    System.out.println(sim.tail(20));
                    sim.stop(Duration.ofSeconds(10));
                }
                kafka.stop(Duration.ofSeconds(10));
                throw e;
            }
        }

        /** Polls lease.watch until every lease's last change report is HEALTHY; seconds since {@code t0}. */
        double awaitAllHealthy(Duration timeout, long t0) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastPrint = 0;
            while (System.nanoTime() < deadline) {
                pollWatch(Duration.ofMillis(500));
                long healthy = ids.stream().filter(id -> health.get(id) == LeaseHealthState.HEALTHY).count();
                if (healthy == ids.size()) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                    lastPrint = System.nanoTime();
                    System.out.printf("[watch-bench]   %d of %d leases reported HEALTHY%n", healthy, ids.size());
                }
            }
            throw new IOException("not every lease reported HEALTHY within " + timeout + ": "
                    + ids.stream().filter(id -> health.get(id) != LeaseHealthState.HEALTHY).count() + " missing; worker log "
                    + worker.log());
        }

        void pollWatch(Duration d) {
            for (ConsumerRecord<String, String> r : watch.poll(d)) {
                try {
                    LeaseWatchReport report = Json.read(r.value(), LeaseWatchReport.class);
                    if (report.rollup() == null) {
                        health.put(report.leaseId(), report.state());
                        if (report.state() == LeaseHealthState.HEALTHY) {
                            healthyAt.put(report.leaseId(), Instant.now());
                        }
                    } else {
                        health.putIfAbsent(report.leaseId(), report.state());
                    }
                } catch (RuntimeException e) {
                    // not ours to judge here
                }
            }
        }

        Row sample(Duration length) throws Exception {
            // settle: the rush of first connects out of the lateness window (the worker's percentiles cover ~1 minute)
            sleepPolling(Duration.ofSeconds(SETTLE_SECONDS));
            if (JFR) {
                jcmd(worker.pid(), "JFR.start", "name=p4", "settings=profile");
                jcmd(sim.pid(), "JFR.start", "name=p4", "settings=profile");
            }
            Map<String, Double> m0 = metrics();
            double cpu0 = ManagedProcess.procSeconds(worker.pid(), false);
            double sim0 = ManagedProcess.cpuSeconds(sim.pid());
            JsonNode stats0 = simStats(0);
            long execs0 = stats0.path("inJvmCommands").asLong();
            long channels0 = stats0.path("sshChannelsOpened").asLong();
            long t0 = System.nanoTime();
            double heapMax = 0;
            double rssMax = 0;
            int threadsMax = 0;
            double simRssMax = 0;
            double latMax = 0;
            while (System.nanoTime() - t0 < length.toNanos()) {
                sleepPolling(Duration.ofSeconds(5));
                Map<String, Double> m = metrics();
                heapMax = Math.max(heapMax, sum(m, "jvm_memory_used_bytes{area=\"heap\""));
                latMax = Math.max(latMax, m.getOrDefault("probe_watch_lateness_seconds_max", 0.0));
                Map<String, Long> st = procStatus(worker.pid());
                rssMax = Math.max(rssMax, st.getOrDefault("VmRSS", 0L) / 1024.0);
                threadsMax = Math.max(threadsMax, st.getOrDefault("Threads", 0L).intValue());
                simRssMax = Math.max(simRssMax, procStatus(sim.pid()).getOrDefault("VmRSS", 0L) / 1024.0);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> m1 = metrics();
            double cpu = ManagedProcess.procSeconds(worker.pid(), false) - cpu0;
            double simCpu = ManagedProcess.cpuSeconds(sim.pid()) - sim0;
            JsonNode stats1 = simStats(0);
            long execs = stats1.path("inJvmCommands").asLong() - execs0;
            long channels = stats1.path("sshChannelsOpened").asLong() - channels0;
            if (JFR) { // after the CPU reads: the dump is not the round's cost
                jcmd(worker.pid(), "JFR.dump", "name=p4", "filename=" + cfg.workDir().resolve("worker-" + n + "-" + form + ".jfr"));
                jcmd(sim.pid(), "JFR.dump", "name=p4", "filename=" + cfg.workDir().resolve("simulator-" + n + "-" + form + ".jfr"));
            }
            double rounds = sum(m1, "probe_watch_rounds_total") - sum(m0, "probe_watch_rounds_total");
            double ok = m1.getOrDefault("probe_watch_rounds_total{outcome=\"ok\"}", 0.0)
                    - m0.getOrDefault("probe_watch_rounds_total{outcome=\"ok\"}", 0.0);
            double latCount = m1.getOrDefault("probe_watch_lateness_seconds_count", 0.0)
                    - m0.getOrDefault("probe_watch_lateness_seconds_count", 0.0);
            double latSum = m1.getOrDefault("probe_watch_lateness_seconds_sum", 0.0)
                    - m0.getOrDefault("probe_watch_lateness_seconds_sum", 0.0);
            Row row = new Row(form, n, neverHealthy == 0 ? String.format(Locale.ROOT, "%.0f s", watchedAfterS)
                    : neverHealthy + " never HEALTHY in " + (120 + n / 10) + " s", watchedAfterS, rounds / secs, rounds > 0 ? ok / rounds : 0,
                    m1.getOrDefault("probe_watch_lateness_seconds{quantile=\"0.5\"}", Double.NaN),
                    m1.getOrDefault("probe_watch_lateness_seconds{quantile=\"0.99\"}", Double.NaN),
                    latMax, latCount > 0 ? latSum / latCount : Double.NaN,
                    m1.getOrDefault("probe_watch_round_seconds{quantile=\"0.99\"}", Double.NaN),
                    100 * cpu / secs, heapMax / (1 << 20), rssMax, threadsMax,
                    m1.getOrDefault("probe_ssh_connections", 0.0).intValue(), execs / secs, channels / secs,
                    100 * simCpu / secs, simRssMax,
                    (long) sum(m1, "probe_watch_reconnects_total"));
            System.out.printf("[watch-bench] %s%n", row);
            return row;
        }

        void sleepPolling(Duration d) {
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                pollWatch(Duration.ofMillis(Math.max(1, Math.min(500, (end - System.nanoTime()) / 1_000_000))));
            }
        }

        Map<String, Double> metrics() throws IOException, InterruptedException {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cfg.probePort("hk") + "/q/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return parsePrometheus(text);
        }

        JsonNode simStats(long since) throws IOException, InterruptedException {
            return Json.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + cfg.simulatorControlPort() + "/v1/stats?since=" + since)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }

        @Override
        public void close() {
            watch.close();
            worker.stop(Duration.ofSeconds(15));
            sim.stop(Duration.ofSeconds(30));
            kafka.stop(Duration.ofSeconds(15));
        }
    }

    // ------------------------------------------------------------------------------------------------ blip

    static String blip(Path root, int n) throws Exception {
        try (Run run = Run.start(root, n, FORMS.get(FORMS.size() - 1))) {
            return blip(run);
        }
    }

    /** The blip on a running size (every lease HEALTHY): drop all, then watch the recovery. */
    static String blip(Run run) throws Exception {
        int n = run.n;
        {
            run.sleepPolling(Duration.ofSeconds(3L * INTERVAL_SECONDS));
            Map<String, Double> m0 = run.metrics();
            double reconnects0 = sum(m0, "probe_watch_reconnects_total");
            long blipAt = System.currentTimeMillis();
            long t0 = System.nanoTime();
            JsonNode dropped = Json.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + run.cfg.simulatorControlPort() + "/v1/ssh-drop-all")).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()).body());
            System.out.printf("[watch-bench] blip: %s%n", dropped);
            Map<String, LeaseHealthState> before = new HashMap<>(run.health);
            double allReadAfter = Double.NaN;
            List<String> perSecond = new ArrayList<>();
            double lastReconnects = reconnects0;
            double peak = 0;
            long lastSecond = System.nanoTime();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            Set<String> leftHealthy = new HashSet<>();
            double allHealthyAfter = Double.NaN;
            while (System.nanoTime() < deadline) {
                run.pollWatch(Duration.ofMillis(200));
                for (String id : run.ids) {
                    if (run.health.get(id) != LeaseHealthState.HEALTHY) {
                        leftHealthy.add(id);
                    }
                }
                if (System.nanoTime() - lastSecond >= 1_000_000_000L) {
                    lastSecond = System.nanoTime();
                    double r = sum(run.metrics(), "probe_watch_reconnects_total");
                    peak = Math.max(peak, r - lastReconnects);
                    perSecond.add(String.format(Locale.ROOT, "%.0f", r - lastReconnects));
                    lastReconnects = r;
                    if (Double.isNaN(allReadAfter)) {
                        int read = run.simStats(blipAt).path("leasesReadSince").asInt();
                        if (read >= n) {
                            allReadAfter = (System.nanoTime() - t0) / 1e9;
                        }
                    }
                }
                boolean allHealthy = run.ids.stream().allMatch(id -> run.health.get(id) == LeaseHealthState.HEALTHY);
                if (allHealthy && Double.isNaN(allHealthyAfter) && !Double.isNaN(allReadAfter)) {
                    allHealthyAfter = (System.nanoTime() - t0) / 1e9;
                    break;
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> m1 = run.metrics();
            double reconnects = sum(m1, "probe_watch_reconnects_total") - reconnects0;
            double failed = m1.getOrDefault("probe_watch_reconnects_total{outcome=\"failed\"}", 0.0)
                    - m0.getOrDefault("probe_watch_reconnects_total{outcome=\"failed\"}", 0.0);
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "Run %s: %d leases watched at a " + INTERVAL_SECONDS + " s interval by one worker (LIGHT simulator), then "
                    + "`POST /v1/ssh-drop-all` closed every SSH session at once (%s).%n%n", LocalDate.now(), n, dropped));
            s.append("| measured | value |\n|---|---|\n");
            s.append(String.format(Locale.ROOT, "| every lease answered a launchd read again (simulator) after | %.1f s |%n", allReadAfter));
            s.append(String.format(Locale.ROOT, "| every lease reported HEALTHY again (lease.watch) after | %s |%n",
                    Double.isNaN(allHealthyAfter) ? "not within " + Math.round(secs) + " s" : String.format(Locale.ROOT, "%.1f s", allHealthyAfter)));
            s.append(String.format(Locale.ROOT, "| leases that left HEALTHY meanwhile | %d (of %d) |%n", leftHealthy.size(), n));
            s.append(String.format(Locale.ROOT, "| reconnects (failed) | %.0f (%.0f) |%n", reconnects, failed));
            s.append(String.format(Locale.ROOT, "| reconnects per second: peak / mean over the recovery | %.0f / %.1f |%n", peak,
                    reconnects / Math.max(1, Double.isNaN(allReadAfter) ? secs : allReadAfter)));
            s.append(String.format(Locale.ROOT, "| reconnects per second, second by second | %s |%n", String.join(" ", perSecond)));
            System.out.printf("[watch-bench] before the blip %d leases HEALTHY%n",
                    before.values().stream().filter(v -> v == LeaseHealthState.HEALTHY).count());
            return s.toString();
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** {@code jcmd <pid> <command...>} with this JDK's jcmd; failures are printed, never thrown (a profile is extra). */
    static void jcmd(long pid, String... command) {
        Path javaBin = Path.of(ManagedProcess.javaBinary());
        List<String> cmd = new ArrayList<>(List.of(javaBin.resolveSibling("jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                System.out.printf("[watch-bench] %s: %s%n", cmd, out.trim());
            }
        } catch (IOException e) {
            System.out.printf("[watch-bench] %s: %s%n", cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static KafkaConsumer<String, String> consumer(StackConfig cfg) {
        Properties cp = cfg.kafkaClientProperties();
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "watch-bench-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> c = new KafkaConsumer<>(cp);
        c.subscribe(List.of(Topics.LEASE_WATCH));
        return c;
    }

    static KafkaProducer<String, String> producer(StackConfig cfg) {
        Properties pp = cfg.kafkaClientProperties();
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(pp);
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$");

    /** Prometheus text: {@code name{labels}} → value, labels as printed with a trailing comma dropped. */
    static Map<String, Double> parsePrometheus(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher x = SAMPLE.matcher(line.trim());
            if (!x.matches()) {
                continue;
            }
            String labels = x.group(2) == null ? "" : x.group(2).replace(",}", "}");
            try {
                m.put(x.group(1) + labels, Double.parseDouble(x.group(3)));
            } catch (NumberFormatException e) {
                // NaN written otherwise
            }
        }
        return m;
    }

    /**
     * Sum of the samples of metric {@code name} (every label set), or, when {@code name} holds the start of a label
     * set ({@code jvm_memory_used_bytes{area="heap"}), of the samples whose key starts with it.
     */
    static double sum(Map<String, Double> m, String name) {
        double s = 0;
        for (Map.Entry<String, Double> e : m.entrySet()) {
            boolean match = name.contains("{") ? e.getKey().startsWith(name)
                    : e.getKey().equals(name) || e.getKey().startsWith(name + "{");
            if (match) {
                s += e.getValue();
            }
        }
        return s;
    }

    /** VmRSS (kB) and Threads from /proc/<pid>/status. */
    static Map<String, Long> procStatus(long pid) {
        Map<String, Long> m = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                String[] f = line.split(":\\s+", 2);
                if (f.length == 2 && (f[0].equals("VmRSS") || f[0].equals("Threads"))) {
                    m.put(f[0], Long.parseLong(f[1].replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return m;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

}
