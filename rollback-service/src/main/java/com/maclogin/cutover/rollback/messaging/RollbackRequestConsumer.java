package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.rollback.service.RollbackService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code cutover.rollbacks} → {@link RollbackService#onRollbackRequested}, through the {@link TransactionalConsumer}. */
@ApplicationScoped
public class RollbackRequestConsumer {

    private final TransactionalConsumer consumer;
    private final RollbackService service;

    public RollbackRequestConsumer(TransactionalConsumer consumer, RollbackService service) {
        this.consumer = consumer;
        this.service = service;
    }

    @Incoming("rollbacks")
    @Blocking
    public void consume(String payload) {
        consumer.consume(Topics.ROLLBACK_REQUESTS, payload, RollbackRequested.class, service::onRollbackRequested);
    }
}
