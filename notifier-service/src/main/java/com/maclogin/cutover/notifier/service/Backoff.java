package com.maclogin.cutover.notifier.service;

import java.time.Duration;

/** Retry delays: what the API asked for (429 Retry-After / retry_after), else exponential from the initial delay. */
public final class Backoff {

    private Backoff() {
    }

    /**
     * @param attempts attempts made so far (1 after the first failure)
     * @param retryAfter the API's own wait, or null
     */
    public static Duration delay(int attempts, Duration retryAfter, Duration initial, Duration max) {
        if (retryAfter != null) {
            return retryAfter;
        }
        int doublings = Math.max(0, Math.min(attempts - 1, 30));
        long millis = initial.toMillis() << doublings;
        if (millis <= 0 || millis > max.toMillis()) {
            return max;
        }
        return Duration.ofMillis(millis);
    }
}
