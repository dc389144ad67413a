package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.orchestrator.CutoverState;

/**
 * The part of a cutover the saga decides on: state, the saga step (sent or in flight), the idempotency key of the
 * command in flight (null when none), the step resume sends, the fencing epoch, whether a canary was requested, and
 * the saga data of earlier steps.
 */
public record SagaSnapshot(CutoverState state, String currentStep, String inFlightKey, String resumeStep, long epoch,
        boolean canary, SagaData data) {

    public boolean inFlight() {
        return inFlightKey != null;
    }
}
