package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Command to rollback-service: restore the lease to what the inventory gate recorded. Published to
 * {@code cutover.rollbacks} by the orchestrator (operator request or breached trigger), keyed by lease id.
 * With {@link RollbackPurpose#ARM} it restores nothing: rollback-service records what a restore of the cutover needs
 * (its own record, which a later breach, request or step result must not contradict). A {@code RESTORE} request
 * (the default) is checked against that record when there is one. {@code target} is not believed by anyone: the
 * worker takes the lease's address from the lease registry ({@link LeaseRegistration}).
 *
 * @param requestedBy     the operator, or {@code trigger:<name>} for an automatic rollback
 * @param expectedSha256  hashes recorded by the gate and SNAPSHOT ({@code plist}, {@code package}, {@code state}); the restore is
 *                        verified against them
 */
public record RollbackRequested(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        String requestedBy,
        String reason,
        LeaseTarget target,
        String ticketId,
        String previousVersion,
        String candidateVersion,
        String rollbackOwner,
        Map<String, String> expectedSha256,
        RollbackPurpose purpose) implements CutoverMessage {

    /** A restore request (no purpose given: {@link RollbackPurpose#RESTORE}). */
    public RollbackRequested(String messageId, String cutoverId, String leaseId, Instant timestamp, int schemaVersion,
            long epoch, String requestedBy, String reason, LeaseTarget target, String ticketId, String previousVersion,
            String candidateVersion, String rollbackOwner, Map<String, String> expectedSha256) {
        this(messageId, cutoverId, leaseId, timestamp, schemaVersion, epoch, requestedBy, reason, target, ticketId,
                previousVersion, candidateVersion, rollbackOwner, expectedSha256, null);
    }

    /** Whether this only arms rollback-service's record of the cutover ({@link RollbackPurpose#ARM}). */
    public boolean arms() {
        return purpose == RollbackPurpose.ARM;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to change a few. */
    public Builder toBuilder() {
        return new Builder().messageId(messageId).cutoverId(cutoverId).leaseId(leaseId).timestamp(timestamp)
                .schemaVersion(schemaVersion).epoch(epoch).requestedBy(requestedBy).reason(reason).target(target)
                .ticketId(ticketId).previousVersion(previousVersion).candidateVersion(candidateVersion)
                .rollbackOwner(rollbackOwner).expectedSha256(expectedSha256).purpose(purpose);
    }

    /**
     * Builds a {@link RollbackRequested}. Left unset: {@code messageId} a random UUID, {@code timestamp} now,
     * {@code schemaVersion} this build's.
     */
    public static final class Builder {
        private String messageId;
        private String cutoverId;
        private String leaseId;
        private Instant timestamp;
        private int schemaVersion = SCHEMA_VERSION;
        private long epoch;
        private String requestedBy;
        private String reason;
        private LeaseTarget target;
        private String ticketId;
        private String previousVersion;
        private String candidateVersion;
        private String rollbackOwner;
        private Map<String, String> expectedSha256;
        private RollbackPurpose purpose;

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

        public Builder requestedBy(String v) {
            requestedBy = v;
            return this;
        }

        public Builder reason(String v) {
            reason = v;
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

        public Builder purpose(RollbackPurpose v) {
            purpose = v;
            return this;
        }

        public RollbackRequested build() {
            return new RollbackRequested(messageId != null ? messageId : UUID.randomUUID().toString(), cutoverId,
                    leaseId, timestamp != null ? timestamp : Instant.now(), schemaVersion, epoch, requestedBy, reason,
                    target, ticketId, previousVersion, candidateVersion, rollbackOwner, expectedSha256, purpose);
        }
    }
}
