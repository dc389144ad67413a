package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.StepKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransientRetryTest {

    private static final Duration INITIAL = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(10);

    @Test
    void backoffTable() {
        record Case(String name, int retry, long remainingMillis, int maxAttempts, boolean untilDeadline, double jitter,
                double random, Long expectedMillis) {
        }
        for (Case c : List.of(
                new Case("first retry: the initial backoff", 1, 60_000, 5, false, 0.5, 0.0, 500L),
                new Case("doubled per retry", 3, 60_000, 5, false, 0.0, 0.7, 2_000L),
                new Case("jitter shortens by up to its share", 3, 60_000, 5, false, 0.5, 1.0, 1_000L),
                new Case("capped at the maximum", 9, 60_000, 5, true, 0.0, 0.0, 10_000L),
                new Case("max-attempts tries made: no retry", 5, 60_000, 5, false, 0.0, 0.0, null),
                new Case("the last retry max-attempts allows", 4, 60_000, 5, false, 0.0, 0.0, 4_000L),
                new Case("clean-up steps retry past max-attempts", 40, 60_000, 5, true, 0.0, 0.0, 10_000L),
                new Case("never past the deadline: the pause leaves the initial backoff for the try", 4, 3_000, 5,
                        false, 0.0, 0.0, 2_500L),
                new Case("too little time left for another try", 1, 500, 5, true, 0.0, 0.0, null),
                new Case("no time left", 1, -1, 5, true, 0.0, 0.0, null))) {
            Optional<Duration> d = TransientRetry.backoff(c.retry(), Duration.ofMillis(c.remainingMillis()),
                    c.maxAttempts(), c.untilDeadline(), INITIAL, MAX, c.jitter(), c.random());
            assertThat(d.map(Duration::toMillis).orElse(null)).as(c.name()).isEqualTo(c.expectedMillis());
        }
    }

    @Test
    void readOnlyStepsRetryTheCommandLedgerRepeatableStepsTheWholeStepAndCleanUpStepsAreAmongThem() {
        assertThat(TransientRetry.scope(StepKind.INVENTORY)).isEqualTo(TransientRetry.Scope.COMMAND);
        assertThat(TransientRetry.scope(StepKind.VALIDATE)).isEqualTo(TransientRetry.Scope.COMMAND);
        for (StepKind k : List.of(StepKind.FREEZE, StepKind.SNAPSHOT, StepKind.INSTALL_CANDIDATE, StepKind.FLIP_PLIST,
                StepKind.RELOAD, StepKind.RESTORE, StepKind.UNFREEZE)) {
            assertThat(TransientRetry.scope(k)).as(k.name()).isEqualTo(TransientRetry.Scope.STEP);
        }
        assertThat(TransientRetry.scope(StepKind.PARALLEL_RUN)).isEqualTo(TransientRetry.Scope.NONE);
        assertThat(TransientRetry.CLEANUP).containsExactlyInAnyOrder(StepKind.UNFREEZE, StepKind.RESTORE);
    }
}
