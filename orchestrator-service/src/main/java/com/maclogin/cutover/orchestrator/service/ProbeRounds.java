package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.orchestrator.ProbeResultRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The roll-up of one probe round for the live stream (one PROBE_ROUND event per round, not every probe): the verdict
 * of each layer and their counts, and the numbers the rollback triggers look at, computed the way the worker's
 * trigger rules do over the window so far: integration latency P95 (nearest rank, PASSED and FAILED probes, not the
 * restart drill's recovery) against {@code latencyMultiplier x max(baseline, floor)}, the synthetic failure ratio
 * against its limit, crashes within the crash window ending at this round, and the latest disk free percentage.
 * Pure: no clock, no I/O.
 */
public final class ProbeRounds {

    static final String DRILL_RECOVERY = "drillRecovery";
    static final String RESTART_DRILL = "restartDrill";

    private ProbeRounds() {
    }

    /**
     * @param window every stored probe of one VALIDATE command up to and including {@code round}, in arrival order
     * @param thresholds the plan's numbers (playbook defaults when unknown)
     * @param baselineP95Millis the pre-cutover integration P95, or null
     */
    public static Map<String, Object> rollup(List<ProbeResultRecord> window, int round, TriggerThresholds thresholds,
            Double baselineP95Millis) {
        TriggerThresholds t = thresholds == null ? TriggerThresholds.playbook() : thresholds;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("round", round);
        Map<ProbeLayer, String> layers = new EnumMap<>(ProbeLayer.class);
        Map<String, Integer> verdicts = new TreeMap<>();
        Instant roundAt = null;
        for (ProbeResultRecord r : window) {
            if (r.round == round) {
                layers.put(r.layer, r.verdict.name());
                verdicts.merge(r.verdict.name(), 1, Integer::sum);
                roundAt = roundAt == null || r.probedAt.isAfter(roundAt) ? r.probedAt : roundAt;
            }
        }
        out.put("layers", layers);
        out.put("verdicts", verdicts);
        out.put("probedAt", roundAt);

        List<Long> latencies = new ArrayList<>();
        int samples = 0;
        int failed = 0;
        for (ProbeResultRecord r : window) {
            if (r.layer != ProbeLayer.INTEGRATION || "true".equals(observed(r).get(DRILL_RECOVERY))) {
                continue;
            }
            if (r.verdict == Verdict.PASSED || r.verdict == Verdict.FAILED) {
                samples++;
                failed += r.verdict == Verdict.FAILED ? 1 : 0;
                if (r.latencyMillis != null) {
                    latencies.add(r.latencyMillis);
                }
            }
        }
        out.put("integrationP95Millis", p95(latencies));
        out.put("baselineP95Millis", baselineP95Millis);
        out.put("latencyLimitMillis", baselineP95Millis == null ? null
                : t.latencyMultiplier() * Math.max(baselineP95Millis, t.latencyFloorMillis()));
        out.put("integrationP95MaxMillis", t.integrationP95MaxMillis());
        out.put("syntheticSamples", samples);
        out.put("syntheticFailed", failed);
        out.put("syntheticFailurePercent", samples == 0 ? null : failed * 100.0 / samples);
        out.put("errorRatePercentMax", t.errorRatePercent());
        out.put("crashes", crashes(window, roundAt, t));
        out.put("crashCount", t.crashCount());
        out.put("crashWindowSeconds", t.crashWindowSeconds());
        out.put("diskFreePercent", diskFree(window));
        out.put("diskFreeMinPercent", t.diskFreeMinPercent());
        return out;
    }

    /** Nearest-rank P95, as the worker's LATENCY rule. */
    static Long p95(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(0.95 * sorted.size()) - 1));
    }

    /**
     * Runs that ended within the crash window before {@code at}: launchd's {@code runs} rising from P to R between two
     * PROCESS probes ends runs P..R-1, a probe of a stopped job with a non-zero last exit code ends the current run;
     * the run the restart drill stopped (the run counter read before the probe marked {@code restartDrill}) is not a
     * crash.
     */
    static int crashes(List<ProbeResultRecord> window, Instant at, TriggerThresholds t) {
        TreeMap<Long, Instant> ended = new TreeMap<>();
        Long highest = null;
        Long drillRun = null;
        for (ProbeResultRecord r : window) {
            if (r.layer != ProbeLayer.PROCESS) {
                continue;
            }
            Map<String, String> o = observed(r);
            Long runs = number(o.get("runs"));
            if (runs == null) {
                continue;
            }
            if (o.containsKey(RESTART_DRILL) && highest != null) {
                drillRun = highest;
            }
            if (highest != null) {
                for (long run = highest; run < runs; run++) {
                    ended.putIfAbsent(run, r.probedAt);
                }
            }
            highest = highest == null ? runs : Math.max(highest, runs);
            Long exit = number(o.get("lastExitCode"));
            if (!"running".equals(o.get("state")) && exit != null && exit != 0) {
                ended.putIfAbsent(runs, r.probedAt);
            }
        }
        if (drillRun != null) {
            ended.remove(drillRun);
        }
        if (at == null) {
            return 0;
        }
        Instant from = at.minus(Duration.ofSeconds(t.crashWindowSeconds()));
        return (int) ended.values().stream().filter(i -> !i.isBefore(from) && !i.isAfter(at)).count();
    }

    /** The latest DISK probe's {@code diskFreePercent}, or null. */
    static Double diskFree(List<ProbeResultRecord> window) {
        Double free = null;
        for (ProbeResultRecord r : window) {
            if (r.layer == ProbeLayer.DISK) {
                String v = observed(r).get("diskFreePercent");
                try {
                    free = v == null ? free : Double.valueOf(v.trim());
                } catch (NumberFormatException e) {
                    // not a number: not a reading
                }
            }
        }
        return free;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> observed(ProbeResultRecord r) {
        if (r.observed == null || r.observed.isBlank()) {
            return Map.of();
        }
        Map<String, Object> raw = Json.read(r.observed, Map.class);
        Map<String, String> m = new LinkedHashMap<>();
        raw.forEach((k, v) -> m.put(k, v == null ? null : String.valueOf(v)));
        return m;
    }

    private static Long number(String s) {
        if (s == null) {
            return null;
        }
        String d = s.trim().split("[^0-9-]", 2)[0];
        try {
            return d.isEmpty() ? null : Long.valueOf(d);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
