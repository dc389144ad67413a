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
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every topic the orchestrator consumes (group orchestrator-service), each to its service through the
 * {@link TransactionalConsumer}: parsed, deduplicated by the inbox, handled in one transaction, retried until it
 * commits; a record that cannot be processed goes to the dead-letter topic and the channel moves on.
 */
@ApplicationScoped
public class OrchestratorConsumers {

    private final TransactionalConsumer consumer;
    private final StepResultService stepResults;
    private final CutoverEventService events;
    private final ValidationEventService validation;
    private final ChatDeliveryService chat;

    public OrchestratorConsumers(TransactionalConsumer consumer, StepResultService stepResults,
            CutoverEventService events, ValidationEventService validation, ChatDeliveryService chat) {
        this.chat = chat;
        this.consumer = consumer;
        this.stepResults = stepResults;
        this.events = events;
        this.validation = validation;
    }

    /** cutover.step-results: the saga moves on. */
    @Incoming("step-results")
    @Blocking
    public void stepResult(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.STEP_RESULTS, records, StepResult.class, stepResults::handle);
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
