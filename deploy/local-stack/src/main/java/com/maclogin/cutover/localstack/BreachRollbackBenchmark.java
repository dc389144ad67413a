package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark (not a test): how long from a tripped trigger to a lease restored and verified green, against the
 * playbook target "breach → lease restored and matrix green ≤ 5 s more than the gateway's own start-up time".
 * On its own local stack (4 leases, 2 per region), each round runs one cutover per lease and injects one trigger row
 * per lease after the flip (crash loop, error rate, latency, disk); rollback-service's record of each rollback gives
 * the breach instant (the worker's ThresholdBreached timestamp), the RESTORE result and the end of the verification.
 * The gateway's start-up time is measured on the same stack from the simulator's own readiness log of a RELOAD.
 * Writes the section "Breach to restored" of docs/benchmarks.md.
 *
 * <p>{@code ./bench.sh breach [rounds]} (default 3 rounds = 12 rollbacks).
 */
public final class BreachRollbackBenchmark {

    record Row(String lease, String trigger, String faultJson) {
    }

    /**
     * One rollback. Every figure is milliseconds, -1 when not measurable (e.g. the baseline does not report the
     * matrix-green instant). {@code greenMs}: breach → rollback-service's {@code matrixGreenAt} (the worker's first
     * verification round in which every layer PASSED); {@code storedGreenMs}: the same end point computed from the
     * orchestrator's stored probe results of the rollback's epoch (works for any version of the services).
     */
    record Sample(String lease, String trigger, String requestedBy, long breachToRestoredMs, long restoreMs,
            long verifyMs, String state, long greenMs, long storedGreenMs, long hopMs, long workerRestoreMs,
            long validateToGreenMs) {

        String tsv() {
            return String.join("\t", lease, trigger, requestedBy, "" + breachToRestoredMs, "" + restoreMs, "" + verifyMs,
                    state, "" + greenMs, "" + storedGreenMs, "" + hopMs, "" + workerRestoreMs, "" + validateToGreenMs);
        }

        static Sample fromTsv(String line) {
            String[] f = line.split("\t");
            return new Sample(f[0], f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), f[6],
                    Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]),
                    Long.parseLong(f[11]));
        }
    }

    /** A finished run: its samples and the load average before and after it. */
    record Run(String label, List<Sample> samples, String loadBefore, String loadAfter) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("hk-1", "CRASH_LOOP", "{\"envFile\":\"INVALID\"}"),
            new Row("hk-2", "ERROR_RATE", "{\"hookErrorPercent\":50}"),
            new Row("jp-1", "LATENCY", "{\"hookDelayMillis\":1500}"),
            new Row("jp-2", "DISK", "{\"diskFreePercent\":6}"));

    private final LocalStack stack;
    private final PrintStream out;

    BreachRollbackBenchmark(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    /**
     * {@code [rounds]}; system properties: {@code bench.samples-out=<file>} also writes the run (TSV, first line the
     * label and load averages); {@code bench.baseline=<file>} reads such a run (the baseline commit's services, measured
     * right before in the same invocation) and adds the before/after comparison; {@code bench.label},
     * {@code bench.baseline-label} name them; {@code bench.write-doc=false} leaves docs/benchmarks.md alone.
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(3500)
                .withWorkDir(LocalStack.repoRoot().resolve(".local-bench-breach")).withLeasesPerRegion(2)
                .withValidationWindow(Duration.ofSeconds(40));
        List<Sample> samples = new ArrayList<>();
        String loadBefore = loadAverage();
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            BreachRollbackBenchmark bench = new BreachRollbackBenchmark(stack, System.out);
            for (int r = 0; r < rounds; r++) {
                samples.addAll(bench.round(r));
            }
        }
        Run run = new Run(System.getProperty("bench.label", "this code"), samples, loadBefore, loadAverage());
        String out = System.getProperty("bench.samples-out");
        if (out != null) {
            List<String> lines = new ArrayList<>();
            lines.add(run.label() + "\t" + run.loadBefore() + "\t" + run.loadAfter());
            samples.forEach(x -> lines.add(x.tsv()));
            java.nio.file.Files.write(java.nio.file.Path.of(out), lines);
        }
        Run baseline = null;
        String base = System.getProperty("bench.baseline");
        if (base != null) {
            List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(base));
            String[] head = lines.get(0).split("\t");
            baseline = new Run(System.getProperty("bench.baseline-label", head[0]),
                    lines.stream().skip(1).filter(l -> !l.isBlank()).map(Sample::fromTsv).toList(), head[1], head[2]);
        }
        String body = report(run, baseline, cfg);
        System.out.println(body);
        if (!"false".equals(System.getProperty("bench.write-doc"))) {
            BenchmarkReport.writeSection(LocalStack.repoRoot().resolve("docs/benchmarks.md"), "Breach to restored", body);
        }
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    List<Sample> round(int round) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ROWS.size());
        try {
            List<Future<Sample>> running = new ArrayList<>();
            for (Row row : ROWS) {
                running.add(pool.submit((Callable<Sample>) () -> runRow(row, "BENCH-" + round + "-" + row.trigger())));
            }
            List<Sample> done = new ArrayList<>();
            for (Future<Sample> f : running) {
                Sample s = f.get();
                out.printf("[bench] round %d %s %s: %s, breach -> matrix green %d ms (stored probe results %d ms), "
                        + "-> restored and verified %d ms (RESTORE %d ms: hop %d ms, worker %d ms; verification %d ms)%n",
                        round, s.lease(), s.trigger(), s.state(), s.greenMs(), s.storedGreenMs(),
                        s.breachToRestoredMs(), s.restoreMs(), s.hopMs(), s.workerRestoreMs(), s.verifyMs());
                done.add(s);
            }
            return done;
        } finally {
            pool.shutdownNow();
        }
    }

    private Sample runRow(Row row, String ticket) throws IOException, InterruptedException {
        Map<String, Object> body = DemoRunner.demoRequest(row.lease(), stack.config().toVersion());
        body.put("ticketId", ticket);
        body.put("thresholds", Map.of("minSamples", 5));
        Api.Reply r = stack.orchestrator().post("/api/v1/cutovers", body);
        if (r.status() != 201) {
            throw new IOException("start refused on " + row.lease() + ": " + r.status() + " " + r.body());
        }
        String id = r.body().path("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        boolean injected = false;
        boolean cleared = false;
        String state = "PENDING";
        while (!DemoRunner.TERMINAL.contains(state) && System.nanoTime() < deadline) {
            state = stack.orchestrator().get("/api/v1/cutovers/" + id).body().path("state").asText(state);
            if (!injected && "VALIDATING".equals(state)) {
                stack.simulator().patch("/v1/leases/" + row.lease() + "/fault-switches", row.faultJson());
                injected = true;
            }
            if (injected && !cleared && state.startsWith("ROLL")) {
                stack.simulator().delete("/v1/leases/" + row.lease() + "/fault-switches");
                cleared = true;
            }
            Thread.sleep(100);
        }
        if (!cleared) {
            stack.simulator().delete("/v1/leases/" + row.lease() + "/fault-switches");
        }
        JsonNode rb = stack.rollbackService().get("/api/v1/rollbacks/" + id).body();
        Instant requested = instant(rb.path("requestedAt"));
        Instant finished = instant(rb.path("finishedAt"));
        Instant green = instant(rb.path("matrixGreenAt"));
        Instant accepted = null;
        Instant restoreSent = null;
        Instant restored = null;
        Instant verifySent = null;
        for (JsonNode e : rb.path("events")) {
            String action = e.path("action").asText();
            if (accepted == null && ("REQUESTED".equals(action) || "SUPERSEDED".equals(action))) {
                accepted = instant(e.path("at"));
            }
            if (restoreSent == null && "RESTORE_SENT".equals(action)) {
                restoreSent = instant(e.path("at"));
            }
            if (restored == null && "RESTORE_SUCCEEDED".equals(action)) {
                restored = instant(e.path("at"));
            }
            if (verifySent == null && "VALIDATE".equals(e.path("stepKind").asText()) && action.endsWith("SENT")) {
                verifySent = instant(e.path("at"));
            }
        }
        Instant storedGreen = firstGreenRound(id, rb.path("epoch").asLong(-1));
        return new Sample(row.lease(), row.trigger(), rb.path("requestedBy").asText("-"), between(requested, finished),
                between(requested, restored), between(verifySent, finished), rb.path("state").asText(state),
                between(requested, green), between(requested, storedGreen), between(requested, accepted),
                workerMillis(row.lease(), id, "RESTORE"), between(verifySent, storedGreen));
    }

    /**
     * From the orchestrator's stored probe results of the rollback's epoch: the instant of the first round in which
     * every layer of the verification plan PASSED (the last probe of that round), or null.
     */
    private Instant firstGreenRound(String cutoverId, long epoch) throws IOException {
        JsonNode results = stack.orchestrator().get("/api/v1/cutovers/" + cutoverId + "/probe-results?limit=500").body();
        java.util.Map<String, List<JsonNode>> rounds = new java.util.TreeMap<>();
        for (JsonNode r : results) {
            if (r.path("epoch").asLong() == epoch) {
                rounds.computeIfAbsent(r.path("commandMessageId").asText() + String.format("#%06d", r.path("round").asInt()),
                        k -> new ArrayList<>()).add(r);
            }
        }
        Instant first = null;
        for (List<JsonNode> round : rounds.values()) {
            java.util.Set<String> layers = new java.util.HashSet<>();
            boolean green = true;
            Instant last = null;
            for (JsonNode r : round) {
                green &= "PASSED".equals(r.path("verdict").asText());
                layers.add(r.path("layer").asText());
                Instant at = instant(r.path("probedAt"));
                last = last == null || (at != null && at.isAfter(last)) ? at : last;
            }
            if (green && layers.size() >= 5 && last != null && (first == null || last.isBefore(first))) {
                first = last;
            }
        }
        return first;
    }

    /** The worker's own duration of this cutover's step, from its log line {@code ... step=KIND ... (N ms)}. */
    private long workerMillis(String lease, String cutoverId, String kind) {
        java.nio.file.Path log = stack.config().workDir().resolve("logs")
                .resolve("probe-service-" + lease.substring(0, 2) + ".log");
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("cutover=" + java.util.regex.Pattern.quote(cutoverId)
                + " lease=\\S+ step=" + kind + " .*outcome=SUCCEEDED.*\\((\\d+) ms\\)\\s*$");
        try (var lines = java.nio.file.Files.lines(log)) {
            return lines.map(p::matcher).filter(java.util.regex.Matcher::find).mapToLong(m -> Long.parseLong(m.group(1)))
                    .findFirst().orElse(-1);
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    static Instant instant(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : Instant.parse(n.asText());
    }

    static long between(Instant a, Instant b) {
        return a == null || b == null ? -1 : Duration.between(a, b).toMillis();
    }

    private static long[] sorted(List<Sample> ok, java.util.function.ToLongFunction<Sample> f) {
        return ok.stream().mapToLong(f).filter(v -> v >= 0).sorted().toArray();
    }

    private static List<Sample> ok(List<Sample> samples) {
        return samples.stream().filter(s -> "ROLLED_BACK".equals(s.state()) && s.breachToRestoredMs() >= 0).toList();
    }

    private static String row(String name, long[] v) {
        return v.length == 0 ? String.format("| %s | – | – | – |%n", name)
                : String.format("| %s | %d ms | %d ms | %d ms |%n", name, pct(v, 50), pct(v, 90), pct(v, 100));
    }

    static String report(Run run, Run baseline, StackConfig cfg) {
        List<Sample> samples = run.samples();
        List<Sample> ok = ok(samples);
        long[] green = sorted(ok, Sample::greenMs);
        long[] stored = sorted(ok, Sample::storedGreenMs);
        long[] total = sorted(ok, Sample::breachToRestoredMs);
        long[] restore = sorted(ok, Sample::restoreMs);
        long startup = cfg.gatewayStartup().toMillis();
        long target = startup + 5000;
        StringBuilder b = new StringBuilder();
        b.append(String.format("`./bench.sh breach`, measured %s: %d leases, %d rollbacks started by a tripped trigger "
                        + "(%d ended ROLLED_BACK); load average %s before, %s after. Breach = the worker's "
                        + "ThresholdBreached timestamp. **Restored and matrix green** = the first round of rollback-service's "
                        + "verification VALIDATE (on the old version, after RESTORE with the plist, package and state hash "
                        + "checks) in which every layer (PROCESS, TCP, APPLICATION, INTEGRATION, DISK) PASSED: the worker's "
                        + "`firstGreenAt`, kept by rollback-service as `matrixGreenAt`, and, independently, the same round "
                        + "found in the orchestrator's stored probe results. **Restored and verified** = ROLLED_BACK, "
                        + "which still waits for the whole %d s verification window (`rollback.verify.window`).%n%n",
                Instant.now().toString().substring(0, 16).replace('T', ' '), cfg.leaseIds().size(), samples.size(),
                ok.size(), run.loadBefore(), run.loadAfter(), cfg.rollbackVerifyWindow().toSeconds()));
        b.append("| | p50 | p90 | max |\n|---|---|---|---|\n");
        b.append(row("breach -> restored and matrix green (rollback-service `matrixGreenAt`)", green));
        b.append(row("breach -> restored and matrix green (orchestrator's stored probe results)", stored));
        b.append(row("breach -> restored and verified (ROLLED_BACK, after the window)", total));
        b.append(row("breach -> RESTORE result (lease back on the old version, hashes checked)", restore));
        b.append(row("&nbsp;&nbsp;of which breach -> rollback-service accepted it (Kafka hop)", sorted(ok, Sample::hopMs)));
        b.append(row("&nbsp;&nbsp;of which RESTORE on the worker (its own duration, SSH)", sorted(ok, Sample::workerRestoreMs)));
        b.append(row("VALIDATE sent -> first all-green round", sorted(ok, Sample::validateToGreenMs)));
        b.append(row("verification (VALIDATE sent -> ROLLED_BACK)", sorted(ok, Sample::verifyMs)));
        long[] endPoint = green.length > 0 ? green : stored;
        b.append(String.format("%nTarget: gateway start-up (%d ms on this stack) + 5 s = %d ms. Restored and matrix green: "
                        + "p50 %d ms (%s), p90 %d ms (%s). Restored and verified (ROLLED_BACK, includes the %d s window): "
                        + "p50 %d ms (%s), p90 %d ms (%s).%n%n",
                startup, target, pct(endPoint, 50), met(pct(endPoint, 50), target), pct(endPoint, 90),
                met(pct(endPoint, 90), target), cfg.rollbackVerifyWindow().toSeconds(), pct(total, 50),
                met(pct(total, 50), target), pct(total, 90), met(pct(total, 90), target)));
        if (baseline != null) {
            List<Sample> bok = ok(baseline.samples());
            b.append(String.format("Before/after in one invocation: the baseline (%s) ran first on the same stack "
                            + "configuration (load average %s before, %s after), this code right after. Ratio = after / "
                            + "before of the p50 (below 1 is better).%n%n", baseline.label(), baseline.loadBefore(),
                    baseline.loadAfter()));
            b.append("| p50 / p90 | before | after | ratio (p50) |\n|---|---|---|---|\n");
            compare(b, "breach -> restored and matrix green (stored probe results)", sorted(bok, Sample::storedGreenMs), stored);
            compare(b, "breach -> restored and verified (ROLLED_BACK)", sorted(bok, Sample::breachToRestoredMs), total);
            compare(b, "breach -> RESTORE result", sorted(bok, Sample::restoreMs), restore);
            compare(b, "RESTORE on the worker", sorted(bok, Sample::workerRestoreMs), sorted(ok, Sample::workerRestoreMs));
            compare(b, "VALIDATE sent -> first all-green round", sorted(bok, Sample::validateToGreenMs),
                    sorted(ok, Sample::validateToGreenMs));
            b.append('\n');
        }
        b.append("| lease | trigger | started by | state | breach -> matrix green | (stored results) | breach -> verified "
                + "| RESTORE | hop | worker RESTORE | VALIDATE -> green | verification |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Sample s : samples) {
            b.append(String.format("| %s | %s | %s | %s | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms |%n",
                    s.lease(), s.trigger(), s.requestedBy(), s.state(), s.greenMs(), s.storedGreenMs(),
                    s.breachToRestoredMs(), s.restoreMs(), s.hopMs(), s.workerRestoreMs(), s.validateToGreenMs(),
                    s.verifyMs()));
        }
        return b.toString();
    }

    private static String met(long v, long target) {
        return v < 0 ? "not measured" : v <= target ? "target met" : "target NOT met";
    }

    private static void compare(StringBuilder b, String name, long[] before, long[] after) {
        if (before.length == 0 || after.length == 0) {
            b.append(String.format("| %s | %s | %s | – |%n", name, before.length == 0 ? "–" : pct(before, 50) + " / " + pct(before, 90) + " ms",
                    after.length == 0 ? "–" : pct(after, 50) + " / " + pct(after, 90) + " ms"));
            return;
        }
        b.append(String.format("| %s | %d / %d ms | %d / %d ms | %.2f |%n", name, pct(before, 50), pct(before, 90),
                pct(after, 50), pct(after, 90), (double) pct(after, 50) / pct(before, 50)));
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
