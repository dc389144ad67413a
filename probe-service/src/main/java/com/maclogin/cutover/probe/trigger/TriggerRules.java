package com.maclogin.cutover.probe.trigger;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rollback triggers as pure functions over a validation window's {@link ProbeResult}s (the same records the
 * worker publishes to {@code probe.results}). They read the probes' {@code observed} numbers:
 * PROCESS {@code state, runs, lastExitCode}; INTEGRATION verdict and {@code latencyMillis}; DISK
 * {@code diskFreePercent}. No clock, no I/O. Probes of the restart drill's recovery ({@link DrillRecovery#marked}) are
 * reported but are not samples of ERROR_RATE and LATENCY: the product restarted the gateway on purpose.
 */
public final class TriggerRules {

    private TriggerRules() {
    }

    /** Every rule, in a fixed order (CRASH_LOOP, ERROR_RATE, LATENCY, DISK). */
    public static List<TriggerEvaluation> evaluate(List<ProbeResult> window, RestartDrill drill,
            Double baselineP95Millis, TriggerThresholds t) {
        return List.of(crashLoop(window, drill, t), errorRate(window, t), latency(window, baselineP95Millis, t),
                disk(window, t));
    }

    /**
     * CRASH_LOOP. launchd's {@code runs} counts starts: when it rises from P to R between two PROCESS probes, runs
     * P..R-1 ended, and each end followed by a respawn is a crash even when the process looks up again. A probe
     * that finds the job not running with a non-zero last exit code ends the current run too. Runs that had ended
     * before the first probe of the window are not counted; the run the restart drill stopped is not a crash.
     * Trips when {@code crashCount} crashes were first seen within {@code crashWindowSeconds}.
     */
    public static TriggerEvaluation crashLoop(List<ProbeResult> window, RestartDrill drill, TriggerThresholds t) {
        String threshold = t.crashCount() + " crashes within " + t.crashWindowSeconds() + " s";
        List<ProbeResult> samples = new ArrayList<>();
        for (ProbeResult r : layer(window, ProbeLayer.PROCESS)) {
            if (longOf(r, "runs") != null) {
                samples.add(r);
            }
        }
        if (samples.isEmpty()) {
            return new TriggerEvaluation(TriggerKind.CRASH_LOOP, Verdict.INCONCLUSIVE, "no launchd run counter read",
                    threshold, Map.of("crashes", "0"));
        }
        TreeMap<Long, Instant> ended = new TreeMap<>();
        long firstRuns = longOf(samples.get(0), "runs");
        long highest = firstRuns;
        String lastExit = null;
        for (ProbeResult s : samples) {
            long runs = longOf(s, "runs");
            for (long run = highest; run < runs; run++) {
                ended.putIfAbsent(run, s.timestamp());
            }
            highest = Math.max(highest, runs);
            String exit = s.observed().get("lastExitCode");
            if (exit != null) {
                lastExit = exit;
            }
            if (!"running".equals(s.observed().get("state")) && exitCode(exit) != null && exitCode(exit) != 0) {
                ended.putIfAbsent(runs, s.timestamp());
            }
        }
        if (drill != null && drill.endedRun() != null) {
            ended.remove(drill.endedRun());
        }
        List<Instant> times = new ArrayList<>(ended.values());
        Collections.sort(times);
        int best = 0;
        Instant bestFrom = null;
        Instant bestTo = null;
        Duration span = Duration.ofSeconds(t.crashWindowSeconds());
        for (int i = 0; i < times.size(); i++) {
            int j = i;
            while (j + 1 < times.size() && !times.get(j + 1).isAfter(times.get(i).plus(span))) {
                j++;
            }
            if (j - i + 1 > best) {
                best = j - i + 1;
                bestFrom = times.get(i);
                bestTo = times.get(j);
            }
        }
        long seconds = best == 0 ? 0 : Duration.between(bestFrom, bestTo).toSeconds();
        Map<String, String> numbers = new LinkedHashMap<>();
        numbers.put("crashes", Integer.toString(best));
        numbers.put("crashesInWindow", Integer.toString(ended.size()));
        numbers.put("withinSeconds", Long.toString(seconds));
        numbers.put("runsFirst", Long.toString(firstRuns));
        numbers.put("runsLast", Long.toString(highest));
        if (lastExit != null) {
            numbers.put("lastExitCode", lastExit);
        }
        numbers.put("crashCount", Integer.toString(t.crashCount()));
        numbers.put("crashWindowSeconds", Integer.toString(t.crashWindowSeconds()));
        String observed = best + (best == 1 ? " crash" : " crashes") + " in " + seconds + " s (runs " + firstRuns
                + " -> " + highest + (lastExit != null ? ", last exit " + lastExit : "") + ")";
        Verdict v = best >= t.crashCount() ? Verdict.FAILED : Verdict.PASSED;
        return new TriggerEvaluation(TriggerKind.CRASH_LOOP, v, observed, threshold, numbers);
    }

