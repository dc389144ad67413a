package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.orchestrator.service.ValidationEventService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * probe.results and cutover.breaches (group orchestrator-service) → {@link ValidationEventService}, through the
 * {@link TransactionalConsumer}.
 */
@ApplicationScoped
public class ValidationConsumers {

    private final TransactionalConsumer consumer;
    private final ValidationEventService service;

    public ValidationConsumers(TransactionalConsumer consumer, ValidationEventService service) {
        this.consumer = consumer;
        this.service = service;
    }

    @Incoming("probe-results")
    @Blocking
    public void probeResult(String payload) {
        consumer.consume(Topics.PROBE_RESULTS, payload, ProbeResult.class, service::probeResult);
    }

    @Incoming("breaches")
    @Blocking
    public void breach(String payload) {
        consumer.consume(Topics.BREACHES, payload, ThresholdBreached.class, service::breach);
    }
}
