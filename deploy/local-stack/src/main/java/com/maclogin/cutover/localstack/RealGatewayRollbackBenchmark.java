package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.simulator.real.RealGatewayMode;
import com.maclogin.cutover.simulator.real.RealOpenClawCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Benchmark (not a test): with the <b>real</b> {@code openclaw} package (2026.9.5 → 2026.9.6 on Node 26, under the
 * simulator's launchd emulator, {@link RealGatewayMode}), how long from a tripped trigger to the lease serving the old
 * version with {@code /readyz} 200 again, and where that time goes: the hop to rollback-service and back to the
 * worker, then the worker's RESTORE split into its parts as the worker measured them (facts
 * {@code restore<Part>Millis}: connection, hash checks, package, state, launchd, gateway start, verify).
 *
 * <p>Rounds alternate two ways of checking the old package tree, measured in the same run on the same lease:
 * <b>stat listing</b> (this code: the tree is unchanged since the inventory gate hashed it, so its content is not read
 * again) and <b>content hash</b> (the former way, forced by {@code touch}ing one file of the old tree after the flip:
 * its ctime changes, so RESTORE falls back to hashing every file; the content is the same, so nothing is restored from
 * the archive). The breach is the DISK trigger (the simulator's {@code df} reports 6 % free), which leaves the real
 * gateway itself alone. Writes the section "Real gateway: breach to serving" of docs/benchmarks.md.
 *
 * <p>{@code ./bench.sh real [rounds]} (default 4: two of each way). Needs the real-mode cache (~100 MB download on
 * first use into {@code ~/.cache/openclaw-cutover}).
 */
public final class RealGatewayRollbackBenchmark {

    static final String LEASE = "hk-1";
    static final String FROM = RealOpenClawCache.FROM_VERSION;
    static final String TO = RealOpenClawCache.TO_VERSION;
    static final List<String> PARTS = List.of("Connection", "HashChecks", "PackageCheck", "Package", "State", "Launchd",
            "GatewayStart", "Verify");

    /** One rollback: the way the package was checked, and every figure in ms (-1 when unknown). */
    record Sample(String check, String state, long breachToServing, long hop, long restore, Map<String, Long> parts,
            String packageCheck) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        RealOpenClawCache cache = RealOpenClawCache.atDefaultRoot(System.out::println);
        cache.prepare(List.of(FROM, TO));
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(3700)
                .withWorkDir(LocalStack.repoRoot().resolve(".local-bench-real")).withLeasesPerRegion(1)
                .withValidationWindow(Duration.ofSeconds(90));
        String loadBefore = BreachRollbackBenchmark.loadAverage();
        List<Sample> samples = new ArrayList<>();
        long floorMillis;
        long fullHashMillis;
        long statMillis;
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            JsonNode lease = new FleetRunner(stack, System.out).descriptor(LEASE);
            Path home = Path.of(lease.path("home").asText());
            RealGatewayMode.RealGateway real = RealGatewayMode.apply(home, FROM, cache, Duration.ofMinutes(3),
                    System.out::println);
            floorMillis = real.readyMillis();
            System.out.printf("[bench] real %s applied on %s: bootstrap -> /readyz 200 in %d ms%n", FROM, LEASE,
                    floorMillis);
            try (KafkaConsumer<String, String> results = consumer(cfg)) {
                for (int r = 0; r < rounds; r++) {
                    boolean contentHash = r % 2 == 1;
                    Sample s = round(stack, results, real, r, contentHash);
                    samples.add(s);
                    System.out.printf("[bench] round %d (%s): %s, breach -> serving %d ms (hop %d ms, RESTORE %d ms: %s;"
                            + " packageCheck=%s)%n", r, s.check(), s.state(), s.breachToServing(), s.hop(), s.restore(),
                            s.parts(), s.packageCheck());
                }
            }
            // the two package checks on their own, back to back on the same (settled) tree
            Thread.sleep(2500);
            fullHashMillis = timeLocal(home, "package tree content hash",
                    com.maclogin.cutover.probe.service.LeaseInventory.packageTreeHashScript(real.packageRoot().toString()));
            statMillis = timeLocal(home, "package tree stat listing",
                    com.maclogin.cutover.probe.service.LeaseInventory.packageStatScript(real.packageRoot().toString()));
            stopRealGateway(home);
        }
        String body = report(samples, floorMillis, fullHashMillis, statMillis, loadBefore,
                BreachRollbackBenchmark.loadAverage(), rounds);
        System.out.println(body);
        if (!"false".equals(System.getProperty("bench.write-doc"))) {
            BenchmarkReport.writeSection(LocalStack.repoRoot().resolve("docs/benchmarks.md"),
                    "Real gateway: breach to serving", body);
        }
    }

    static Sample round(LocalStack stack, KafkaConsumer<String, String> results, RealGatewayMode.RealGateway real,
            int round, boolean contentHash) throws Exception {
        Map<String, Object> body = DemoRunner.demoRequest(LEASE, TO);
        body.put("ticketId", "BENCH-REAL-" + round);
        Api.Reply r = stack.orchestrator().post("/api/v1/cutovers", body);
        if (r.status() != 201) {
            throw new IOException("start refused: " + r.status() + " " + r.body());
        }
        String id = r.body().path("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        boolean injected = false;
        boolean cleared = false;
        String state = "PENDING";
        while (!DemoRunner.TERMINAL.contains(state) && System.nanoTime() < deadline) {
            state = stack.orchestrator().get("/api/v1/cutovers/" + id).body().path("state").asText(state);
            if (injected && !cleared && state.startsWith("ROLL")) {
                // the breach happened: the disk is "fine" again, so the restored version's verification passes
                stack.simulator().delete("/v1/leases/" + LEASE + "/fault-switches");
                cleared = true;
            }
            if (!injected && "VALIDATING".equals(state)) {
                if (contentHash) {
                    // a metadata change of the old tree: same content, a new ctime; RESTORE must read the content
                    touch(real.packageRoot().resolve("package.json"));
                }
                stack.simulator().patch("/v1/leases/" + LEASE + "/fault-switches", "{\"diskFreePercent\":6}");
                injected = true;
            }
            Thread.sleep(100);
        }
        stack.simulator().delete("/v1/leases/" + LEASE + "/fault-switches");
        if (!"ROLLED_BACK".equals(state)) {
            System.out.printf("[bench] round %d ended %s, not ROLLED_BACK: %s%n", round, state,
                    stack.orchestrator().get("/api/v1/cutovers/" + id).body().path("reason"));
        }
        JsonNode rb = stack.rollbackService().get("/api/v1/rollbacks/" + id).body();
        Instant breach = BreachRollbackBenchmark.instant(rb.path("requestedAt"));
        StepResult restore = awaitRestore(results, id, Duration.ofSeconds(30));
        Map<String, Long> parts = new LinkedHashMap<>();
        long restoreMs = -1;
        long hop = -1;
        long serving = -1;
        String packageCheck = "-";
        if (restore != null) {
            for (String p : PARTS) {
                parts.put(p, number(restore.facts().get("restore" + p + "Millis")));
            }
            restoreMs = restore.durationMillis();
            packageCheck = restore.facts().getOrDefault("packageCheck", "-");
            // the result's timestamp is when the worker finished: the old version serving, /readyz 200 and verified
            serving = BreachRollbackBenchmark.between(breach, restore.timestamp());
            hop = serving < 0 ? -1 : serving - restoreMs;
        }
        return new Sample(contentHash ? "content hash" : "stat listing", state, serving, hop, restoreMs, parts,
                packageCheck);
    }

    static StepResult awaitRestore(KafkaConsumer<String, String> consumer, String cutoverId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(500))) {
                StepResult s;
                try {
                    s = Json.read(rec.value(), StepResult.class);
                } catch (RuntimeException e) {
                    continue;
                }
                if (cutoverId.equals(s.cutoverId()) && s.kind() == StepKind.RESTORE) {
                    return s;
                }
            }
        }
        return null;
    }

    static KafkaConsumer<String, String> consumer(StackConfig cfg) {
        Properties p = cfg.kafkaClientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-real-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
        c.subscribe(List.of(Topics.ROLLBACK_STEP_RESULTS));
        return c;
    }

    static String report(List<Sample> samples, long floor, long fullHash, long stat, String loadBefore,
            String loadAfter, int rounds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Measured %s by `RealGatewayRollbackBenchmark` (`./bench.sh real %d`) on this machine (%d CPUs),"
                + " load average %s before and %s after. One lease (%s) switched to the real `openclaw` %s on Node %s"
                + " under the simulator's launchd emulator; each round a cutover to %s, the DISK trigger tripped during"
                + " VALIDATE (the simulator's `df` says 6 %% free), rollback by rollback-service through the HK worker."
                + " **Breach** = the worker's ThresholdBreached timestamp (rollback-service's `requestedAt`); **serving** ="
                + " the RESTORE result's timestamp (the worker saw `/readyz` 200 and `/startupz` = %s and checked launchd,"
                + " the CLI and the freeze marker). Parts are the RESTORE's own facts `restore<Part>Millis`: each batched"
                + " command timed by when its output reached the worker (no clock on the lease).%n%n",
                java.time.LocalDate.now(), rounds, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter,
                LEASE, FROM, RealOpenClawCache.NODE_VERSION, TO, FROM));
        b.append("| round | package check | state | breach -> serving | hop (breach -> RESTORE ran) | RESTORE |");
        PARTS.forEach(p -> b.append(' ').append(label(p)).append(" |"));
        b.append("\n|---|---|---|---|---|---|");
        PARTS.forEach(p -> b.append("---|"));
        b.append('\n');
        int i = 0;
        for (Sample s : samples) {
            b.append(String.format("| %d | %s (`%s`) | %s | %d ms | %d ms | %d ms |", i++, s.check(), s.packageCheck(),
                    s.state(), s.breachToServing(), s.hop(), s.restore()));
            PARTS.forEach(p -> b.append(' ').append(s.parts().getOrDefault(p, -1L)).append(" ms |"));
            b.append('\n');
        }
        b.append('\n');
        for (String check : List.of("stat listing", "content hash")) {
            List<Sample> of = samples.stream().filter(s -> s.check().equals(check) && s.restore() >= 0).toList();
            if (of.isEmpty()) {
                continue;
            }
            b.append(String.format("Median of the %s rounds: breach -> serving %d ms, RESTORE %d ms, hash checks %d ms,"
                    + " gateway start %d ms.%n", check, median(of, Sample::breachToServing), median(of, Sample::restore),
                    median(of, s -> s.parts().getOrDefault("HashChecks", -1L)),
                    median(of, s -> s.parts().getOrDefault("GatewayStart", -1L))));
        }
        List<Sample> fast = samples.stream().filter(s -> s.check().equals("stat listing") && s.restore() >= 0).toList();
        List<Sample> slow = samples.stream().filter(s -> s.check().equals("content hash") && s.restore() >= 0).toList();
        if (!fast.isEmpty() && !slow.isEmpty()) {
            b.append(String.format("%nRatio stat listing / content hash (medians, same run): breach -> serving %.2f,"
                    + " RESTORE %.2f, hash checks %.2f.%n", ratio(median(fast, Sample::breachToServing),
                            median(slow, Sample::breachToServing)), ratio(median(fast, Sample::restore),
                            median(slow, Sample::restore)), ratio(median(fast, s -> s.parts().get("HashChecks")),
                            median(slow, s -> s.parts().get("HashChecks")))));
        }
        b.append(String.format("%nThe two package checks alone on the same settled tree (%s, run locally as the lease"
                + " user right after the rounds): content hash %d ms, stat listing %d ms (ratio %.2f).%n",
                "37,000 entries, 577 MB", fullHash, stat, ratio(stat, fullHash)));
        if (!fast.isEmpty()) {
            long serving = median(fast, Sample::breachToServing);
            long start = median(fast, s -> s.parts().get("GatewayStart"));
            b.append(String.format("%nThe floor is the real gateway's own start: bootstrap -> `/readyz` 200 took %d ms"
                    + " when real mode was applied, and %d ms (median) inside RESTORE. With the stat listing, breach ->"
                    + " serving is %d ms: %d ms (%.1fx) above the start measured inside RESTORE.%n", floor, start,
                    serving, serving - start, start > 0 ? (double) serving / start : 0));
        }
        b.append(String.format("%nWhat is above the floor is the rest of RESTORE (connection, hash checks, launchd's"
                + " bootout/bootstrap, the checks after the start) and the hop from the worker's breach through"
                + " rollback-service back to the worker. The gateway's start varies with the machine's load from round"
                + " to round, so the like-for-like comparison of the two package checks is the hash-checks column and"
                + " the standalone timing above; the end-to-end ratio also carries that noise.%n"));
        return b.toString();
    }

    private static String label(String part) {
        return switch (part) {
            case "HashChecks" -> "hash checks";
            case "PackageCheck" -> "of which the package tree";
            case "GatewayStart" -> "gateway start";
            default -> part.toLowerCase();
        };
    }

    private static long median(List<Sample> s, java.util.function.ToLongFunction<Sample> f) {
        long[] v = s.stream().mapToLong(f).filter(x -> x >= 0).sorted().toArray();
        if (v.length == 0) {
            return -1;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double ratio(long a, long b) {
        return b <= 0 ? 0 : (double) a / b;
    }

    private static long timeLocal(Path home, String what, String script) throws IOException, InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script).directory(home.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("HOME", home.toString());
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IOException(what + " failed");
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.printf("[bench] %s: best of 3 = %d ms%n", what, best);
        return best;
    }

    private static void touch(Path file) throws IOException {
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now()));
    }

    private static void stopRealGateway(Path home) {
        try {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "launchctl bootout gui/$(id -u)/ai.openclaw.gateway")
                    .directory(home.toFile()).redirectErrorStream(true);
            pb.environment().put("HOME", home.toString());
            pb.environment().put("PATH", home.resolve(".sim/bin") + ":" + System.getenv("PATH"));
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException | InterruptedException e) {
            System.out.println("cannot boot out the real gateway: " + e);
        }
    }


    private static long number(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }


}
