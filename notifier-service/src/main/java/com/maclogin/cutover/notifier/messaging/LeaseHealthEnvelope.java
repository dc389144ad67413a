package com.maclogin.cutover.notifier.messaging;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.LeaseHealthEvent;
import java.time.Instant;

/**
 * A {@link LeaseHealthEvent} as the consumer kit reads it (the JSON is the event's own, read by delegation). The kit
 * asks every envelope for a cutover id (its inbox row, dead letters, trace and log MDC) and sets aside a message
 * without one, but a health event is about a lease and has none ({@code cutoverId()} is null by design): this
 * envelope answers {@code lease:<lease id>}, the lease's alert stream, as a fleet event answers its fleet id. An
 * event without a lease id is refused by {@code LeaseAlertService} with the reason.
 */
public record LeaseHealthEnvelope(LeaseHealthEvent event) implements CutoverMessage {

    /** Read from a {@code LeaseHealthEvent} JSON document. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static LeaseHealthEnvelope of(LeaseHealthEvent event) {
        return event == null ? null : new LeaseHealthEnvelope(event);
    }

    @Override
    public String messageId() {
        return event.messageId();
    }

    /** {@code lease:<lease id>}: the lease's alert stream stands where a cutover id stands in other messages. */
    @Override
    public String cutoverId() {
        return "lease:" + event.leaseId();
    }

    @Override
    public String leaseId() {
        return event.leaseId();
    }

    @Override
    public Instant timestamp() {
        return event.timestamp();
    }

    @Override
    public int schemaVersion() {
        return event.schemaVersion();
    }
}
