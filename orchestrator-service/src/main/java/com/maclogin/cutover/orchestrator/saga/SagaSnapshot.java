package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.orchestrator.CutoverState;
import java.time.Duration;
import java.time.Instant;

/**
 * The part of a cutover the saga decides on: state, the saga step (sent or in flight), the idempotency key of the
 * command in flight (null when none), the step resume sends, the fencing epoch, whether a canary was requested, and
 * the saga data of earlier steps.
 */
public record SagaSnapshot(CutoverState state, String currentStep, String inFlightKey, String resumeStep, long epoch,
        boolean canary, SagaData data, AfterGreen afterGreen) {

    /**
     * What decides whether a GREEN cutover can still be rolled back: when it ended, the id of a later cutover on the
     * same lease (null when none), and how long the rollback kit is kept. Null for a cutover that is not GREEN.
     */
    public record AfterGreen(Instant endedAt, String laterCutoverId, Duration retention) {
    }

    public SagaSnapshot(CutoverState state, String currentStep, String inFlightKey, String resumeStep, long epoch,
            boolean canary, SagaData data) {
        this(state, currentStep, inFlightKey, resumeStep, epoch, canary, data, null);
    }

    public boolean inFlight() {
        return inFlightKey != null;
    }
}
