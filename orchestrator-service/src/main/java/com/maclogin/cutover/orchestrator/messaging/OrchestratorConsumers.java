package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.ChatDelivered;
import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.orchestrator.service.ChatDeliveryService;
import com.maclogin.cutover.orchestrator.service.CutoverEventService;
import com.maclogin.cutover.orchestrator.service.StepResultService;
import com.maclogin.cutover.orchestrator.service.ValidationEventService;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every topic the orchestrator consumes (group orchestrator-service), each to its service through the
 * {@link TransactionalConsumer}: parsed, deduplicated by the inbox, handled in one transaction (step results: a group
 * of a poll's results in one), retried until it commits; a record that cannot be processed goes to the dead-letter
 * topic and the channel moves on.
 */
@ApplicationScoped
public class OrchestratorConsumers {

    private final TransactionalConsumer consumer;
    private final StepResultService stepResults;
    private final CutoverEventService events;
    private final ValidationEventService validation;
    private final ChatDeliveryService chat;

    private final EntityManager em;
    private final int stepResultsPerTransaction;

    public OrchestratorConsumers(TransactionalConsumer consumer, StepResultService stepResults,
            CutoverEventService events, ValidationEventService validation, ChatDeliveryService chat, EntityManager em,
            OrchestratorConfig config) {
        this.em = em;
        this.stepResultsPerTransaction = config.stepResultsPerTransaction();
        this.chat = chat;
        this.consumer = consumer;
        this.stepResults = stepResults;
        this.events = events;
        this.validation = validation;
    }

    /**
     * cutover.step-results: the saga moves on. Up to {@code orchestrator.step-results-per-transaction} results of a
     * poll in one transaction; after each, its changes are flushed and the persistence context cleared, so the next
     * result's queries do not dirty-check the ones before it.
     */
    @Incoming("step-results")
    @Blocking
    public void stepResult(ConsumerRecords<String, String> records) {
        consumer.consumeGrouped(Topics.STEP_RESULTS, records, StepResult.class, stepResultsPerTransaction,
                stepResults::handle, () -> {
                    em.flush();
                    em.clear();
                });
    }

    /** cutover.events: rollback outcomes become terminal states. */
    @Incoming("events")
    @Blocking
    public void event(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.EVENTS, records, CutoverEvent.class, events::handle);
    }

    /** probe.results: every probe of a validation window is stored. */
    @Incoming("probe-results")
    @Blocking
    public void probeResult(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.PROBE_RESULTS, records, ProbeResult.class, validation::probeResult);
    }

    /** cutover.breaches: recorded, and the action (rollback, pause, observe) applied. */
    @Incoming("breaches")
    @Blocking
    public void breach(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.BREACHES, records, ThresholdBreached.class, validation::breach);
    }

    /** chat.deliveries: notifier-service's deliveries, appended to the event log of the live stream. */
    @Incoming("chat-deliveries")
    @Blocking
    public void chatDelivered(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.CHAT_DELIVERIES, records, ChatDelivered.class, chat::handle);
    }
}
