package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.TriggerAction;
import java.time.Instant;
import java.util.List;

/**
 * Everything that can move a cutover, as the saga sees it. The engine turns a Kafka record, an operator request or a
 * passed deadline into one of these and hands it to {@link CutoverSaga#decide}.
 */
public sealed interface SagaInput {

    /** A new cutover was stored: it starts PENDING at epoch 1. */
    record Requested() implements SagaInput {
    }

    /** The stored cutover's first command (INVENTORY) is sent. */
    record Begin(String actor) implements SagaInput {
    }

    /** The outbox relay handed a step's command to Kafka. */
    record Dispatched(String step) implements SagaInput {
    }

    /**
     * A step's result (or its deadline passed: outcome TIMED_OUT). {@code open}: the result's step row exists, is still
     * waiting for a result, and the result has an outcome. {@code gates} are the verdicts the engine evaluated
     * for a successful INVENTORY (inventory gates) or INSTALL_CANDIDATE (candidate engines gate); empty otherwise.
     * {@code data}: what the result adds to the saga data (INVENTORY hashes and versions, SNAPSHOT's state archive).
     */
    record StepFinished(String step, String messageId, String idempotencyKey, long epoch, boolean open,
            StepOutcome outcome, String reason,
            List<GateVerdict> gates, SagaData data, String actor) implements SagaInput {

        public StepFinished {
            gates = gates == null ? List.of() : List.copyOf(gates);
        }
    }

    /** A worker's ThresholdBreached: {@code detail} is the audited description with the numbers. */
    record Breach(String messageId, long epoch, String trigger, TriggerAction action, String observed, String detail,
            String actor) implements SagaInput {
    }

    /** Operator pause: the step in flight finishes, the next one waits. */
    record Pause(String actor, String reason) implements SagaInput {
    }

    /** Operator resume of a PAUSED cutover. */
    record Resume(String actor, String reason) implements SagaInput {
    }

    /** Operator abort (before the plist flip). */
    record Abort(String actor, String reason) implements SagaInput {
    }

    /** Operator rollback (after the inventory gate, or of the lease's latest GREEN cutover), requested {@code at}. */
    record Rollback(String actor, String reason, Instant at) implements SagaInput {

        public Rollback(String actor, String reason) {
            this(actor, reason, Instant.now());
        }
    }

    /** Operator: lift the freeze marker an ended cutover left on its lease (a failed UNFREEZE, a failed rollback). */
    record LiftFreeze(String actor, String reason) implements SagaInput {
    }

    /** rollback-service's outcome (CutoverEvent ROLLED_BACK or ROLLBACK_FAILED). */
    record RollbackOutcome(String messageId, long epoch, boolean rolledBack, String reason, Instant endedAt)
            implements SagaInput {
    }
}
