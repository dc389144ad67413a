package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Benchmark (not a test) of fleet cutovers on the local stack: 12 leases in HK, JP and SG ({@code <region>-1} STAGING,
 * the rest PRODUCTION), starting at 2026.9.1.
 * <ol>
 *   <li>A fleet of 12 to 2026.9.2 (canary 1, then region waves, {@code maxParallel} 3): its wall time against the sum of
 *       its 12 cutovers' own durations (what running them one after another would take), in the same run.</li>
 *   <li>A fleet to 2026.9.3 whose canary wave is three production leases (one per region) and whose candidate
 *       crash-loops on them ({@code onFailure: rollbackWave}): from the first breach in the wave to every lease of the
 *       wave serving the old version again (their cutovers ROLLED_BACK; the rollback restores and verifies).</li>
 * </ol>
 * Writes the section "Fleet cutovers" of docs/benchmarks.md. {@code ./bench.sh fleet}.
 */
public final class FleetBenchmark {

    static final List<String> REGIONS = List.of("hk", "jp", "sg");
    static final Map<String, String> POOL = Map.of("pool", "bench");

    public static void main(String[] args) throws Exception {
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(3900)
                .withWorkDir(LocalStack.repoRoot().resolve(".local-bench-fleet")).withRegions(REGIONS)
                .withLeasesPerRegion(4).withVersions("2026.9.1", "2026.9.2").withValidationWindow(Duration.ofSeconds(10));
        String loadBefore = BreachRollbackBenchmark.loadAverage();
        String body;
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            FleetRunner fleets = new FleetRunner(stack, System.out);
            List<String> staging = new ArrayList<>();
            List<String> production = new ArrayList<>();
            for (String id : cfg.leaseIds()) {
                (id.endsWith("-1") ? staging : production).add(id);
            }
            fleets.register(staging, "STAGING", POOL);
            fleets.register(production, "PRODUCTION", POOL);

            // 1. the fleet of 12, all GREEN
            Map<String, Object> plan = plan("halt", Map.of("count", 1, "bakeSeconds", 2));
            long t0 = System.nanoTime();
            String green = fleets.start(FleetRunner.request("2026.9.2", "BENCH-FLEET", POOL, plan, 0));
            JsonNode end = fleets.follow(green, FleetRunner.SETTLED, Duration.ofMinutes(15));
            long wall = (System.nanoTime() - t0) / 1_000_000;
            long sum = 0;
            long longest = 0;
            for (String lease : cfg.leaseIds()) {
                JsonNode c = cutover(stack, lease, green);
                long d = Duration.between(Instant.parse(c.path("createdAt").asText()),
                        Instant.parse(c.path("endedAt").asText())).toMillis();
                sum += d;
                longest = Math.max(longest, d);
            }
            System.out.printf("[bench] fleet of 12 %s: wall %d ms, sum of its cutovers %d ms%n",
                    end.path("state").asText(), wall, sum);

            // 2. a crash-looping canary wave of three, rolled back as a wave
            Map<String, Object> plan2 = plan("rollbackWave", Map.of("count", 3, "onePerRegion", true, "bakeSeconds", 2));
            String crash = fleets.start(FleetRunner.request("2026.9.3", "BENCH-CRASH", POOL, plan2, 0));
            Set<String> injected = new HashSet<>();
            Set<String> cleared = new HashSet<>();
            JsonNode end2 = fleets.follow(crash, FleetRunner.ENDED, Duration.ofMinutes(10), v -> {
                for (JsonNode l : v.path("leases")) {
                    String lease = l.path("leaseId").asText();
                    String state = l.path("cutoverState").asText("");
                    try {
                        if (l.path("wave").asInt() == 1 && "VALIDATING".equals(state) && injected.add(lease)) {
                            stack.simulator().patch("/v1/leases/" + lease + "/fault-switches",
                                    "{\"envFile\":\"INVALID\"}");
                        }
                        if (injected.contains(lease) && state.startsWith("ROLL") && cleared.add(lease)) {
                            stack.simulator().delete("/v1/leases/" + lease + "/fault-switches");
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            Instant firstBreach = null;
            Instant allServing = null;
            List<String> wave = new ArrayList<>();
            for (JsonNode l : end2.path("leases")) {
                if (l.path("wave").asInt() == 1) {
                    wave.add(l.path("leaseId").asText());
                }
            }
            List<String> rows = new ArrayList<>();
            for (String lease : wave) {
                JsonNode c = cutover(stack, lease, crash);
                String cid = c.path("id").asText();
                JsonNode rb = stack.rollbackService().get("/api/v1/rollbacks/" + cid).body();
                Instant requested = rb.hasNonNull("requestedAt") ? Instant.parse(rb.path("requestedAt").asText()) : null;
                Instant finished = rb.hasNonNull("finishedAt") ? Instant.parse(rb.path("finishedAt").asText()) : null;
                rows.add(String.format("| %s | %s | %s | %s | %s |", lease, c.path("state").asText(),
                        rb.path("requestedBy").asText("-"), requested, finished));
                if (requested != null && (firstBreach == null || requested.isBefore(firstBreach))) {
                    firstBreach = requested;
                }
                if (finished != null && (allServing == null || finished.isAfter(allServing))) {
                    allServing = finished;
                }
            }
            long waveBack = firstBreach == null || allServing == null ? -1
                    : Duration.between(firstBreach, allServing).toMillis();
            System.out.printf("[bench] crash-looping canary wave %s: %s, first breach -> all serving the old version %d ms%n",
                    wave, end2.path("state").asText(), waveBack);

            body = report(end, wall, sum, longest, end2, wave, rows, waveBack, loadBefore,
                    BreachRollbackBenchmark.loadAverage());
        }
        System.out.println(body);
        if (!"false".equals(System.getProperty("bench.write-doc"))) {
            BenchmarkReport.writeSection(LocalStack.repoRoot().resolve("docs/benchmarks.md"), "Fleet cutovers", body);
        }
    }

    static Map<String, Object> plan(String onFailure, Map<String, Object> canary) {
        return FleetRunner.plan(canary, List.of("HK", "JP", "SG"), 3, onFailure, REGIONS);
    }

    static JsonNode cutover(LocalStack stack, String lease, String fleetId) throws IOException {
        for (JsonNode c : stack.orchestrator().get("/api/v1/cutovers?lease=" + lease + "&limit=100").body()) {
            if (fleetId.equals(c.path("fleetId").asText())) {
                return stack.orchestrator().get("/api/v1/cutovers/" + c.path("id").asText()).body();
            }
        }
        throw new IOException("no cutover of fleet " + fleetId + " on " + lease);
    }

    static String report(JsonNode green, long wall, long sum, long longest, JsonNode crash, List<String> wave,
            List<String> rows, long waveBack, String loadBefore, String loadAfter) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Measured %s by `FleetBenchmark` (`./bench.sh fleet`) on this machine (%d CPUs), load"
                + " average %s before and %s after: 12 simulated leases (HK, JP, SG; `<region>-1` STAGING, the rest"
                + " PRODUCTION), validation window 10 s per lease, `maxParallel` 3, bake 1 s (canary 2 s), auto-promote.%n%n",
                java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter));
        b.append("| figure | value |\n|---|---|\n");
        b.append(String.format("| fleet of 12 to 2026.9.2 | %s, %d GREEN |%n", green.path("state").asText(),
                green.path("counts").path("GREEN").asInt()));
        b.append(String.format("| fleet wall time (start -> DONE) | %d ms |%n", wall));
        b.append(String.format("| sum of its 12 cutovers' durations (one after another) | %d ms |%n", sum));
        b.append(String.format("| ratio wall / sum (same run) | %.2f |%n", sum > 0 ? (double) wall / sum : 0));
        b.append(String.format("| longest single cutover | %d ms |%n", longest));
        b.append(String.format("| crash-looping canary wave of %d (%s), `onFailure: rollbackWave` | fleet %s |%n",
                wave.size(), String.join(", ", wave), crash.path("state").asText()));
        b.append(String.format("| first breach in the wave -> every lease of the wave serving the old version"
                + " (last rollback ROLLED_BACK) | %d ms |%n%n", waveBack));
        b.append("| lease | cutover | rollback requested by | breach / request | restored and verified |\n");
        b.append("|---|---|---|---|---|\n");
        rows.forEach(r -> b.append(r).append('\n'));
        b.append(String.format("%nWhat bounds the wall time: five waves run one after another (staging, canary, HK,"
                + " JP, SG), each as long as its slowest cutover plus its bake, and within a wave at most `maxParallel`"
                + " cutovers share this 2-CPU machine, so each of them is slower than alone. The wave rollback is each"
                + " lease's own rollback (restore, then the verification window); each one is started by whichever comes"
                + " first: the lease's own trigger (its worker's breach), the orchestrator (its VALIDATE failed), or the"
                + " fleet's `rollbackWave` once the budget was reached (the table's \"requested by\").%n"));
        return b.toString();
    }
}
