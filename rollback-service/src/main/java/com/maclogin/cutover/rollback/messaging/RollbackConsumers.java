package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.rollback.service.RollbackService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every topic rollback-service consumes (group rollback-service), each to {@link RollbackService} through the
 * {@link TransactionalConsumer}: parsed, deduplicated by the inbox, handled in one transaction, retried until it
 * commits.
 */
@ApplicationScoped
public class RollbackConsumers {

    private final TransactionalConsumer consumer;
    private final RollbackService service;

    public RollbackConsumers(TransactionalConsumer consumer, RollbackService service) {
        this.consumer = consumer;
        this.service = service;
    }

    /** cutover.rollbacks: an operator's or the orchestrator's rollback request. */
    @Incoming("rollbacks")
    @Blocking
    public void rollbackRequested(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.ROLLBACK_REQUESTS, records, RollbackRequested.class, service::onRollbackRequested);
    }

    /** cutover.breaches: a ROLLBACK breach starts a rollback like a request. */
    @Incoming("breaches")
    @Blocking
    public void breach(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.BREACHES, records, ThresholdBreached.class, service::onBreach);
    }

    /** rollback.step-results: the rollback's RESTORE and VALIDATE answers. */
    @Incoming("step-results")
    @Blocking
    public void stepResult(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.ROLLBACK_STEP_RESULTS, records, StepResult.class, service::onStepResult);
    }
}
