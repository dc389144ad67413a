package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Event: a rollback trigger tripped during validation. Published by the regional worker to {@code cutover.breaches},
 * keyed by lease id. rollback-service acts on it directly (so rollback works while the orchestrator is down): the
 * rollback runs at epoch {@code epoch + 1}. The orchestrator records it and moves the cutover to ROLLING_BACK (or
 * PAUSED / keeps validating, per {@link #action()}).
 *
 * @param observed     the rule's verdict in words with its numbers, e.g. "3 crashes in 41 s (runs 1 -> 4, last exit 78)"
 * @param threshold    the rule in words, e.g. "3 crashes within 300 s"
 * @param numbers      the numbers that tripped it, by name
 * @param observedAt   when the probe that observed it ran
 * @param target       the lease as the worker resolved it from its registry. rollback-service believes none of
 *                     target, hashes, versions, ticket or owner: it restores from its own record of the cutover
 *                     (armed by the orchestrator) and ignores, with an audit row, a breach that contradicts it
 */
public record ThresholdBreached(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        TriggerKind trigger,
        TriggerAction action,
        String observed,
        String threshold,
        Map<String, String> numbers,
        Instant observedAt,
        LeaseTarget target,
        String ticketId,
        String previousVersion,
        String candidateVersion,
        String rollbackOwner,
        Map<String, String> expectedSha256) implements CutoverMessage {

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to change a few. */
    public Builder toBuilder() {
        return new Builder().messageId(messageId).cutoverId(cutoverId).leaseId(leaseId).timestamp(timestamp)
                .schemaVersion(schemaVersion).epoch(epoch).trigger(trigger).action(action).observed(observed)
                .threshold(threshold).numbers(numbers).observedAt(observedAt).target(target).ticketId(ticketId)
                .previousVersion(previousVersion).candidateVersion(candidateVersion).rollbackOwner(rollbackOwner)
                .expectedSha256(expectedSha256);
    }

    /**
     * Builds a {@link ThresholdBreached}. Left unset: {@code messageId} a random UUID, {@code timestamp} now,
     * {@code schemaVersion} this build's.
     */
    public static final class Builder {
        private String messageId;
        private String cutoverId;
        private String leaseId;
        private Instant timestamp;
        private int schemaVersion = SCHEMA_VERSION;
        private long epoch;
        private TriggerKind trigger;
        private TriggerAction action;
        private String observed;
        private String threshold;
        private Map<String, String> numbers;
        private Instant observedAt;
        private LeaseTarget target;
        private String ticketId;
        private String previousVersion;
        private String candidateVersion;
        private String rollbackOwner;
        private Map<String, String> expectedSha256;

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

        public Builder trigger(TriggerKind v) {
            trigger = v;
            return this;
        }

        public Builder action(TriggerAction v) {
            action = v;
            return this;
        }

        public Builder observed(String v) {
            observed = v;
            return this;
        }

        public Builder threshold(String v) {
            threshold = v;
            return this;
        }

        public Builder numbers(Map<String, String> v) {
            numbers = v;
            return this;
        }

        public Builder observedAt(Instant v) {
            observedAt = v;
            return this;
        }

        public Builder target(LeaseTarget v) {
            target = v;
            return this;
        }

        public Builder ticketId(String v) {
            ticketId = v;
            return this;
        }

        public Builder previousVersion(String v) {
            previousVersion = v;
            return this;
        }

        public Builder candidateVersion(String v) {
            candidateVersion = v;
            return this;
        }

        public Builder rollbackOwner(String v) {
            rollbackOwner = v;
            return this;
        }

        public Builder expectedSha256(Map<String, String> v) {
            expectedSha256 = v;
            return this;
        }

        public ThresholdBreached build() {
            return new ThresholdBreached(messageId != null ? messageId : UUID.randomUUID().toString(), cutoverId,
                    leaseId, timestamp != null ? timestamp : Instant.now(), schemaVersion, epoch, trigger, action,
                    observed, threshold, numbers, observedAt, target, ticketId, previousVersion, candidateVersion,
                    rollbackOwner, expectedSha256);
        }
    }
}
