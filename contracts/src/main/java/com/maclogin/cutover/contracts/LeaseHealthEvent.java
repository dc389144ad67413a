package com.maclogin.cutover.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * Event: a lease's health changed, as orchestrator-service decided from the watch's reports. Published through its
 * outbox to {@code lease.health}, keyed by lease id; notifier-service posts to chat the ones with {@code alert} true.
 *
 * @param state         the new state (for the certificate kinds, the state at that moment)
 * @param previousState the state before (same as {@code state} for the certificate kinds)
 * @param reason        why, in words; never a secret
 * @param since         when the lease entered {@code state}
 * @param certDaysLeft  days of validity left on the certificate, null if unknown
 * @param activeCutoverId the cutover running on the lease at that moment, null if none
 * @param alert         whether chat is told: a lease outside any cutover turned DOWN, recovered from DOWN, or its
 *                      certificate crossed the warning limit (either way); one event per change
 */
public record LeaseHealthEvent(
        String messageId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        Region region,
        String stage,
        LeaseHealthEventKind kind,
        LeaseHealthState state,
        LeaseHealthState previousState,
        String reason,
        Instant since,
        Integer certDaysLeft,
        String activeCutoverId,
        boolean alert) implements CutoverMessage {

    /** A health event is about a lease; the cutover running on it, if any, is {@link #activeCutoverId()}. */
    @JsonIgnore
    @Override
    public String cutoverId() {
        return null;
    }

    /** About a lease: consumers require its lease id, not a cutover id. */
    @Override
    public boolean aboutCutover() {
        return false;
    }

    /** What is wrong with this event (for the consumer), or null. */
    public String invalid() {
        String p = Validation.leaseId(leaseId);
        if (p == null && kind == null) {
            p = "kind is required";
        }
        if (p == null && state == null) {
            p = "state is required";
        }
        return p;
    }
}
