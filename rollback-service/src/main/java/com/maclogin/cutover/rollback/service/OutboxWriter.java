package com.maclogin.cutover.rollback.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.rollback.OutboxMessage;
import com.maclogin.cutover.rollback.repository.OutboxRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;

/** Writes messages into the outbox inside the caller's transaction; the relay publishes them after commit. */
@ApplicationScoped
public class OutboxWriter {

    /** Fired in the business transaction; observed after a successful commit by the relay ({@code messaging/OutboxRelay}). */
    public record OutboxWritten(long outboxId) {
    }

    private final OutboxRepository outbox;
    private final Event<OutboxWritten> written;

    public OutboxWriter(OutboxRepository outbox, Event<OutboxWritten> written) {
        this.outbox = outbox;
        this.written = written;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(String topic, CutoverMessage message) {
        OutboxMessage row = new OutboxMessage();
        row.topic = topic;
        row.messageKey = message.leaseId();
        row.messageId = message.messageId();
        row.messageType = message.getClass().getSimpleName();
        row.payload = Json.write(message);
        row.createdAt = Instant.now();
        outbox.persist(row);
        written.fire(new OutboxWritten(row.id));
    }
}
