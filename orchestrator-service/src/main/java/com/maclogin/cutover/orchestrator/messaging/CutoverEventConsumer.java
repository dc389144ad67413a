package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.orchestrator.service.CutoverEventService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** cutover.events (group orchestrator-service) → {@link CutoverEventService}: rollback outcomes become terminal states. */
@ApplicationScoped
public class CutoverEventConsumer {

    private final TransactionalConsumer consumer;
    private final CutoverEventService service;

    public CutoverEventConsumer(TransactionalConsumer consumer, CutoverEventService service) {
        this.consumer = consumer;
        this.service = service;
    }

    @Incoming("events")
    @Blocking
    public void consume(String payload) {
        consumer.consume(Topics.EVENTS, payload, CutoverEvent.class, service::handle);
    }
}
