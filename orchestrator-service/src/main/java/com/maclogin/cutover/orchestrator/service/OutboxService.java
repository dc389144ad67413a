package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.messaging.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;

/** Writes messages into the outbox inside the caller's transaction (messaging-support's {@link OutboxWriter}). */
@ApplicationScoped
public class OutboxService {

    private final OutboxWriter writer;

    public OutboxService(OutboxWriter writer) {
        this.writer = writer;
    }

    public void write(String topic, CutoverMessage message) {
        writer.enqueue(topic, message);
    }
}
