package com.maclogin.cutover.orchestrator.report;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.orchestrator.api.ProbeResultView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's four charts, computed from the stored probe results the way the workers' trigger rules read them
 * (probe-service {@code TriggerRules}): integration P95 (nearest rank, cumulative) against {@code latencyMultiplier x
 * max(baseline, floor)}, synthetic failure ratio (cumulative) against {@code errorRatePercent}, crashes seen within the
 * trailing {@code crashWindowSeconds} (launchd's run counter) against {@code crashCount}, and each DISK probe's free
 * space against {@code diskFreeMinPercent}. Probes of the restart drill's recovery ({@code observed.drillRecovery})
 * are not latency or error samples, as in the rules. Pure: no clock, no I/O.
 */
public final class ReportCharts {

    static final String DRILL_RECOVERY = "drillRecovery";
    /** Set by the worker on the PROCESS probe of the round in which it ran the restart drill. */
    static final String RESTART_DRILL = "restartDrill";

    private ReportCharts() {
    }

    /** The four charts in a fixed order; {@code probes} in any order. */
    public static List<Chart> charts(List<ProbeResultView> probes, TriggerThresholds t, Double baselineP95Millis) {
        List<ProbeResultView> sorted = new ArrayList<>(probes);
        sorted.sort(Comparator.comparing(ProbeResultView::probedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingInt(ProbeResultView::round));
        Instant start = sorted.isEmpty() || sorted.get(0).probedAt() == null ? null : sorted.get(0).probedAt();
        return List.of(latency(sorted, start, t, baselineP95Millis), errorRate(sorted, start, t),
                crashes(sorted, start, t), disk(sorted, start, t));
    }

    static Chart latency(List<ProbeResultView> probes, Instant start, TriggerThresholds t, Double baseline) {
        List<Long> latencies = new ArrayList<>();
        List<Chart.Point> points = new ArrayList<>();
        for (ProbeResultView r : layer(probes, ProbeLayer.INTEGRATION)) {
            if (judged(r) && r.latencyMillis() != null) {
                latencies.add(r.latencyMillis());
                points.add(new Chart.Point(seconds(start, r), r.round(), p95(latencies)));
            }
        }
        Double line;
        String label;
        if (baseline != null) {
            line = t.latencyMultiplier() * Math.max(baseline, t.latencyFloorMillis());
            label = SvgChart.fmt(t.latencyMultiplier()) + " x baseline " + SvgChart.fmt(baseline) + " ms"
                    + (baseline < t.latencyFloorMillis() ? " (floor " + SvgChart.fmt(t.latencyFloorMillis()) + " ms)" : "")
                    + " = " + SvgChart.fmt(line) + " ms";
        } else {
            line = t.integrationP95MaxMillis();
            label = "no baseline recorded: absolute limit " + SvgChart.fmt(line) + " ms";
        }
        return new Chart("latencyP95", "Integration latency P95", "ms", line, label, true, false, points,
                "nearest-rank P95 of the INTEGRATION latencies so far (PASSED and FAILED probes, not the restart drill's"
                        + " recovery); judged once " + t.minSamples() + " samples exist");
    }

    static Chart errorRate(List<ProbeResultView> probes, Instant start, TriggerThresholds t) {
        int total = 0;
        int failed = 0;
        List<Chart.Point> points = new ArrayList<>();
        for (ProbeResultView r : layer(probes, ProbeLayer.INTEGRATION)) {
            if (judged(r)) {
                total++;
                if (r.verdict() == Verdict.FAILED) {
                    failed++;
                }
                points.add(new Chart.Point(seconds(start, r), r.round(), failed * 100.0 / total));
            }
        }
        return new Chart("errorRate", "Synthetic failure ratio", "%", t.errorRatePercent(),
                SvgChart.fmt(t.errorRatePercent()) + " %", true, false, points,
                "failed INTEGRATION probes over those that measured (PASSED or FAILED) so far; judged once "
                        + t.minSamples() + " samples exist");
    }

    static Chart crashes(List<ProbeResultView> probes, Instant start, TriggerThresholds t) {
        Duration window = Duration.ofSeconds(t.crashWindowSeconds());
        TreeMap<Long, Instant> ended = new TreeMap<>();
        Long highest = null;
        Long drillRun = null;
        List<Chart.Point> points = new ArrayList<>();
        for (ProbeResultView r : layer(probes, ProbeLayer.PROCESS)) {
            Long runs = longOf(r.observed(), "runs");
            if (runs == null || r.probedAt() == null) {
                continue;
            }
            if (highest == null) {
                highest = runs;
            }
            if (drillRun == null && r.observed().containsKey(RESTART_DRILL)) {
                drillRun = highest; // the drill stopped the run seen before this probe (probe-service RestartDrill)
            }
            for (long run = highest; run < runs; run++) {
                ended.putIfAbsent(run, r.probedAt());
            }
            highest = Math.max(highest, runs);
            Long exit = longOf(r.observed(), "lastExitCode");
            if (!"running".equals(r.observed() == null ? null : r.observed().get("state")) && exit != null && exit != 0) {
                ended.putIfAbsent(runs, r.probedAt());
            }
            if (drillRun != null) {
                ended.remove(drillRun);
            }
            Instant from = r.probedAt().minus(window);
            long inWindow = ended.values().stream().filter(at -> at.isAfter(from) && !at.isAfter(r.probedAt())).count();
            points.add(new Chart.Point(seconds(start, r), r.round(), inWindow));
        }
        return new Chart("crashes", "Crashes (launchd runs)", "crashes", (double) t.crashCount(),
                t.crashCount() + " crashes in " + SvgChart.fmt(t.crashWindowSeconds() / 60.0) + " min", true, true, points,
                "runs that ended within the last " + t.crashWindowSeconds() + " s at each PROCESS probe (launchd's run"
                        + " counter rising, or not running with a non-zero last exit code); the run the restart drill"
                        + " stopped is not a crash, as in the rule");
    }

    static Chart disk(List<ProbeResultView> probes, Instant start, TriggerThresholds t) {
        List<Chart.Point> points = new ArrayList<>();
        for (ProbeResultView r : layer(probes, ProbeLayer.DISK)) {
            Double free = doubleOf(r.observed(), "diskFreePercent");
            if (free != null) {
                points.add(new Chart.Point(seconds(start, r), r.round(), free));
            }
        }
        return new Chart("diskFree", "Disk free", "%", t.diskFreeMinPercent(), SvgChart.fmt(t.diskFreeMinPercent()) + " %",
                false, false, points, "free space of the data volume at each DISK probe; below the line breaches");
    }

    /** Nearest-rank 95th percentile of a non-empty list. */
    static double p95(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(0.95 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static boolean judged(ProbeResultView r) {
        boolean drill = r.observed() != null && "true".equals(r.observed().get(DRILL_RECOVERY));
        return !drill && (r.verdict() == Verdict.PASSED || r.verdict() == Verdict.FAILED);
    }

    private static List<ProbeResultView> layer(List<ProbeResultView> probes, ProbeLayer layer) {
        return probes.stream().filter(p -> p.layer() == layer).toList();
    }

    private static double seconds(Instant start, ProbeResultView r) {
        if (start == null || r.probedAt() == null) {
            return 0;
        }
        return Math.max(0, Duration.between(start, r.probedAt()).toMillis() / 1000.0);
    }

    private static Long longOf(Map<String, String> observed, String key) {
        String v = observed == null ? null : observed.get(key);
        if (v == null) {
            return null;
        }
        int end = 0;
        String s = v.trim();
        if (s.startsWith("-")) {
            end = 1;
        }
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        try {
            return Long.parseLong(s.substring(0, end));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double doubleOf(Map<String, String> observed, String key) {
        String v = observed == null ? null : observed.get(key);
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
