package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reply to a {@link RunStep}, published to the command's {@code replyTo} topic, keyed by lease id.
 *
 * @param commandMessageId the {@link RunStep#messageId()} this answers
 * @param facts            everything the step learnt, by name, as evidence (stored and shown); the names other
 *                         services rely on are {@link StepFacts}
 * @param report           the values other services read, typed ({@link StepReport}); {@code null} for a step kind
 *                         without one or a step that learnt nothing
 * @param evidence         commands run and their output
 * @param workerId         which worker instance ran it
 */
public record StepResult(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        StepKind kind,
        int attempt,
        String idempotencyKey,
        String commandMessageId,
        StepOutcome outcome,
        String reason,
        Map<String, String> facts,
        StepReport report,
        List<Evidence> evidence,
        long durationMillis,
        String workerId) implements CutoverMessage {

    /** The report as {@code type}, or {@code null} when the result has none or one of another kind. */
    public <T extends StepReport> T report(Class<T> type) {
        return type.isInstance(report) ? type.cast(report) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder answering {@code command}: its cutover, lease, epoch, kind, attempt, idempotency key and message id
     * are copied.
     */
    public static Builder answering(RunStep command) {
        return new Builder().cutoverId(command.cutoverId()).leaseId(command.leaseId()).epoch(command.epoch())
                .kind(command.kind()).attempt(command.attempt()).idempotencyKey(command.idempotencyKey())
                .commandMessageId(command.messageId());
    }

    public Builder toBuilder() {
        return new Builder().messageId(messageId).cutoverId(cutoverId).leaseId(leaseId).timestamp(timestamp)
                .schemaVersion(schemaVersion).epoch(epoch).kind(kind).attempt(attempt).idempotencyKey(idempotencyKey)
                .commandMessageId(commandMessageId).outcome(outcome).reason(reason).facts(facts).report(report)
                .evidence(evidence).durationMillis(durationMillis).workerId(workerId);
    }

    /**
     * Builds a {@link StepResult}. Left unset: {@code messageId} a random UUID, {@code timestamp} now,
     * {@code schemaVersion} this build's, {@code facts} and {@code evidence} empty, {@code report} none.
     */
    public static final class Builder {
        private String messageId;
        private String cutoverId;
        private String leaseId;
        private Instant timestamp;
        private int schemaVersion = SCHEMA_VERSION;
        private long epoch;
        private StepKind kind;
        private int attempt;
        private String idempotencyKey;
        private String commandMessageId;
        private StepOutcome outcome;
        private String reason;
        private Map<String, String> facts = Map.of();
        private StepReport report;
        private List<Evidence> evidence = List.of();
        private long durationMillis;
        private String workerId;

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

        public Builder commandMessageId(String v) {
            commandMessageId = v;
            return this;
        }

        public Builder outcome(StepOutcome v) {
            outcome = v;
            return this;
        }

        public Builder reason(String v) {
            reason = v;
            return this;
        }

        public Builder facts(Map<String, String> v) {
            facts = v;
            return this;
        }

        public Builder report(StepReport v) {
            report = v;
            return this;
        }

        public Builder evidence(List<Evidence> v) {
            evidence = v;
            return this;
        }

        public Builder durationMillis(long v) {
            durationMillis = v;
            return this;
        }

        public Builder workerId(String v) {
            workerId = v;
            return this;
        }

        public StepResult build() {
            return new StepResult(messageId != null ? messageId : UUID.randomUUID().toString(), cutoverId, leaseId,
                    timestamp != null ? timestamp : Instant.now(), schemaVersion, epoch, kind, attempt,
                    idempotencyKey, commandMessageId, outcome, reason, facts, report, evidence, durationMillis,
                    workerId);
        }
    }
}
