package com.maclogin.cutover.contracts;

import java.time.Instant;

/**
 * Command: run one step on one lease. Published to {@code cutover.steps.<region>}, keyed by lease id.
 *
 * @param epoch          fencing epoch of the cutover; a worker refuses a command older than one it has applied
 * @param attempt        1 for the first try, incremented on retry
 * @param idempotencyKey {@code cutoverId:kind:attempt}; a re-delivered command with a key already applied is answered
 *                       from the worker's record without touching the lease again
 * @param replyTo        topic for the {@link StepResult}; one of the reply topics of {@link Topics}
 * @param deadline       the worker answers {@link StepOutcome#TIMED_OUT} rather than run past this instant
 */
public record RunStep(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        StepKind kind,
        int attempt,
        String idempotencyKey,
        String replyTo,
        LeaseTarget target,
        StepParameters parameters,
        Instant deadline) implements CutoverMessage {

    public static String idempotencyKey(String cutoverId, StepKind kind, int attempt) {
        return cutoverId + ":" + kind + ":" + attempt;
    }
}
