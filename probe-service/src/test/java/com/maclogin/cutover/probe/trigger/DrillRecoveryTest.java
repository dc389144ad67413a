package com.maclogin.cutover.probe.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.TriggerThresholds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillRecoveryTest {

    private static final Instant KICK = Instant.parse("2026-09-30T10:00:00Z");

    private static Instant at(long millis) {
        return KICK.plusMillis(millis);
    }

    @Test
    void theRecoveryRunsFromTheKickstartUntilReadyPlusTheSettlePeriodTable() {
        DrillRecovery r = new DrillRecovery(KICK, Duration.ofSeconds(60), Duration.ofSeconds(10));
        record Row(String name, long millis, boolean covered) {
        }
        List<Row> beforeReady = List.of(new Row("a probe before the kickstart", -1, false),
                new Row("the kickstart itself", 0, true), new Row("while starting, however long", 59_000, true));
        for (Row row : beforeReady) {
            assertThat(r.covers(at(row.millis()))).as(row.name()).isEqualTo(row.covered());
        }
        assertThat(r.waitingForReady()).isTrue();
        assertThat(r.recoveredMillis()).isEmpty();

        r.ready(at(1_500));
        r.ready(at(4_000)); // only the first /readyz 200 counts
        assertThat(r.waitingForReady()).isFalse();
        assertThat(r.recoveredMillis()).hasValue(1_500L);
        List<Row> afterReady = List.of(new Row("the ready probe", 1_500, true),
                new Row("slow first answers within the settle period", 11_499, true),
                new Row("settled", 11_500, false), new Row("later", 30_000, false));
        for (Row row : afterReady) {
            assertThat(r.covers(at(row.millis()))).as(row.name()).isEqualTo(row.covered());
        }
    }

    @Test
    void theSettlePeriodEndsAtTheFirstNormalSyntheticAnswerTable() {
        record Row(String name, long millis, boolean passed, Long latency, long probeAt, boolean covered) {
        }
        for (Row row : List.of(
                new Row("slow first answer: still recovering", 2_000, true, 2_000L, 2_001, true),
                new Row("a failed answer does not settle it", 2_000, false, 30L, 2_001, true),
                new Row("an answer within the normal latency settles it; that probe is the first one after it", 2_000,
                        true, 900L, 2_000, false),
                new Row("exactly the normal latency settles it", 2_000, true, 1_000L, 2_500, false),
                new Row("an answer before /readyz 200 does not settle it", 1_000, true, 30L, 1_200, true))) {
            DrillRecovery r = new DrillRecovery(KICK, Duration.ofSeconds(60), Duration.ofSeconds(10), 1_000);
            r.synthetic(at(1_000), true, 20L); // before ready: ignored
            r.ready(at(1_500));
            r.synthetic(at(row.millis()), row.passed(), row.latency());
            assertThat(r.covers(at(row.probeAt()))).as(row.name()).isEqualTo(row.covered());
        }
        DrillRecovery timeOnly = new DrillRecovery(KICK, Duration.ofSeconds(60), Duration.ofSeconds(10));
        timeOnly.ready(at(1_500));
        timeOnly.synthetic(at(2_000), true, 1L);
        assertThat(timeOnly.covers(at(11_000))).as("without a normal latency only time ends it").isTrue();
    }

    @Test
    void theNormalLatencyIsWhatLatencyAcceptsOrTheSlowerP95BeforeTheDrillTable() {
        TriggerThresholds p = TriggerThresholds.playbook();
        assertThat(DrillRecovery.normalLatencyMillis(50.0, p, 40L)).as("5 x max(50, floor 200)").isEqualTo(1_000);
        assertThat(DrillRecovery.normalLatencyMillis(2_000.0, p, null)).as("capped by the 5 s absolute limit")
                .isEqualTo(5_000);
        assertThat(DrillRecovery.normalLatencyMillis(null, p, null)).as("no baseline: the absolute limit")
                .isEqualTo(5_000);
        assertThat(DrillRecovery.normalLatencyMillis(50.0, p, 4_500L))
                .as("a candidate already slow before the restart is not excused by it").isEqualTo(4_500);
    }

    @Test
    void theDrillsOwnLimitIsOverdueOnlyWhileNotReady() {
        DrillRecovery r = new DrillRecovery(KICK, Duration.ofSeconds(20), Duration.ofSeconds(10));
        assertThat(r.overdue(at(20_000))).as("at the limit").isFalse();
        assertThat(r.overdue(at(20_001))).as("past the limit, never ready").isTrue();
        r.ready(at(19_000));
        assertThat(r.overdue(at(60_000))).as("ready in time").isFalse();

        DrillRecovery early = new DrillRecovery(KICK, Duration.ofSeconds(20), Duration.ofSeconds(10));
        early.ready(at(-5));
        assertThat(early.waitingForReady()).as("a ready answer from before the kickstart is the old run's").isTrue();
    }
}
