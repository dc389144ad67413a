package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Event: one probe of one layer in one round of a validation window. Published to {@code probe.results}, keyed by
 * lease id; the orchestrator stores every one.
 *
 * @param commandMessageId the VALIDATE command whose plan this probe belongs to
 * @param observed         the raw numbers and fields (e.g. {@code runs}, {@code lastExitCode}, {@code status})
 */
public record ProbeResult(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        String commandMessageId,
        int round,
        ProbeLayer layer,
        Verdict verdict,
        Long latencyMillis,
        String detail,
        Map<String, String> observed) implements CutoverMessage {

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to change a few. */
    public Builder toBuilder() {
        return new Builder().messageId(messageId).cutoverId(cutoverId).leaseId(leaseId).timestamp(timestamp)
                .schemaVersion(schemaVersion).epoch(epoch).commandMessageId(commandMessageId).round(round)
                .layer(layer).verdict(verdict).latencyMillis(latencyMillis).detail(detail).observed(observed);
    }

    /**
     * Builds a {@link ProbeResult}. Left unset: {@code messageId} a random UUID, {@code timestamp} now,
     * {@code schemaVersion} this build's.
     */
    public static final class Builder {
        private String messageId;
        private String cutoverId;
        private String leaseId;
        private Instant timestamp;
        private int schemaVersion = SCHEMA_VERSION;
        private long epoch;
        private String commandMessageId;
        private int round;
        private ProbeLayer layer;
        private Verdict verdict;
        private Long latencyMillis;
        private String detail;
        private Map<String, String> observed;

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

        public Builder commandMessageId(String v) {
            commandMessageId = v;
            return this;
        }

        public Builder round(int v) {
            round = v;
            return this;
        }

        public Builder layer(ProbeLayer v) {
            layer = v;
            return this;
        }

        public Builder verdict(Verdict v) {
            verdict = v;
            return this;
        }

        public Builder latencyMillis(Long v) {
            latencyMillis = v;
            return this;
        }

        public Builder detail(String v) {
            detail = v;
            return this;
        }

        public Builder observed(Map<String, String> v) {
            observed = v;
            return this;
        }

        public ProbeResult build() {
            return new ProbeResult(messageId != null ? messageId : UUID.randomUUID().toString(), cutoverId, leaseId,
                    timestamp != null ? timestamp : Instant.now(), schemaVersion, epoch, commandMessageId, round,
                    layer, verdict, latencyMillis, detail, observed);
        }
    }
}
