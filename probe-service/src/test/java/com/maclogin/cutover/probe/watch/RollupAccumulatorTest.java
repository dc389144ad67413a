package com.maclogin.cutover.probe.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.contracts.WatchLayerCounts;
import com.maclogin.cutover.contracts.WatchRollup;
import java.time.Instant;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The per-minute roll-up of a lease's watch rounds (pure, no container). */
class RollupAccumulatorTest {

    static final Instant MINUTE = Instant.parse("2026-12-06T06:00:00Z");

    @Test
    void aMinuteOfRoundsRollsUpToCountsPerLayerPercentilesMinimaAndRestarts() {
        RollupAccumulator a = new RollupAccumulator(7L);
        for (int i = 1; i <= 100; i++) {
            a.round();
            a.verdict(ProbeLayer.PROCESS, Verdict.PASSED);
            a.verdict(ProbeLayer.APPLICATION, i % 10 == 0 ? Verdict.FAILED : Verdict.PASSED);
            a.verdict(ProbeLayer.DISK, i == 50 ? Verdict.ERROR : Verdict.PASSED);
            a.latencyMillis(i); // 1..100 ms
            a.diskFreePercent(60 - i % 7);
            a.certDaysLeft(40 - i % 3);
        }
        a.runs(7);
        a.runs(9); // two restarts
        a.runs(9);
        WatchRollup r = a.rollup(MINUTE);

        assertThat(r.minuteStart()).isEqualTo(MINUTE);
        assertThat(r.rounds()).isEqualTo(100);
        assertThat(r.layers()).containsExactly(new WatchLayerCounts(ProbeLayer.PROCESS, 100, 0, 0, 0),
                new WatchLayerCounts(ProbeLayer.APPLICATION, 90, 10, 0, 0),
                new WatchLayerCounts(ProbeLayer.DISK, 99, 0, 1, 0));
        assertThat(r.latencySamples()).isEqualTo(100);
        assertThat(r.latencyP50Millis()).isEqualTo(50);
        assertThat(r.latencyP95Millis()).isEqualTo(95);
        assertThat(r.latencyP99Millis()).isEqualTo(99);
        assertThat(r.latencyMaxMillis()).isEqualTo(100);
        assertThat(r.diskFreePercent()).isEqualTo(54.0);
        assertThat(r.certDaysLeft()).isEqualTo(38);
        assertThat(r.processRuns()).isEqualTo(9);
        assertThat(r.processRestarts()).isEqualTo(2);
        assertThat(a.lastRuns()).isEqualTo(9L);
    }

    @Test
    void theEncodedHistogramDecodesToTheSameCountsAndMinutesAddUp() {
        RollupAccumulator first = new RollupAccumulator(null);
        RollupAccumulator second = new RollupAccumulator(null);
        for (int i = 0; i < 1000; i++) {
            first.latencyMillis(10 + i % 40);
            second.latencyMillis(2000 + i);
        }
        Histogram a = RollupAccumulator.decode(first.rollup(MINUTE).latencyHistogram());
        Histogram b = RollupAccumulator.decode(second.rollup(MINUTE.plusSeconds(60)).latencyHistogram());
        assertThat(a.getTotalCount()).isEqualTo(1000);
        assertThat(a.getValueAtPercentile(50)).isEqualTo(first.rollup(MINUTE).latencyP50Millis());
        assertThat(a.getMaxValue()).isBetween(49L, 50L);
        a.add(b);
        assertThat(a.getTotalCount()).isEqualTo(2000);
        assertThat(a.getValueAtPercentile(75)).isBetween(2480L, 2520L);
    }

    @Test
    void aMinuteWithoutSamplesHasNoHistogramAndARunCounterResetIsNoRestart() {
        RollupAccumulator a = new RollupAccumulator(12L);
        a.round();
        a.runs(1); // booted out and loaded again: the counter starts over
        WatchRollup r = a.rollup(MINUTE);
        assertThat(r.latencyHistogram()).isNull();
        assertThat(r.latencySamples()).isZero();
        assertThat(r.latencyP95Millis()).isNull();
        assertThat(r.certDaysLeft()).isNull();
        assertThat(r.diskFreePercent()).isNull();
        assertThat(r.processRestarts()).isZero();
        assertThat(r.processRuns()).isEqualTo(1);
    }

    @Test
    void theRunCounterCallsTwoRespawnsWithinTheWindowACrashLoopButNotTwoFarApart() {
        RunCounter c = new RunCounter(600_000);
        assertThat(c.record(0, 1)).isZero();
        assertThat(c.record(30_000, 2)).isEqualTo(1);
        assertThat(c.record(60_000, 3)).isEqualTo(2);
        RunCounter slow = new RunCounter(600_000);
        slow.record(0, 1);
        slow.record(400_000, 2);
        assertThat(slow.record(900_000, 3)).isEqualTo(1); // the first respawn left the window
        assertThat(slow.record(950_000, 1)).isZero(); // reset: a new history
    }
}
