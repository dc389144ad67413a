package com.maclogin.cutover.probe.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerRulesTest {

    private static final Instant T0 = Instant.parse("2026-09-30T10:00:00Z");
    private static final TriggerThresholds PLAYBOOK = TriggerThresholds.playbook();

    // ------------------------------------------------------------------ CRASH_LOOP

    /** {second, state, runs, lastExitCode} rows → PROCESS results. */
    private static List<ProbeResult> process(Object[]... rows) {
        List<ProbeResult> out = new ArrayList<>();
        int round = 0;
        for (Object[] row : rows) {
            Map<String, String> o = new LinkedHashMap<>();
            o.put("state", (String) row[1]);
            if (row[2] != null) {
                o.put("runs", row[2].toString());
            }
            if (row[3] != null) {
                o.put("lastExitCode", (String) row[3]);
            }
            out.add(result(++round, ProbeLayer.PROCESS, Verdict.PASSED, null, (Integer) row[0], o));
        }
        return out;
    }

    @Test
    void crashLoopTable() {
        record Case(String name, List<ProbeResult> window, RestartDrill drill, Verdict expected, String crashes) {
        }
        List<Case> cases = List.of(
                new Case("steady run counter: no crash", process(new Object[] {0, "running", 1, "(never exited)"},
                        new Object[] {5, "running", 1, "(never exited)"}), null, Verdict.PASSED, "0"),
                new Case("three KeepAlive respawns that look healthy again are three crashes",
                        process(new Object[] {0, "running", 1, "(never exited)"},
                                new Object[] {5, "running", 2, "1"}, new Object[] {10, "running", 3, "1"},
                                new Object[] {15, "running", 4, "1"}), null, Verdict.FAILED, "3"),
                new Case("two crashes are below the threshold",
                        process(new Object[] {0, "running", 1, "(never exited)"},
                                new Object[] {5, "running", 3, "1"}), null, Verdict.PASSED, "2"),
                new Case("a jump of three runs between two probes counts three",
                        process(new Object[] {0, "running", 7, "0"}, new Object[] {5, "running", 10, "78"}), null,
                        Verdict.FAILED, "3"),
                new Case("down with a non-zero exit ends the current run, counted once when respawned later",
                        process(new Object[] {0, "running", 1, "(never exited)"},
                                new Object[] {5, "not running", 1, "78"}, new Object[] {10, "running", 2, "78"},
                                new Object[] {15, "not running", 2, "78"}), null, Verdict.PASSED, "2"),
                new Case("the restart drill's run is not a crash",
                        process(new Object[] {0, "running", 1, "(never exited)"},
                                new Object[] {5, "running", 2, "0"}, new Object[] {10, "running", 3, "1"},
                                new Object[] {15, "running", 4, "1"}), new RestartDrill(T0.plusSeconds(4), 1L),
                        Verdict.PASSED, "2"),
                new Case("crashes spread wider than the window do not trip",
                        process(new Object[] {0, "running", 1, "(never exited)"},
                                new Object[] {100, "running", 2, "1"}, new Object[] {250, "running", 3, "1"},
                                new Object[] {401, "running", 4, "1"}), null, Verdict.PASSED, "2"),
                new Case("no run counter read: inconclusive", process(new Object[] {0, "not loaded", null, null}), null,
                        Verdict.INCONCLUSIVE, "0"));
        for (Case c : cases) {
            TriggerEvaluation e = TriggerRules.crashLoop(c.window(), c.drill(), PLAYBOOK);
            assertThat(e.verdict()).as(c.name()).isEqualTo(c.expected());
            assertThat(e.numbers().get("crashes")).as(c.name()).isEqualTo(c.crashes());
        }
    }

    @Test
    void crashLoopSaysItsNumbersInWords() {
        TriggerEvaluation e = TriggerRules.crashLoop(process(new Object[] {0, "running", 1, "(never exited)"},
                new Object[] {20, "running", 2, "78"}, new Object[] {30, "running", 3, "78"},
                new Object[] {41, "running", 4, "78"}), null, PLAYBOOK);
        assertThat(e.observed()).isEqualTo("3 crashes in 21 s (runs 1 -> 4, last exit 78)");
        assertThat(e.threshold()).isEqualTo("3 crashes within 300 s");
        assertThat(e.numbers()).containsEntry("runsFirst", "1").containsEntry("runsLast", "4")
                .containsEntry("lastExitCode", "78").containsEntry("crashCount", "3");
    }

    // ------------------------------------------------------------------ ERROR_RATE

    private static List<ProbeResult> integration(int passed, int failed, int errors, long latency) {
        List<ProbeResult> out = new ArrayList<>();
        int round = 0;
        for (int i = 0; i < passed; i++) {
            out.add(result(++round, ProbeLayer.INTEGRATION, Verdict.PASSED, latency, round, Map.of()));
        }
        for (int i = 0; i < failed; i++) {
            out.add(result(++round, ProbeLayer.INTEGRATION, Verdict.FAILED, latency, round, Map.of()));
        }
        for (int i = 0; i < errors; i++) {
            out.add(result(++round, ProbeLayer.INTEGRATION, Verdict.ERROR, null, round, Map.of()));
        }
        return out;
    }

    @Test
    void errorRateTable() {
        record Case(String name, int passed, int failed, int errors, Verdict expected, String percent) {
        }
        for (Case c : List.of(
                new Case("19 samples: too few whatever they say", 0, 19, 0, Verdict.INCONCLUSIVE, "100"),
                new Case("1 of 20 is exactly 5%: not more than 5%", 19, 1, 0, Verdict.PASSED, "5"),
                new Case("2 of 20 is 10%", 18, 2, 0, Verdict.FAILED, "10"),
                new Case("ERROR probes measured nothing and are not samples", 15, 0, 30, Verdict.INCONCLUSIVE, "0"),
                new Case("all passing", 40, 0, 0, Verdict.PASSED, "0"))) {
            TriggerEvaluation e = TriggerRules.errorRate(integration(c.passed(), c.failed(), c.errors(), 10),
                    PLAYBOOK);
            assertThat(e.verdict()).as(c.name()).isEqualTo(c.expected());
            assertThat(e.numbers().get("errorRatePercent")).as(c.name()).isEqualTo(c.percent());
        }
    }

    // ------------------------------------------------------------------ LATENCY

    @Test
    void latencyTable() {
        record Case(String name, List<ProbeResult> window, Double baseline, Verdict expected) {
        }
        for (Case c : List.of(
                new Case("too few samples even when slow", integration(10, 0, 0, 9000), 20.0, Verdict.INCONCLUSIVE),
                new Case("floor: a 20 ms baseline judges against 5 x 200 ms", integration(20, 0, 0, 900), 20.0,
                        Verdict.PASSED),
                new Case("above 5 x floor", integration(20, 0, 0, 1001), 20.0, Verdict.FAILED),
                new Case("above 5 x a baseline above the floor", integration(20, 0, 0, 2600), 500.0, Verdict.FAILED),
                new Case("within 5 x a baseline above the floor", integration(20, 0, 0, 2400), 500.0, Verdict.PASSED),
                new Case("no baseline: only the absolute limit decides", integration(20, 0, 0, 3000), null,
                        Verdict.INCONCLUSIVE),
                new Case("no baseline but above the 5 s matrix limit", integration(20, 0, 0, 5001), null,
                        Verdict.FAILED),
                new Case("a generous baseline does not lift the 5 s limit", integration(20, 0, 0, 5001), 2000.0,
                        Verdict.FAILED))) {
            assertThat(TriggerRules.latency(c.window(), c.baseline(), PLAYBOOK).verdict()).as(c.name())
                    .isEqualTo(c.expected());
        }
    }

    @Test
    void latencyP95IsNearestRankAndReported() {
        List<ProbeResult> w = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            w.add(result(i, ProbeLayer.INTEGRATION, Verdict.PASSED, (long) i * 10, i, Map.of()));
        }
        TriggerEvaluation e = TriggerRules.latency(w, 100.0, PLAYBOOK);
        assertThat(e.numbers()).containsEntry("p95Millis", "190").containsEntry("limitMillis", "1000")
                .containsEntry("samples", "20");
        assertThat(e.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(TriggerRules.p95(List.of())).isNull();
        assertThat(TriggerRules.p95(List.of(7L))).isEqualTo(7L);
    }

    // ------------------------------------------------------------------ the restart drill's recovery

    /** {@code n} INTEGRATION results of the drill's recovery ({@code drillRecovery=true}), after {@code window}. */
    private static List<ProbeResult> withDrillRecovery(List<ProbeResult> window, int n, Verdict v, long latency) {
        List<ProbeResult> out = new ArrayList<>(window);
        int round = window.size();
        for (int i = 0; i < n; i++) {
            round++;
            out.add(result(round, ProbeLayer.INTEGRATION, v, latency, round, Map.of(DrillRecovery.MARKER, "true")));
        }
        return out;
    }

    @Test
    void drillRecoverySamplesDoNotFeedLatencyTable() {
        record Case(String name, List<ProbeResult> window, Double baseline, Verdict expected, String samples,
                String excluded) {
        }
        for (Case c : List.of(
                new Case("slow first answers of the freshly started gateway: excluded, the healthy rest passes",
                        withDrillRecovery(integration(20, 0, 0, 40), 4, Verdict.PASSED, 6000), 50.0, Verdict.PASSED,
                        "20", "4"),
                new Case("the same answers without the marker trip LATENCY (what the exclusion prevents)",
                        unmarked(withDrillRecovery(integration(20, 0, 0, 40), 4, Verdict.PASSED, 6000)), 50.0,
                        Verdict.FAILED, "24", "0"),
                new Case("only recovery samples: too few samples, never a breach",
                        withDrillRecovery(List.of(), 30, Verdict.PASSED, 9000), 50.0, Verdict.INCONCLUSIVE, "0",
                        "30"),
                new Case("a slow candidate outside the recovery still trips",
                        withDrillRecovery(integration(20, 0, 0, 1500), 3, Verdict.PASSED, 40), 50.0, Verdict.FAILED,
                        "20", "3"),
                new Case("an unmarked drill (value other than true) is a sample",
                        markedWith(integration(20, 0, 0, 40), 4, 6000, "false"), 50.0, Verdict.FAILED, "24", "0"))) {
            TriggerEvaluation e = TriggerRules.latency(c.window(), c.baseline(), PLAYBOOK);
            assertThat(e.verdict()).as(c.name()).isEqualTo(c.expected());
            assertThat(e.numbers()).as(c.name()).containsEntry("samples", c.samples())
                    .containsEntry("drillRecoveryExcluded", c.excluded());
        }
    }

    @Test
    void drillRecoverySamplesDoNotFeedErrorRateTable() {
        record Case(String name, List<ProbeResult> window, Verdict expected, String samples, String percent) {
        }
        for (Case c : List.of(
                new Case("503s while the gateway restarts (even if not rewritten to INCONCLUSIVE): excluded",
                        withDrillRecovery(integration(20, 0, 0, 10), 5, Verdict.FAILED, 10), Verdict.PASSED, "20", "0"),
                new Case("the same failures without the marker trip ERROR_RATE",
                        unmarked(withDrillRecovery(integration(20, 0, 0, 10), 5, Verdict.FAILED, 10)), Verdict.FAILED,
                        "25", "20"),
                new Case("passing recovery probes are not samples either", withDrillRecovery(integration(18, 1, 0, 10),
                        10, Verdict.PASSED, 10), Verdict.INCONCLUSIVE, "19", "5.3"),
                new Case("failures outside the recovery still count", withDrillRecovery(integration(18, 2, 0, 10), 5,
                        Verdict.PASSED, 10), Verdict.FAILED, "20", "10"))) {
            TriggerEvaluation e = TriggerRules.errorRate(c.window(), PLAYBOOK);
            assertThat(e.verdict()).as(c.name()).isEqualTo(c.expected());
            assertThat(e.numbers()).as(c.name()).containsEntry("samples", c.samples())
                    .containsEntry("errorRatePercent", c.percent());
        }
    }

    @Test
    void drillRecoveryDoesNotHideACrashLoopNorLowDisk() {
        List<ProbeResult> w = new ArrayList<>();
        Object[][] rows = {{0, "running", 1, "(never exited)"}, {5, "running", 2, "1"}, {10, "running", 3, "1"},
                {15, "running", 4, "1"}};
        int round = 0;
        for (Object[] row : rows) {
            round++;
            w.add(result(round, ProbeLayer.PROCESS, Verdict.INCONCLUSIVE, null, (Integer) row[0], Map.of("state",
                    (String) row[1], "runs", row[2].toString(), "lastExitCode", (String) row[3],
                    DrillRecovery.MARKER, "true")));
        }
        w.add(result(++round, ProbeLayer.DISK, Verdict.INCONCLUSIVE, 5L, 16, Map.of("diskFreePercent", "4",
                DrillRecovery.MARKER, "true")));
        assertThat(TriggerRules.crashLoop(w, null, PLAYBOOK).verdict()).isEqualTo(Verdict.FAILED);
        assertThat(TriggerRules.disk(w, PLAYBOOK).verdict()).isEqualTo(Verdict.FAILED);
    }

    private static List<ProbeResult> unmarked(List<ProbeResult> window) {
        List<ProbeResult> out = new ArrayList<>();
        for (ProbeResult r : window) {
            Map<String, String> o = new LinkedHashMap<>(r.observed());
            o.remove(DrillRecovery.MARKER);
            out.add(result(r.round(), r.layer(), r.verdict(), r.latencyMillis(), r.round(), o));
        }
        return out;
    }

    private static List<ProbeResult> markedWith(List<ProbeResult> window, int n, long latency, String value) {
        List<ProbeResult> out = new ArrayList<>(window);
        for (int i = 0; i < n; i++) {
            int round = window.size() + i + 1;
            out.add(result(round, ProbeLayer.INTEGRATION, Verdict.PASSED, latency, round,
                    Map.of(DrillRecovery.MARKER, value)));
        }
        return out;
    }

    // ------------------------------------------------------------------ DISK

    @Test
    void diskTableUsesTheLatestSample() {
        record Case(String name, List<String> free, Verdict expected) {
        }
        for (Case c : List.of(new Case("plenty", List.of("40"), Verdict.PASSED),
                new Case("exactly 10% is not below 10%", List.of("10"), Verdict.PASSED),
                new Case("9% trips", List.of("40", "9"), Verdict.FAILED),
                new Case("recovered: the latest decides", List.of("9", "30"), Verdict.PASSED),
                new Case("never measured", List.of(), Verdict.INCONCLUSIVE))) {
            List<ProbeResult> w = new ArrayList<>();
            int i = 0;
            for (String f : c.free()) {
                i++;
                w.add(result(i, ProbeLayer.DISK, Verdict.PASSED, 5L, i, Map.of("diskFreePercent", f)));
            }
            assertThat(TriggerRules.disk(w, PLAYBOOK).verdict()).as(c.name()).isEqualTo(c.expected());
        }
    }

    @Test
    void evaluateRunsEveryRuleInAFixedOrder() {
        assertThat(TriggerRules.evaluate(List.of(), null, null, PLAYBOOK)).extracting(TriggerEvaluation::trigger)
                .extracting(Enum::name).containsExactly("CRASH_LOOP", "ERROR_RATE", "LATENCY", "DISK");
        assertThat(TriggerRules.exitCode("78: EX_CONFIG")).isEqualTo(78);
        assertThat(TriggerRules.exitCode("(never exited)")).isNull();
    }

    private static ProbeResult result(int round, ProbeLayer layer, Verdict v, Long latency, int second,
            Map<String, String> observed) {
        return new ProbeResult("m" + round, "c", "hk-1", T0.plusSeconds(second), 1, 1, "cmd", round, layer, v, latency,
                "", observed);
    }
}
