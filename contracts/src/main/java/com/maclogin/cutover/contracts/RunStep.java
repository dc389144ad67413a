package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Command: run one step on one lease. Published to {@code cutover.steps.<region>}, keyed by lease id.
 *
 * @param epoch          fencing epoch of the cutover; a worker refuses a command older than one it has applied
 * @param kind           the step; equals {@code command.kind()} (the worker refuses a command of another kind)
 * @param attempt        1 for the first try, incremented on retry
 * @param idempotencyKey {@code cutoverId:kind:attempt}; a re-delivered command with a key already applied is answered
 *                       from the worker's record without touching the lease again
 * @param replyTo        topic for the {@link StepResult}; one of the reply topics of {@link Topics}
 * @param target         not believed, may be null: the worker reaches the lease registered under {@code leaseId} in
 *                       its region's lease registry ({@link LeaseRegistration}) and refuses a lease it does not know
 * @param command        what the step needs, typed per kind ({@link StepCommand})
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
        StepCommand command,
        Instant deadline) implements CutoverMessage {

    public static String idempotencyKey(String cutoverId, StepKind kind, int attempt) {
        return cutoverId + ":" + kind + ":" + attempt;
    }

    /** The command as {@code type}, or {@code null} when the step carries none or one of another kind. */
    public <T extends StepCommand> T command(Class<T> type) {
        return type.isInstance(command) ? type.cast(command) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this command's values, to change a few. */
    public Builder toBuilder() {
        return new Builder().messageId(messageId).cutoverId(cutoverId).leaseId(leaseId).timestamp(timestamp)
                .schemaVersion(schemaVersion).epoch(epoch).kind(kind).attempt(attempt).idempotencyKey(idempotencyKey)
                .replyTo(replyTo).target(target).command(command).deadline(deadline);
    }

    /**
     * Builds a {@link RunStep}. Left unset: {@code messageId} a random UUID, {@code timestamp} now,
     * {@code schemaVersion} this build's, {@code attempt} 1, {@code kind} the command's, {@code idempotencyKey}
     * {@code cutoverId:kind:attempt}.
     */
    public static final class Builder {
        private String messageId;
        private String cutoverId;
        private String leaseId;
        private Instant timestamp;
        private int schemaVersion = SCHEMA_VERSION;
        private long epoch;
        private StepKind kind;
        private int attempt = 1;
        private String idempotencyKey;
        private String replyTo;
        private LeaseTarget target;
        private StepCommand command;
        private Instant deadline;

        private Builder() {
        }

        public Builder messageId(String v) {
            messageId = v;
            return this;
        }

        public Builder cutoverId(String v) {
            cutoverId = v;
            return this;
        }

        public Builder leaseId(String v) {
            leaseId = v;
            return this;
        }

        public Builder timestamp(Instant v) {
            timestamp = v;
            return this;
        }

        public Builder schemaVersion(int v) {
            schemaVersion = v;
            return this;
        }

        public Builder epoch(long v) {
            epoch = v;
            return this;
        }

        public Builder kind(StepKind v) {
            kind = v;
            return this;
        }

        public Builder attempt(int v) {
            attempt = v;
            return this;
        }

        public Builder idempotencyKey(String v) {
            idempotencyKey = v;
            return this;
        }

        public Builder replyTo(String v) {
            replyTo = v;
            return this;
        }

        public Builder target(LeaseTarget v) {
            target = v;
            return this;
        }

        public Builder command(StepCommand v) {
            command = v;
            return this;
        }

        public Builder deadline(Instant v) {
            deadline = v;
            return this;
        }

        public RunStep build() {
            StepKind k = kind != null ? kind : command != null ? command.kind() : null;
            return new RunStep(messageId != null ? messageId : UUID.randomUUID().toString(), cutoverId, leaseId,
                    timestamp != null ? timestamp : Instant.now(), schemaVersion, epoch, k, attempt,
                    idempotencyKey != null ? idempotencyKey : RunStep.idempotencyKey(cutoverId, k, attempt), replyTo, target,
                    command, deadline);
        }
    }
}
