package com.maclogin.cutover.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications (401) per client address in a fixed window: after {@code api.auth.failures.limit}
 * failures within {@code api.auth.failures.window} the address gets 429 with {@code Retry-After} until the window ends.
 * At most {@link #MAX_ADDRESSES} addresses are tracked; expired windows are dropped first.
 */
@ApplicationScoped
public class FailedLogins {

    static final int MAX_ADDRESSES = 10_000;

    private record Window(Instant start, int failures) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final int limit;
    private final Duration window;
    private final Clock clock;

    @Inject
    public FailedLogins(AuthConfig config) {
        this(config.failures().limit(), config.failures().window(), Clock.systemUTC());
    }

    FailedLogins(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Counts one failed authentication from {@code address}. */
    public void failed(String address) {
        Instant now = clock.instant();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
            if (windows.size() >= MAX_ADDRESSES) {
                windows.clear();
            }
        }
        windows.compute(address, (k, w) -> w == null || !now.isBefore(w.start().plus(window))
                ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }

    /** Seconds until {@code address} may try again, or empty when it is not slowed down. */
    public OptionalLong retryAfterSeconds(String address) {
        Window w = windows.get(address);
        if (w == null || w.failures() < limit) {
            return OptionalLong.empty();
        }
        Duration left = Duration.between(clock.instant(), w.start().plus(window));
        if (left.isNegative() || left.isZero()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (left.toMillis() + 999) / 1000));
    }
}
