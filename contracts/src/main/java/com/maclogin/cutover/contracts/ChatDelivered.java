package com.maclogin.cutover.contracts;

import java.time.Instant;

/**
 * Event: notifier-service delivered (or gave up on) one chat message. Published to {@code chat.deliveries} through
 * the notifier's outbox, in the transaction that records the delivery; the orchestrator appends it to its event log
 * (the live event stream). Carries what was delivered where and how it ended, never the message text.
 *
 * @param cutoverId the cutover the message is about; the fleet id for a fleet's own message (as in {@link FleetEvent})
 * @param fleetId   the fleet cutover the message belongs to (its own message, or a lease of it); {@code null} otherwise
 * @param leaseId   the record key: the lease id, or the fleet id for a fleet's own message
 * @param channel   {@code SLACK} or {@code TELEGRAM}
 * @param kind      the event the message announces ({@code CUTOVER_STARTED}, {@code WAVE_STARTED}, ...)
 * @param outcome   {@code POSTED} or {@code FAILED}
 * @param attempts  attempts made (including the one that ended it)
 */
public record ChatDelivered(
        String messageId,
        String cutoverId,
        String fleetId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        String channel,
        String kind,
        String outcome,
        int attempts) implements CutoverMessage {

    public static final String POSTED = "POSTED";
    public static final String FAILED = "FAILED";

    /** A fleet's own message (banner, wave, summary): its envelope ids are the fleet id. */
    public boolean aboutFleet() {
        return fleetId != null && fleetId.equals(cutoverId);
    }
}
