package com.maclogin.cutover.probe.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * "A blind layer never ends GREEN" as a table: each row is a finished window (per layer one letter per round:
 * P PASSED, F FAILED, E ERROR, I INCONCLUSIVE, - no result), judged with the real trigger rules' last evaluations.
 */
class WindowVerdictTest {

    private static final Instant T0 = Instant.parse("2026-09-30T10:00:00Z");
    private static final TriggerThresholds PLAYBOOK = TriggerThresholds.playbook();
    private static final Set<ProbeLayer> ALL_BUT_TLS = layers(ProbeLayer.PROCESS, ProbeLayer.TCP,
            ProbeLayer.APPLICATION, ProbeLayer.INTEGRATION, ProbeLayer.DISK);

    record Row(String name, Set<ProbeLayer> plan, Map<ProbeLayer, String> rounds, Double baseline,
            Map<TriggerKind, TriggerAction> actions, WindowVerdict.Kind expected, List<String> named) {
    }

    @Test
    void verdictTable() {
        List<Row> rows = List.of(
                new Row("every layer passed every round: GREEN may follow", ALL_BUT_TLS,
                        healthy(12), 100.0, Map.of(), WindowVerdict.Kind.PASS, List.of()),
                new Row("the probe account's launchd read refused in every round: PROCESS and CRASH_LOOP are blind",
                        ALL_BUT_TLS, with(healthy(12), ProbeLayer.PROCESS, "E".repeat(12)), 100.0, Map.of(),
                        WindowVerdict.Kind.FAIL, List.of("layer PROCESS never PASSED (12 ERROR in 12 rounds",
                                "trigger CRASH_LOOP INCONCLUSIVE for lack of data (no launchd run counter read)")),
                new Row("a plan that leaves PROCESS out exempts it and CRASH_LOOP",
                        layers(ProbeLayer.TCP, ProbeLayer.APPLICATION, ProbeLayer.INTEGRATION, ProbeLayer.DISK),
                        with(healthy(12), ProbeLayer.PROCESS, "-".repeat(12)), 100.0, Map.of(),
                        WindowVerdict.Kind.PASS, List.of()),
                new Row("blind PROCESS with CRASH_LOOP PAUSE in the plan: PAUSE", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.PROCESS, "E".repeat(12)), 100.0,
                        Map.of(TriggerKind.CRASH_LOOP, TriggerAction.PAUSE), WindowVerdict.Kind.PAUSE,
                        List.of("layer PROCESS", "trigger CRASH_LOOP")),
                new Row("blind PROCESS with CRASH_LOOP OBSERVE still fails: nothing was observed", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.PROCESS, "E".repeat(12)), 100.0,
                        Map.of(TriggerKind.CRASH_LOOP, TriggerAction.OBSERVE), WindowVerdict.Kind.FAIL,
                        List.of("layer PROCESS")),
                new Row("a PAUSE on DISK does not cover a blind PROCESS", ALL_BUT_TLS,
                        with(with(healthy(12), ProbeLayer.PROCESS, "E".repeat(12)), ProbeLayer.DISK, "E".repeat(12)),
                        100.0, Map.of(TriggerKind.DISK, TriggerAction.PAUSE), WindowVerdict.Kind.FAIL,
                        List.of("layer PROCESS", "layer DISK", "trigger DISK", "trigger CRASH_LOOP")),
                new Row("a PROCESS that passed once is not blind (the crash rule had a run counter)", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.PROCESS, "P" + "E".repeat(11)), 100.0, Map.of(),
                        WindowVerdict.Kind.PASS, List.of()),
                new Row("APPLICATION never ready", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.APPLICATION, "F".repeat(12)), 100.0, Map.of(),
                        WindowVerdict.Kind.FAIL, List.of("layer APPLICATION never PASSED (12 FAILED in 12 rounds")),
                new Row("TCP never connected: a layer without a trigger is never pausable", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.TCP, "E".repeat(12)), 100.0,
                        Map.of(TriggerKind.CRASH_LOOP, TriggerAction.PAUSE), WindowVerdict.Kind.FAIL,
                        List.of("layer TCP")),
                new Row("INTEGRATION errored every round: the layer and both of its triggers are blind", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.INTEGRATION, "E".repeat(12)), 100.0, Map.of(),
                        WindowVerdict.Kind.FAIL, List.of("layer INTEGRATION", "trigger ERROR_RATE "
                                + "INCONCLUSIVE for lack of data (0 usable INTEGRATION samples, 6 needed)",
                                "trigger LATENCY")),
                new Row("short window: 5 usable synthetic samples of 12 rounds is less than half", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.INTEGRATION, "PPPPP" + "E".repeat(7)), 100.0, Map.of(),
                        WindowVerdict.Kind.FAIL, List.of("trigger ERROR_RATE INCONCLUSIVE for lack of data "
                                + "(5 usable INTEGRATION samples, 6 needed)")),
                new Row("short window: 6 of 12 rounds measured is enough although minSamples (20) is not reached",
                        ALL_BUT_TLS, with(healthy(12), ProbeLayer.INTEGRATION, "PPPPPP" + "E".repeat(6)), 100.0,
                        Map.of(), WindowVerdict.Kind.PASS, List.of()),
                new Row("long window: 19 usable samples of 40 rounds stay below minSamples 20", ALL_BUT_TLS,
                        with(healthy(40), ProbeLayer.INTEGRATION, "P".repeat(19) + "E".repeat(21)), 100.0, Map.of(),
                        WindowVerdict.Kind.FAIL, List.of("(19 usable INTEGRATION samples, 20 needed)")),
                new Row("long window: 20 usable samples reach minSamples", ALL_BUT_TLS,
                        with(healthy(40), ProbeLayer.INTEGRATION, "P".repeat(20) + "E".repeat(20)), 100.0, Map.of(),
                        WindowVerdict.Kind.PASS, List.of()),
                new Row("restart drill recovery (INCONCLUSIVE probes) in a few rounds is not blindness", ALL_BUT_TLS,
                        with(with(healthy(12), ProbeLayer.INTEGRATION, "PPPPIIPPPPPP"), ProbeLayer.APPLICATION,
                                "PPPPIIPPPPPP"), 100.0, Map.of(), WindowVerdict.Kind.PASS, List.of()),
                new Row("a drill's recovery PASSED but is not ERROR_RATE's or LATENCY's data: 4 judged of 12 is blind",
                        ALL_BUT_TLS, with(healthy(12), ProbeLayer.INTEGRATION, "PPPP" + "R".repeat(8)), 100.0,
                        Map.of(), WindowVerdict.Kind.FAIL, List.of("trigger ERROR_RATE INCONCLUSIVE for lack of data "
                                + "(4 usable INTEGRATION samples, 6 needed)")),
                new Row("a recovery that settled at the first normal answer leaves enough judged samples", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.INTEGRATION, "PPPPRRPPPPPP"), 100.0, Map.of(),
                        WindowVerdict.Kind.PASS, List.of()),
                new Row("no baseline: LATENCY judged its samples against the absolute limit, not blind", ALL_BUT_TLS,
                        healthy(24), null, Map.of(), WindowVerdict.Kind.PASS, List.of()),
                new Row("DISK never measured", ALL_BUT_TLS, with(healthy(12), ProbeLayer.DISK, "E".repeat(12)), 100.0,
                        Map.of(), WindowVerdict.Kind.FAIL,
                        List.of("layer DISK", "trigger DISK INCONCLUSIVE for lack of data (free space not measured)")),
                new Row("DISK never measured with DISK PAUSE: PAUSE", ALL_BUT_TLS,
                        with(healthy(12), ProbeLayer.DISK, "E".repeat(12)), 100.0,
                        Map.of(TriggerKind.DISK, TriggerAction.PAUSE), WindowVerdict.Kind.PAUSE, List.of("DISK")),
                new Row("TLS in the plan that never passed", layers(ProbeLayer.APPLICATION, ProbeLayer.TLS),
                        Map.of(ProbeLayer.APPLICATION, "PPPP", ProbeLayer.TLS, "FFFF"), 100.0, Map.of(),
                        WindowVerdict.Kind.FAIL, List.of("layer TLS never PASSED (4 FAILED in 4 rounds")));
        for (Row row : rows) {
            List<ProbeResult> window = window(row.rounds());
            int rounds = row.rounds().values().stream().mapToInt(String::length).max().orElse(0);
            List<TriggerEvaluation> evaluations = TriggerRules.evaluate(window, null, row.baseline(), PLAYBOOK);
            WindowVerdict.Result r = WindowVerdict.evaluate(row.plan(), window, rounds, evaluations, PLAYBOOK,
                    row.actions());
            assertThat(r.kind()).as(row.name() + ": " + r.reason()).isEqualTo(row.expected());
            if (row.expected() == WindowVerdict.Kind.PASS) {
                assertThat(r.blind()).as(row.name()).isEmpty();
                assertThat(r.reason()).isNull();
            } else {
                assertThat(r.reason()).as(row.name()).contains(row.named());
            }
            if (row.expected() == WindowVerdict.Kind.PAUSE) {
                assertThat(row.actions()).containsKey(r.pauseTrigger());
            }
        }
    }

    @Test
    void samplesNeededIsMinSamplesOrHalfTheRoundsOfAShorterWindow() {
        assertThat(WindowVerdict.samplesNeeded(180, PLAYBOOK)).isEqualTo(20);
        assertThat(WindowVerdict.samplesNeeded(40, PLAYBOOK)).isEqualTo(20);
        assertThat(WindowVerdict.samplesNeeded(12, PLAYBOOK)).isEqualTo(6);
        assertThat(WindowVerdict.samplesNeeded(3, PLAYBOOK)).isEqualTo(2);
        assertThat(WindowVerdict.samplesNeeded(1, PLAYBOOK)).isEqualTo(1);
        assertThat(WindowVerdict.samplesNeeded(0, PLAYBOOK)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ window builders

    private static Set<ProbeLayer> layers(ProbeLayer... l) {
        return new LinkedHashSet<>(List.of(l));
    }

    private static Map<ProbeLayer, String> healthy(int rounds) {
        Map<ProbeLayer, String> m = new EnumMap<>(ProbeLayer.class);
        for (ProbeLayer l : ALL_BUT_TLS) {
            m.put(l, "P".repeat(rounds));
        }
        return m;
    }

    private static Map<ProbeLayer, String> with(Map<ProbeLayer, String> m, ProbeLayer layer, String pattern) {
        Map<ProbeLayer, String> copy = new EnumMap<>(m);
        copy.put(layer, pattern);
        return copy;
    }

    private static List<ProbeResult> window(Map<ProbeLayer, String> rounds) {
        List<ProbeResult> out = new ArrayList<>();
        int n = rounds.values().stream().mapToInt(String::length).max().orElse(0);
        for (int round = 1; round <= n; round++) {
            for (Map.Entry<ProbeLayer, String> e : rounds.entrySet()) {
                char c = e.getValue().charAt(round - 1);
                if (c == '-') {
                    continue;
                }
                Verdict v = switch (c) {
                    case 'P' -> Verdict.PASSED;
                    case 'F' -> Verdict.FAILED;
                    case 'E' -> Verdict.ERROR;
                    case 'I' -> Verdict.INCONCLUSIVE;
                    case 'R' -> Verdict.PASSED; // PASSED during the restart drill's recovery
                    default -> throw new IllegalArgumentException("pattern letter " + c);
                };
                ProbeResult r = result(round, e.getKey(), v);
                if (c == 'R') {
                    Map<String, String> observed = new LinkedHashMap<>(r.observed());
                    observed.put(DrillRecovery.MARKER, "true");
                    r = new ProbeResult(r.messageId(), r.cutoverId(), r.leaseId(), r.timestamp(), r.schemaVersion(),
                            r.epoch(), r.commandMessageId(), r.round(), r.layer(), r.verdict(), r.latencyMillis(),
                            r.detail(), observed);
                }
                out.add(r);
            }
        }
        return out;
    }

    /** What each layer's probe observes when it measured (PASSED/FAILED); ERROR and INCONCLUSIVE observe nothing. */
    private static ProbeResult result(int round, ProbeLayer layer, Verdict v) {
        Map<String, String> observed = new LinkedHashMap<>();
        boolean measured = v == Verdict.PASSED || v == Verdict.FAILED;
        Long latency = null;
        if (measured) {
            switch (layer) {
                case PROCESS -> {
                    observed.put("state", "running");
                    observed.put("runs", "1");
                    observed.put("lastExitCode", "(never exited)");
                }
                case INTEGRATION -> latency = 40L;
                case DISK -> observed.put("diskFreePercent", "42");
                default -> latency = 5L;
            }
        }
        String detail = v == Verdict.ERROR ? "launchd state not readable by openclaw-probe: sudo: a password is "
                + "required (exit 1)" : v.name().toLowerCase();
        return new ProbeResult("m" + round + layer, "c", "hk-1", T0.plusSeconds(round * 5L), 1, 1, "cmd", round, layer,
                v, latency, detail, observed);
    }
}
