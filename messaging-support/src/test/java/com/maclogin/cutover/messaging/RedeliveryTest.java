package com.maclogin.cutover.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RedeliveryTest {

    @Test
    void aHandlerThatFailsTwiceIsRetriedUntilItCommits() {
        AtomicInteger calls = new AtomicInteger();
        int attempts = Redelivery.untilCommitted("test message", Duration.ofSeconds(10), () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("duplicate key value violates unique constraint");
            }
        });
        assertThat(attempts).isEqualTo(3);
        assertThat(calls).hasValue(3);
    }

    @Test
    void aHandlerThatKeepsFailingPropagatesItsExceptionAfterThePatienceRunsOut() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Redelivery.untilCommitted("poison", Duration.ofMillis(350), () -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("poison");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("poison");
        // 100 + 200 ms of backoff fit in 350 ms, the next 400 ms does not: at most three attempts, never an endless loop.
        // A loaded machine only oversleeps, so the bound holds; it may leave room for two attempts only (seen at -T 3)
        assertThat(calls.get()).isBetween(2, 3);
    }

    @Test
    void aCheckedExceptionIsWrappedNotSwallowed() {
        assertThatThrownBy(() -> Redelivery.untilCommitted("checked", Duration.ZERO, () -> {
            throw new IOException("disk");
        })).isInstanceOf(IllegalStateException.class).hasRootCauseMessage("disk");
    }

    @Test
    void theWarningNamesTheRootCauseOnItsFirstLineOnly() {
        Exception e = new RuntimeException("outer", new IllegalStateException("ERROR: duplicate key\n  Detail: secret-ish"));
        assertThat(Redelivery.rootMessage(e)).isEqualTo("IllegalStateException: ERROR: duplicate key");
    }
}
