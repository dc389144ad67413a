package com.maclogin.cutover.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    @ParameterizedTest(name = "attempt {0}, retryAfter {1}s -> {2} ms")
    @CsvSource({
            "1, , 2000",
            "2, , 4000",
            "3, , 8000",
            "9, , 300000",   // capped at max
            "40, , 300000",  // no overflow
            "1, 1, 1000",    // the API's Retry-After wins
            "5, 7, 7000"})
    void delayDoublesFromInitialUpToMaxUnlessTheApiSaidHowLong(int attempts, Long retryAfterSeconds, long expectedMillis) {
        Duration retryAfter = retryAfterSeconds == null ? null : Duration.ofSeconds(retryAfterSeconds);
        assertThat(Backoff.delay(attempts, retryAfter, Duration.ofSeconds(2), Duration.ofMinutes(5)))
                .isEqualTo(Duration.ofMillis(expectedMillis));
    }
}
