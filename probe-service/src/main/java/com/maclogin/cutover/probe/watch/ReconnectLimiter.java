package com.maclogin.cutover.probe.watch;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The worker's limit on SSH (re)connects of the watch: a token bucket of {@code ratePerSecond} tokens per second
 * holding at most {@code burst}, shared by every lease, so a region-wide network blip that drops all connections
 * at once does not turn into a reconnect storm against the leases, the bastions and this worker's CPU (every
 * handshake is a key exchange); and, per lease, the delay after an SSH failure: full jitter over an exponential
 * backoff ({@code random * min(cap, initial * 2^(failures-1))}), so the leases of one blip come back spread out.
 * Times are nanoseconds of a clock the caller supplies (a fake one in tests). Thread-safe.
 */
public final class ReconnectLimiter {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    public ReconnectLimiter(double ratePerSecond, double burst, long nowNanos) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes a token if one is there (never waits). */
    public synchronized boolean tryAcquire(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Tokens available now (for tests and the readiness data). */
    public synchronized double available(long nowNanos) {
        refill(nowNanos);
        return tokens;
    }

    private void refill(long nowNanos) {
        if (nowNanos > last) {
            tokens = Math.min(burst, tokens + (nowNanos - last) * ratePerNano);
            last = nowNanos;
        }
    }

    /**
     * The delay before the next connect attempt of a lease after {@code failures} consecutive SSH failures (>= 1):
     * full jitter, {@code random * min(max, initial * 2^(failures - 1))}.
     */
    public static Duration backoff(int failures, Duration initial, Duration max, DoubleSupplier random) {
        int shift = Math.max(0, Math.min(30, failures - 1));
        long ceiling = Math.min(max.toMillis(), initial.toMillis() * (1L << shift));
        return Duration.ofMillis((long) Math.floor(random.getAsDouble() * ceiling));
    }
}
