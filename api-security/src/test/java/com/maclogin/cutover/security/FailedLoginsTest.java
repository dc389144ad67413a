package com.maclogin.cutover.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Plain JUnit with a settable clock (no Quarkus): the slow-down's window arithmetic. */
class FailedLoginsTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-06T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theTenthFailureWithinAMinuteSlowsTheAddressDownUntilTheWindowEndsOtherAddressesAreNotAffected() {
        MovableClock clock = new MovableClock();
        FailedLogins f = new FailedLogins(10, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 9; i++) {
            f.failed("10.0.0.1");
        }
        assertThat(f.retryAfterSeconds("10.0.0.1")).isEmpty();
        clock.now = clock.now.plusSeconds(20);
        f.failed("10.0.0.1");
        assertThat(f.retryAfterSeconds("10.0.0.1")).hasValue(40);
        assertThat(f.retryAfterSeconds("10.0.0.2")).isEmpty();
        clock.now = clock.now.plusSeconds(40);
        assertThat(f.retryAfterSeconds("10.0.0.1")).isEmpty();
        f.failed("10.0.0.1");
        assertThat(f.retryAfterSeconds("10.0.0.1")).isEmpty();
    }
}
