package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.orchestrator.CutoverState;
import java.time.Instant;
import java.util.List;

/**
 * What {@link CutoverSaga#decide} asks the engine to do, in order. The engine applies each one to the locked cutover
 * row inside the caller's transaction; {@link SetState} is the only way a cutover's state changes.
 */
public sealed interface SagaEffect {

    /** The cutover's new state. */
    record SetState(CutoverState state) implements SagaEffect {
    }

    /** The cutover's reason (shown in the API and the incident). */
    record SetReason(String reason) implements SagaEffect {
    }

    /** The cutover ended now, or at {@code at} when given. */
    record End(Instant at) implements SagaEffect {
    }

    /** The cutover is active again (a rollback after GREEN): it has no end time until the rollback's outcome. */
    record Reopen() implements SagaEffect {
    }

    /** Fences commands: the cutover's epoch becomes {@code epoch}. */
    record SetEpoch(long epoch) implements SagaEffect {
    }

    /** The step in flight no longer counts (its row is marked SUPERSEDED; its result, if any, is ignored). */
    record SupersedeInFlight() implements SagaEffect {
    }

    /** The step resume sends while PAUSED with nothing in flight; null clears it. */
    record SetResumeStep(String step) implements SagaEffect {
    }

    /** Writes the step's RunStep into the outbox and makes it the step in flight. */
    record SendStep(String step, String actor) implements SagaEffect {
    }

    /** Runs the local COMMUNICATE step (a step row without a worker command). */
    record RunLocalStep(String step) implements SagaEffect {
    }

    /** A lifecycle CutoverEvent through the outbox. */
    record PublishEvent(CutoverEventType type, String reason) implements SagaEffect {
    }

    /** A RollbackRequested to rollback-service through the outbox, with the hashes of the saga data. */
    record RequestRollback(String requestedBy, String reason) implements SagaEffect {
    }

    /** Stores the inventory gates' (or the candidate gate's) verdicts as evidence of the step and in the audit. */
    record RecordGates(List<GateVerdict> verdicts) implements SagaEffect {
    }

    /** Merges what a step reported into the saga data; {@code gatesPassed}: also the gate pass (previous version, started at). */
    record RecordData(SagaData data, boolean gatesPassed) implements SagaEffect {
    }

    /**
     * The step result passed the fencing (its epoch is current and it answers the command in flight): the engine stores
     * it on the step row and the step is no longer in flight.
     */
    record RecordResult() implements SagaEffect {
    }

    /** One audit line. */
    record Audit(String actor, String action, String detail, String ref) implements SagaEffect {

        public Audit(String actor, String action, String detail) {
            this(actor, action, detail, null);
        }
    }

    /** The operator's request is not allowed in this state: a 409 with this reason, nothing else happens. */
    record Refuse(String reason) implements SagaEffect {
    }
}
