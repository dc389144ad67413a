package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.orchestrator.service.StepResultService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** cutover.step-results (group orchestrator-service) → {@link StepResultService}, through the {@link TransactionalConsumer}. */
@ApplicationScoped
public class StepResultConsumer {

    private final TransactionalConsumer consumer;
    private final StepResultService service;

    public StepResultConsumer(TransactionalConsumer consumer, StepResultService service) {
        this.consumer = consumer;
        this.service = service;
    }

    @Incoming("step-results")
    @Blocking
    public void consume(String payload) {
        consumer.consume(Topics.STEP_RESULTS, payload, StepResult.class, service::handle);
    }
}
