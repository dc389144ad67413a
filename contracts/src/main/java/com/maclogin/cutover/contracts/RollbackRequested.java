package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * Command to rollback-service: restore the lease to what the inventory gate recorded. Published to
 * {@code cutover.rollbacks} by the orchestrator (operator request or breached trigger), keyed by lease id.
 * It carries everything the restore needs, so rollback works while the orchestrator is down.
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
        Map<String, String> expectedSha256) implements CutoverMessage {
}