    /**
     * ERROR_RATE: failed INTEGRATION probes over all INTEGRATION probes that measured something (PASSED or FAILED;
     * ERROR and INCONCLUSIVE are not samples, nor are probes of the drill's recovery). Fewer than {@code minSamples}:
     * INCONCLUSIVE.
     */
    public static TriggerEvaluation errorRate(List<ProbeResult> window, TriggerThresholds t) {
        String threshold = "more than " + fmt(t.errorRatePercent()) + "% of synthetic probes failing (at least "
                + t.minSamples() + " samples)";
        int total = 0;
        int failed = 0;
        int drill = 0;
        for (ProbeResult r : layer(window, ProbeLayer.INTEGRATION)) {
            if (DrillRecovery.marked(r)) {
                drill++;
            } else if (r.verdict() == Verdict.PASSED || r.verdict() == Verdict.FAILED) {
                total++;
                if (r.verdict() == Verdict.FAILED) {
                    failed++;
                }
            }
        }
        double percent = total == 0 ? 0.0 : failed * 100.0 / total;
        Map<String, String> numbers = new LinkedHashMap<>();
        numbers.put("failed", Integer.toString(failed));
        numbers.put("samples", Integer.toString(total));
        numbers.put("errorRatePercent", fmt(percent));
        numbers.put("errorRatePercentMax", fmt(t.errorRatePercent()));
        numbers.put("minSamples", Integer.toString(t.minSamples()));
        numbers.put("drillRecoveryExcluded", Integer.toString(drill));
        String observed = failed + " of " + total + " synthetic probes failed (" + fmt(percent) + "%)";
        Verdict v;
        if (total < t.minSamples()) {
            v = Verdict.INCONCLUSIVE;
        } else {
            v = percent > t.errorRatePercent() ? Verdict.FAILED : Verdict.PASSED;
        }
        return new TriggerEvaluation(TriggerKind.ERROR_RATE, v, observed, threshold, numbers);
    }

    /**
     * LATENCY: nearest-rank P95 of the INTEGRATION latencies (PASSED and FAILED probes; a timeout counts with its
     * elapsed time; not the probes of the drill's recovery). Needs {@code minSamples}. FAILED when P95 exceeds {@code integrationP95MaxMillis}, or
     * {@code latencyMultiplier x max(baseline, latencyFloorMillis)}; without a baseline only the absolute limit
     * applies and the verdict is otherwise INCONCLUSIVE.
     */
    public static TriggerEvaluation latency(List<ProbeResult> window, Double baselineP95Millis, TriggerThresholds t) {
        List<Long> latencies = new ArrayList<>();
        int drill = 0;
        for (ProbeResult r : layer(window, ProbeLayer.INTEGRATION)) {
            if (DrillRecovery.marked(r)) {
                drill++;
            } else if ((r.verdict() == Verdict.PASSED || r.verdict() == Verdict.FAILED) && r.latencyMillis() != null) {
                latencies.add(r.latencyMillis());
            }
        }
        Double limit = baselineP95Millis == null ? null
                : t.latencyMultiplier() * Math.max(baselineP95Millis, t.latencyFloorMillis());
        String threshold = (limit == null ? "" : "P95 above " + fmt(t.latencyMultiplier()) + " x max(baseline "
                + fmt(baselineP95Millis) + " ms, floor " + fmt(t.latencyFloorMillis()) + " ms) = " + fmt(limit)
                + " ms, or ") + "P95 above " + fmt(t.integrationP95MaxMillis()) + " ms (at least " + t.minSamples()
                + " samples)";
        Long p95 = p95(latencies);
        Map<String, String> numbers = new LinkedHashMap<>();
        numbers.put("samples", Integer.toString(latencies.size()));
        if (p95 != null) {
            numbers.put("p95Millis", Long.toString(p95));
        }
        if (baselineP95Millis != null) {
            numbers.put("baselineP95Millis", fmt(baselineP95Millis));
            numbers.put("limitMillis", fmt(limit));
        }
        numbers.put("integrationP95MaxMillis", fmt(t.integrationP95MaxMillis()));
        numbers.put("minSamples", Integer.toString(t.minSamples()));
        numbers.put("drillRecoveryExcluded", Integer.toString(drill));
        String observed = p95 == null ? "no integration latency measured"
                : "integration P95 " + p95 + " ms over " + latencies.size() + " samples"
                        + (baselineP95Millis != null ? " (baseline " + fmt(baselineP95Millis) + " ms)" : "");
        Verdict v;
        if (latencies.size() < t.minSamples()) {
            v = Verdict.INCONCLUSIVE;
        } else if (p95 > t.integrationP95MaxMillis() || limit != null && p95 > limit) {
            v = Verdict.FAILED;
        } else {
            v = limit == null ? Verdict.INCONCLUSIVE : Verdict.PASSED;
        }
        return new TriggerEvaluation(TriggerKind.LATENCY, v, observed, threshold, numbers);
    }

