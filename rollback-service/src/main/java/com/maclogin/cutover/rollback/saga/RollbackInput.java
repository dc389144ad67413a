package com.maclogin.cutover.rollback.saga;

import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import java.time.Instant;

/**
 * Everything that can move a rollback, as {@link RollbackSaga#decide} sees it. Each carries the time the engine took it
 * at (the saga reads no clock).
 */
public sealed interface RollbackInput {

    Instant at();

    /** {@code cutover.rollbacks}: the orchestrator asks for a rollback (operator, or a step failed after the flip). */
    record RequestReceived(RollbackRequested request, Instant at) implements RollbackInput {
    }

    /** {@code cutover.breaches}: a regional worker's trigger tripped. */
    record BreachReceived(ThresholdBreached breach, Instant at) implements RollbackInput {
    }

    /** {@code rollback.step-results}: the worker answered a command. */
    record StepFinished(StepResult result, Instant at) implements RollbackInput {
    }

    /** The watchdog: the outstanding command may be past its deadline + grace ({@code cutoff}). */
    record DeadlinePassed(String cutoverId, Instant cutoff, Instant at) implements RollbackInput {
    }
}
