package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.rollback.service.RollbackService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code cutover.breaches} → {@link RollbackService#onBreach}, through the {@link TransactionalConsumer}. */
@ApplicationScoped
public class BreachConsumer {

    private final TransactionalConsumer consumer;
    private final RollbackService service;

    public BreachConsumer(TransactionalConsumer consumer, RollbackService service) {
        this.consumer = consumer;
        this.service = service;
    }

    @Incoming("breaches")
    @Blocking
    public void consume(String payload) {
        consumer.consume(Topics.BREACHES, payload, ThresholdBreached.class, service::onBreach);
    }
}
