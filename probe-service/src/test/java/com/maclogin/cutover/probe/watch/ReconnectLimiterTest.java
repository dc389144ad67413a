package com.maclogin.cutover.probe.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reconnect token bucket and the full-jitter backoff, with a fake clock (pure). */
class ReconnectLimiterTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void twoThousandReconnectsAtOnceGoThroughAtTheConfiguredRate() {
        ReconnectLimiter l = new ReconnectLimiter(50, 50, 0);
        int waiting = 2000;
        long now = 0;
        long lastGranted = 0;
        while (waiting > 0) {
            while (waiting > 0 && l.tryAcquire(now)) {
                waiting--;
                lastGranted = now;
            }
            now += SECOND / 100; // the scheduler looks every 10 ms
        }
        // burst of 50, then 50/s: the 2000th reconnect after about (2000 - 50) / 50 = 39 s
        assertThat(lastGranted).isBetween(38 * SECOND, 40 * SECOND);
    }

    @Test
    void theBucketNeverHoldsMoreThanItsBurst() {
        ReconnectLimiter l = new ReconnectLimiter(10, 5, 0);
        assertThat(l.available(3600 * SECOND)).isEqualTo(5.0);
        int granted = 0;
        while (l.tryAcquire(3600 * SECOND)) {
            granted++;
        }
        assertThat(granted).isEqualTo(5);
    }

    @Test
    void theBackoffIsFullJitterUnderAnExponentialCeilingWithACap() {
        Random r = new Random(7);
        Duration initial = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(60);
        for (int failures = 1; failures <= 12; failures++) {
            long ceiling = Math.min(60_000, 1000L << (failures - 1));
            long lo = Long.MAX_VALUE;
            long hi = 0;
            for (int i = 0; i < 500; i++) {
                long d = ReconnectLimiter.backoff(failures, initial, max, r::nextDouble).toMillis();
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
            assertThat(hi).isLessThan(ceiling);
            assertThat(lo).isLessThan(ceiling / 10); // full jitter: down to about zero
            assertThat(hi).isGreaterThan(ceiling * 8 / 10);
        }
        assertThat(ReconnectLimiter.backoff(40, initial, max, () -> 0.999).toMillis()).isBetween(59_000L, 60_000L);
    }
}