    /**
     * The highest P95 LATENCY accepts: {@code integrationP95MaxMillis}, and with a baseline at most
     * {@code latencyMultiplier x max(baseline, latencyFloorMillis)}.
     */
    public static double acceptedLatencyMillis(Double baselineP95Millis, TriggerThresholds t) {
        double limit = t.integrationP95MaxMillis();
        if (baselineP95Millis != null) {
            limit = Math.min(limit, t.latencyMultiplier() * Math.max(baselineP95Millis, t.latencyFloorMillis()));
        }
        return limit;
    }

    /** The latencies of the INTEGRATION probes LATENCY judges (PASSED or FAILED, outside the drill's recovery). */
    public static List<Long> judgedLatencies(List<ProbeResult> window) {
        List<Long> out = new ArrayList<>();
        for (ProbeResult r : layer(window, ProbeLayer.INTEGRATION)) {
            if (!DrillRecovery.marked(r) && (r.verdict() == Verdict.PASSED || r.verdict() == Verdict.FAILED)
                    && r.latencyMillis() != null) {
                out.add(r.latencyMillis());
            }
        }
        return out;
    }

    /** DISK: the latest DISK probe's {@code diskFreePercent} below {@code diskFreeMinPercent}. */
    public static TriggerEvaluation disk(List<ProbeResult> window, TriggerThresholds t) {
        String threshold = "free space below " + fmt(t.diskFreeMinPercent()) + "%";
        Double free = null;
        for (ProbeResult r : layer(window, ProbeLayer.DISK)) {
            String v = r.observed() == null ? null : r.observed().get("diskFreePercent");
            if (v != null) {
                try {
                    free = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    // not a number: ignore this sample
                }
            }
        }
        if (free == null) {
            return new TriggerEvaluation(TriggerKind.DISK, Verdict.INCONCLUSIVE, "free space not measured",
                    threshold, Map.of("diskFreeMinPercent", fmt(t.diskFreeMinPercent())));
        }
        Map<String, String> numbers = new LinkedHashMap<>();
        numbers.put("diskFreePercent", fmt(free));
        numbers.put("diskFreeMinPercent", fmt(t.diskFreeMinPercent()));
        Verdict v = free < t.diskFreeMinPercent() ? Verdict.FAILED : Verdict.PASSED;
        return new TriggerEvaluation(TriggerKind.DISK, v, fmt(free) + "% free", threshold, numbers);
    }

    /** Nearest-rank 95th percentile; {@code null} for no values. */
    public static Long p95(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(0.95 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    /** Numeric part of launchctl's {@code last exit code} ({@code 78: EX_CONFIG} → 78); null for "(never exited)". */
    static Integer exitCode(String s) {
        if (s == null) {
            return null;
        }
        int end = 0;
        String v = s.trim();
        if (v.startsWith("-")) {
            end = 1;
        }
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        try {
            return Integer.parseInt(v.substring(0, end));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<ProbeResult> layer(List<ProbeResult> window, ProbeLayer layer) {
        List<ProbeResult> out = new ArrayList<>();
        for (ProbeResult r : window) {
            if (r.layer() == layer) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(ProbeResult::timestamp).thenComparingInt(ProbeResult::round));
        return out;
    }

    private static Long longOf(ProbeResult r, String key) {
        String v = r.observed() == null ? null : r.observed().get(key);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%.1f", d);
    }
}
