package com.maclogin.cutover.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.orchestrator.ProbeResultRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe-round roll-up of the live stream: pure, table style. */
class ProbeRoundsTest {

    static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    static final TriggerThresholds T = TriggerThresholds.playbook();

    static ProbeResultRecord probe(int round, int second, ProbeLayer layer, Verdict v, Long latency, Map<String, String> observed) {
        ProbeResultRecord r = new ProbeResultRecord();
        r.round = round;
        r.layer = layer;
        r.verdict = v;
        r.latencyMillis = latency;
        r.observed = Json.write(observed);
        r.probedAt = T0.plusSeconds(second);
        return r;
    }

    static ProbeResultRecord runs(int round, int second, long runs, Map<String, String> extra) {
        Map<String, String> o = new java.util.HashMap<>(Map.of("runs", Long.toString(runs), "state", "running",
                "lastExitCode", "0"));
        o.putAll(extra);
        return probe(round, second, ProbeLayer.PROCESS, Verdict.PASSED, null, o);
    }

    @Test
    void latencyP95IsNearestRankOverJudgedSyntheticProbesWithoutTheDrillRecoveryAndTheLimitIsFiveTimesTheBaselineOrFloor() {
        List<ProbeResultRecord> w = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            w.add(probe(i, i, ProbeLayer.INTEGRATION, i == 20 ? Verdict.FAILED : Verdict.PASSED, 10L * i, Map.of()));
        }
        w.add(probe(20, 20, ProbeLayer.INTEGRATION, Verdict.INCONCLUSIVE, 99_000L, Map.of("drillRecovery", "true")));
        w.add(probe(20, 20, ProbeLayer.INTEGRATION, Verdict.ERROR, 88_000L, Map.of()));
        Object[][] table = {
                // baseline, expected limit
                {180.0, 1000.0}, // floor 200 ms
                {300.0, 1500.0},
                {null, null},
        };
        for (Object[] row : table) {
            Map<String, Object> r = ProbeRounds.rollup(w, 20, T, (Double) row[0]);
            assertThat(r.get("integrationP95Millis")).as("nearest rank of 10..200").isEqualTo(190L);
            assertThat(r.get("latencyLimitMillis")).isEqualTo(row[1]);
            assertThat(r.get("syntheticSamples")).isEqualTo(20);
            assertThat(r.get("syntheticFailurePercent")).isEqualTo(5.0);
            assertThat(r.get("errorRatePercentMax")).isEqualTo(5.0);
        }
        assertThat(ProbeRounds.rollup(w, 20, T, null).get("verdicts"))
                .isEqualTo(Map.of("FAILED", 1, "INCONCLUSIVE", 1, "ERROR", 1));
    }

    @Test
    void crashesCountRunsEndedWithinTheCrashWindowBeforeTheRoundButNotTheRunTheRestartDrillStopped() {
        Object[][] table = {
                // runs per round (one PROCESS probe per round, 60 s apart), drill at round, expected crashes at the last round
                {new long[] {1, 1, 1}, -1, 0},
                {new long[] {1, 2, 3, 4}, -1, 3},
                {new long[] {1, 2, 2, 2}, 2, 0}, // the drill's kickstart ended run 1
                {new long[] {1, 2, 3, 3}, 2, 1},
                {new long[] {1, 2, 3, 3, 3, 3, 3, 3, 3}, -1, 0}, // both crashes older than 300 s at the last round
        };
        for (Object[] row : table) {
            long[] runs = (long[]) row[0];
            List<ProbeResultRecord> w = new ArrayList<>();
            for (int i = 0; i < runs.length; i++) {
                w.add(runs(i + 1, 60 * i, runs[i], (int) row[1] == i + 1 ? Map.of("restartDrill", "kickstart -k") : Map.of()));
            }
            assertThat(ProbeRounds.rollup(w, runs.length, T, null).get("crashes")).as(java.util.Arrays.toString(runs))
                    .isEqualTo(row[2]);
        }
        List<ProbeResultRecord> stopped = List.of(runs(1, 0, 5, Map.of()),
                probe(2, 5, ProbeLayer.PROCESS, Verdict.FAILED, null, Map.of("runs", "5", "state", "not running",
                        "lastExitCode", "78: EX_CONFIG")));
        assertThat(ProbeRounds.rollup(stopped, 2, T, null).get("crashes")).as("stopped with a non-zero exit").isEqualTo(1);
    }

    @Test
    void diskFreeIsTheLatestReadingAndMissingNumbersStayNull() {
        List<ProbeResultRecord> w = List.of(
                probe(1, 1, ProbeLayer.DISK, Verdict.PASSED, null, Map.of("diskFreePercent", "42.5")),
                probe(2, 2, ProbeLayer.DISK, Verdict.FAILED, null, Map.of("diskFreePercent", "9.5")),
                probe(3, 3, ProbeLayer.DISK, Verdict.ERROR, null, Map.of()));
        Map<String, Object> r = ProbeRounds.rollup(w, 3, T, null);
        assertThat(r.get("diskFreePercent")).isEqualTo(9.5);
        assertThat(r.get("diskFreeMinPercent")).isEqualTo(10.0);
        assertThat(r.get("integrationP95Millis")).isNull();
        assertThat(r.get("syntheticFailurePercent")).isNull();
        assertThat(r.get("crashes")).isEqualTo(0);
        assertThat(r.get("layers")).isEqualTo(Map.of(ProbeLayer.DISK, "ERROR"));
    }
}
