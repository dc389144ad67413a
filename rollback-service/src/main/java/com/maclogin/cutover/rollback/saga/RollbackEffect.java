package com.maclogin.cutover.rollback.saga;

import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.rollback.RollbackState;
import java.util.List;

/**
 * What {@link RollbackSaga#decide} asks the engine ({@code service/RollbackService}) to do, in list order; each one sees
 * the row as the effects before it left it. {@link SetState} writes what the saga decided; {@link SendStep} also
 * records the command it sends as the outstanding one.
 */
public sealed interface RollbackEffect {

    /** Write the rollback row from this snapshot (insert it when the cutover has none). */
    record SetState(RollbackSnapshot next) implements RollbackEffect {
    }

    /**
     * Send RESTORE or VALIDATE for the row as it stands: build the command from it, record it as the outstanding
     * command (step, id, idempotency key, deadline), write it to the outbox, audit {@code <KIND>_SENT}.
     */
    record SendStep(StepKind kind) implements RollbackEffect {
    }

    /** Write a CutoverEvent about the row as it stands to the outbox ({@code cutover.events}). */
    record PublishEvent(CutoverEventType type, String reason) implements RollbackEffect {
    }

    /** One audit line about the row as it stands (its state, epoch, attempt and hashes). */
    record Audit(String action, RollbackState from, StepKind kind, StepOutcome outcome, String messageId,
                 String detail) implements RollbackEffect {
    }

    /**
     * One audit line about a message at its own epoch and attempt, which did not move the rollback; the row, if
     * the cutover has one, is its context (state, hashes).
     */
    record AuditMessage(String cutoverId, String leaseId, long epoch, Integer attempt, String action,
                        StepKind kind, StepOutcome outcome, String messageId, String detail)
            implements RollbackEffect {
    }

    /** Increment a counter. {@code tags}: name, value, name, value, ... */
    record Count(String meter, List<String> tags) implements RollbackEffect {
    }

    /** One log line (it names the cutover and the lease). */
    record LogLine(Level level, String message) implements RollbackEffect {

        public enum Level { INFO, WARN, ERROR }
    }
}
