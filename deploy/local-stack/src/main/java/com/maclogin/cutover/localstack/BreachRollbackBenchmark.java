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

    record Sample(String lease, String trigger, String requestedBy, long breachToRestoredMs, long restoreMs,
            long verifyMs, String state) {
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

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(3500)
                .withWorkDir(LocalStack.repoRoot().resolve(".local-bench-breach")).withLeasesPerRegion(2)
                .withValidationWindow(Duration.ofSeconds(40));
        List<Sample> samples = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            BreachRollbackBenchmark bench = new BreachRollbackBenchmark(stack, System.out);
            for (int r = 0; r < rounds; r++) {
                samples.addAll(bench.round(r));
            }
        }
        String body = report(samples, cfg);
        System.out.println(body);
        BenchmarkReport.writeSection(LocalStack.repoRoot().resolve("docs/benchmarks.md"), "Breach to restored", body);
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
                out.printf("[bench] round %d %s %s: %s, breach -> restored and verified %d ms (RESTORE %d ms, "
                        + "verification %d ms)%n", round, s.lease(), s.trigger(), s.state(), s.breachToRestoredMs(),
                        s.restoreMs(), s.verifyMs());
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
        Instant restored = null;
        Instant verifySent = null;
        for (JsonNode e : rb.path("events")) {
            String action = e.path("action").asText();
            if (restored == null && "RESTORE_SUCCEEDED".equals(action)) {
                restored = instant(e.path("at"));
            }
            if (verifySent == null && "VALIDATE".equals(e.path("stepKind").asText()) && action.endsWith("SENT")) {
                verifySent = instant(e.path("at"));
            }
        }
        return new Sample(row.lease(), row.trigger(), rb.path("requestedBy").asText("-"), between(requested, finished),
                between(requested, restored), between(verifySent, finished), rb.path("state").asText(state));
    }

    private static Instant instant(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : Instant.parse(n.asText());
    }

    private static long between(Instant a, Instant b) {
        return a == null || b == null ? -1 : Duration.between(a, b).toMillis();
    }

    static String report(List<Sample> samples, StackConfig cfg) {
        List<Sample> ok = samples.stream().filter(s -> "ROLLED_BACK".equals(s.state()) && s.breachToRestoredMs() >= 0)
                .toList();
        long[] total = ok.stream().mapToLong(Sample::breachToRestoredMs).sorted().toArray();
        long[] restore = ok.stream().mapToLong(Sample::restoreMs).filter(v -> v >= 0).sorted().toArray();
        long[] verify = ok.stream().mapToLong(Sample::verifyMs).filter(v -> v >= 0).sorted().toArray();
        long startup = cfg.gatewayStartup().toMillis();
        long target = startup + 5000;
        StringBuilder b = new StringBuilder();
        b.append(String.format("`./bench.sh breach`, measured %s: %d leases, %d rollbacks started by a tripped trigger "
                        + "(%d ended ROLLED_BACK). Breach = the worker's ThresholdBreached timestamp; restored and "
                        + "verified = rollback-service's ROLLED_BACK (RESTORE with the plist, package and state hash "
                        + "checks, reload, then the probe matrix on the old version for the %d s verification window).%n%n",
                Instant.now().toString().substring(0, 16).replace('T', ' '), cfg.leaseIds().size(), samples.size(),
                ok.size(), cfg.rollbackVerifyWindow().toSeconds()));
        b.append("| | p50 | p90 | max |\n|---|---|---|---|\n");
        b.append(String.format("| breach -> restored and verified | %d ms | %d ms | %d ms |%n", pct(total, 50), pct(total, 90), pct(total, 100)));
        b.append(String.format("| breach -> RESTORE result (lease back on the old version) | %d ms | %d ms | %d ms |%n", pct(restore, 50), pct(restore, 90), pct(restore, 100)));
        b.append(String.format("| verification (VALIDATE sent -> ROLLED_BACK) | %d ms | %d ms | %d ms |%n", pct(verify, 50), pct(verify, 90), pct(verify, 100)));
        b.append(String.format("%nTarget: gateway start-up (%d ms on this stack) + 5 s = %d ms. p50 / target = %.2f. "
                        + "The verification window is configuration (`rollback.verify.window`); the restore alone is "
                        + "p50 %d ms.%n%n", startup, target, total.length == 0 ? Double.NaN : (double) pct(total, 50) / target,
                pct(restore, 50)));
        b.append("| lease | trigger | started by | state | breach -> verified | RESTORE | verification |\n|---|---|---|---|---|---|---|\n");
        for (Sample s : samples) {
            b.append(String.format("| %s | %s | %s | %s | %d ms | %d ms | %d ms |%n", s.lease(), s.trigger(), s.requestedBy(),
                    s.state(), s.breachToRestoredMs(), s.restoreMs(), s.verifyMs()));
        }
        return b.toString();
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
