package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.rollback.service.RollbackService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code rollback.step-results} → {@link RollbackService#onStepResult}, through the {@link TransactionalConsumer}. */
@ApplicationScoped
public class StepResultConsumer {

    private final TransactionalConsumer consumer;
    private final RollbackService service;

    public StepResultConsumer(TransactionalConsumer consumer, RollbackService service) {
        this.consumer = consumer;
        this.service = service;
    }

    @Incoming("step-results")
    @Blocking
    public void consume(String payload) {
        consumer.consume(Topics.ROLLBACK_STEP_RESULTS, payload, StepResult.class, service::onStepResult);
    }
}
