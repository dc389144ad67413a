package com.maclogin.cutover.probe.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The watch schedule with a fake clock: jittered first rounds, fixed rate, lateness, no burst after a stall. */
class WatchScheduleTest {

    @Test
    void leasesAddedAtOnceSpreadTheirFirstRoundOverOneInterval() {
        Random random = new Random(42);
        WatchSchedule s = new WatchSchedule(random::nextDouble);
        for (int i = 0; i < 2000; i++) {
            s.put("hk-" + i, 30_000, 0);
        }
        int[] perSecond = new int[30];
        for (long now = 0; now < 30_000; now += 10) {
            for (WatchSchedule.Due d : s.due(now)) {
                perSecond[(int) (d.dueAtMillis() / 1000)]++;
            }
        }
        // 2000 leases over 30 s: about 67 per second, none of the seconds a herd
        for (int n : perSecond) {
            assertThat(n).isBetween(35, 105);
        }
        assertThat(java.util.Arrays.stream(perSecond).sum()).isEqualTo(2000);
    }

    @Test
    void roundsAreDueAtAFixedRateAndLatenessIsTheStartMinusTheDueTime() {
        WatchSchedule s = new WatchSchedule(() -> 0.5);
        s.put("hk-1", 5_000, 1_000); // first due at 1000 + 2500
        List<Long> lateness = new ArrayList<>();
        List<Long> dueTimes = new ArrayList<>();
        for (long now = 1_000; now <= 30_000; now += 7) { // a scheduler that looks every 7 ms
            for (WatchSchedule.Due d : s.due(now)) {
                dueTimes.add(d.dueAtMillis());
                lateness.add(now - d.dueAtMillis());
            }
        }
        assertThat(dueTimes).containsExactly(3_500L, 8_500L, 13_500L, 18_500L, 23_500L, 28_500L);
        assertThat(lateness).allMatch(l -> l >= 0 && l < 7);
        assertThat(s.millisUntilNext(30_000)).isEqualTo(3_500);
    }

    @Test
    void aStalledSchedulerRunsOneLateRoundNotABurstOfMissedOnes() {
        WatchSchedule s = new WatchSchedule(() -> 0.0);
        s.put("hk-1", 1_000, 0);
        assertThat(s.due(0)).hasSize(1);
        List<WatchSchedule.Due> after = s.due(10_400); // stalled 10 s
        assertThat(after).hasSize(1);
        assertThat(after.get(0).dueAtMillis()).isEqualTo(10_000);
        assertThat(s.due(10_999)).isEmpty();
        assertThat(s.due(11_000)).hasSize(1);
    }

    @Test
    void aRemovedLeaseIsNeverDueAndAChangedIntervalTakesEffect() {
        WatchSchedule s = new WatchSchedule(() -> 0.0);
        s.put("hk-1", 1_000, 0);
        s.put("hk-2", 1_000, 0);
        s.remove("hk-1");
        s.put("hk-2", 5_000, 0); // the registration now says 5 s
        Map<String, Integer> rounds = new HashMap<>();
        for (long now = 0; now < 20_000; now += 100) {
            s.due(now).forEach(d -> rounds.merge(d.leaseId(), 1, Integer::sum));
        }
        assertThat(rounds).containsOnlyKeys("hk-2");
        assertThat(rounds.get("hk-2")).isEqualTo(4);
        assertThat(s.size()).isEqualTo(1);
    }
}
