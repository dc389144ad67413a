package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.orchestrator.repository.OutboxMessage;
import com.maclogin.cutover.orchestrator.repository.OutboxRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;

/** Writes messages into the outbox inside the caller's transaction; they are published after the commit. */
@ApplicationScoped
public class OutboxService {

    private final OutboxRepository outbox;
    private final Event<OutboxWritten> written;

    public OutboxService(OutboxRepository outbox, Event<OutboxWritten> written) {
        this.outbox = outbox;
        this.written = written;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void write(String topic, CutoverMessage message) {
        OutboxMessage m = new OutboxMessage();
        m.messageId = message.messageId();
        m.topic = topic;
        m.messageKey = message.leaseId();
        m.type = message.getClass().getSimpleName();
        m.payload = Json.write(message);
        m.createdAt = Instant.now();
        outbox.persist(m);
        written.fire(new OutboxWritten(topic));
    }
}
