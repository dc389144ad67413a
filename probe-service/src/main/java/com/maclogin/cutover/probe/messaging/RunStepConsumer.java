package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.contracts.DeadLetter;
import com.maclogin.cutover.contracts.DeadLetterReason;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.registry.LeaseRegistry;
import com.maclogin.cutover.probe.service.LeaseLanes;
import com.maclogin.cutover.probe.service.StepExecutionService;
import com.maclogin.cutover.messaging.DeadLetters;
import com.maclogin.cutover.messaging.MessageTracing;
import com.maclogin.cutover.messaging.RecordOrigin;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code cutover.steps.<region>}. The method only parses and hands the command to the lease's lane, so the
 * Kafka poll loop never waits for SSH (a VALIDATE window can last 15 minutes). The record is acknowledged, and its
 * offset therefore committed (throttled strategy), only after the StepResult was accepted by Kafka: at-least-once.
 * A command that cannot be read (null, over the size cap, not JSON, wrong shape, no ids), whose envelope is invalid
 * (no kind, a malformed lease id, cutover id or idempotency key, a reply topic that is not one) or whose step could not
 * be answered (the run threw, the result was not accepted) is set aside on the dead-letter topic ({@link DeadLetters})
 * and acknowledged: no command stops the channel. A command for a lease that is not in this region's lease registry
 * ({@link LeaseRegistry}) is answered REFUSED without touching anything; every other runs with the registry's target
 * in place of its own. When the worker loses the partition a command came from ({@link StepPartitionListener}), its
 * step is stopped or never started, and it is neither answered nor acknowledged: the partition's new owner gets it
 * again and answers.
 */
@ApplicationScoped
public class RunStepConsumer {

    private final StepExecutionService steps;
    private final StepResultPublisher publisher;
    private final ExecutorService executor;
    private final LeaseLanes lanes;
    private final MessageTracing tracing;
    private final DeadLetters deadLetters;
    private final LeaseRegistry registry;
    private final PartitionSteps open;

    public RunStepConsumer(StepExecutionService steps, StepResultPublisher publisher, ProbeConfig config,
            MessageTracing tracing, DeadLetters deadLetters, LeaseRegistry registry, PartitionSteps open) {
        this.registry = registry;
        this.open = open;
        this.tracing = tracing;
        this.deadLetters = deadLetters;
        this.steps = steps;
        this.publisher = publisher;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(Math.max(1, config.maxConcurrentSteps()), r -> {
            Thread t = new Thread(r, "probe-step-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.lanes = new LeaseLanes(executor);
    }

    @Incoming("steps")
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> onCommand(Message<String> message) {
        RecordOrigin origin = origin(message);
        List<CompletableFuture<DeadLetter>> letter = new ArrayList<>(1);
        DeadLetters.Decoded<RunStep> decoded = deadLetters.decode(origin, RunStep.class, letter);
        if (!decoded.ok()) {
            // acknowledged (and the offset committable) once the dead letter is; the poll loop does not wait for it
            letter.get(0).thenCompose(d -> message.ack());
            return CompletableFuture.completedFuture(null);
        }
        RunStep received = decoded.message();
        String invalid = invalidEnvelope(received);
        if (invalid != null) {
            deadLetters.setAsideAsync(origin, DeadLetterReason.INVALID, "RunStep " + received.messageId() + ": "
                    + invalid, received.cutoverId()).thenCompose(d -> message.ack());
            return CompletableFuture.completedFuture(null);
        }
        // don't believe the message: the lease must be in this region's registry, and its target is the registry's
        LeaseRegistry.Resolution resolved = registry.resolve(received);
        if (resolved.refused()) {
            publisher.publish(received.replyTo(), refusal(received, resolved.refusal()))
                    .handle((v, e) -> e == null ? message.ack() : deadLetters.setAsideAsync(origin,
                            DeadLetterReason.GAVE_UP, "RunStep " + received.messageId() + ": refusal not sent: " + e,
                            received.cutoverId()).thenCompose(d -> message.ack()));
            return CompletableFuture.completedFuture(null);
        }
        RunStep command = resolved.command();
        String lane = command.leaseId();
        // the step runs (probes, breaches) and its result is sent in a span continuing the command's trace
        Span span = ProbeTracing.startStep(tracing, message, command);
        Context traced = Context.root().with(span);
        steps.announce(command);
        // the partition it came from: losing that partition stops the step and sends nothing (StepPartitionListener)
        PartitionSteps.Ticket ticket = open.accept(partition(message), command.messageId());
        lanes.submit(lane, traced.wrapSupplier(() -> ticket.revoked() ? null : steps.execute(command)))
                .thenCompose(result -> ticket.revoked() || result == null ? CompletableFuture.<Void>completedFuture(null)
                        : ProbeTracing.in(traced, () -> publisher.publish(command.replyTo(), result)))
                .whenComplete((v, e) -> span.end())
                .handle((v, e) -> {
                    if (e != null && !ticket.revoked()) {
                        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                ? e.getCause() : e;
                        Log.errorf(cause, "cutover=%s lease=%s step %s: no result sent, the command is set aside",
                                command.cutoverId(), command.leaseId(), command.kind());
                        deadLetters.setAside(origin, DeadLetters.isPermanent(cause) ? DeadLetterReason.INVALID
                                : DeadLetterReason.GAVE_UP, "RunStep " + command.messageId() + " (" + command.kind()
                                + "): no result sent: " + cause, command.cutoverId());
                    }
                    open.done(ticket);
                    return null;
                })
                .thenCompose(v -> {
                    if (ticket.revoked()) {
                        // not acknowledged: the partition is another worker's now, which gets the command again
                        Log.infof("cutover=%s lease=%s step %s: partition %s lost, no result sent; its new owner "
                                + "answers", command.cutoverId(), command.leaseId(), command.kind(), ticket.partition());
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return message.ack();
                })
                .exceptionally(e -> {
                    // only the dead-letter publish itself can fail here (interrupted at shutdown): redelivered later
                    Log.errorf(e, "cutover=%s lease=%s step %s: not acknowledged, redelivered after a restart",
                            command.cutoverId(), command.leaseId(), command.kind());
                    return null;
                });
        return CompletableFuture.completedFuture(null);
    }

    /** The REFUSED answer to a command the lease registry does not allow; nothing ran, the lease was not touched. */
    private StepResult refusal(RunStep c, String reason) {
        return StepResult.answering(c).outcome(StepOutcome.REFUSED).reason(reason).facts(Map.of()).evidence(List.of())
                .durationMillis(0).workerId(steps.workerId()).build();
    }

    /** What makes a command unanswerable (no reply could name it), or null. */
    static String invalidEnvelope(RunStep c) {
        if (!Topics.isReplyTopic(c.replyTo())) {
            return String.format(ProbeReasons.INVALID_REPLY_TOPIC, c.replyTo());
        }
        return StepExecutionService.invalidIds(c);
    }

    private static org.apache.kafka.common.TopicPartition partition(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> new org.apache.kafka.common.TopicPartition(m.getTopic(), m.getPartition())).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static RecordOrigin origin(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> RecordOrigin.of((org.apache.kafka.clients.consumer.ConsumerRecord<String, String>) m.getRecord()))
                .orElseGet(() -> RecordOrigin.of(Topics.STEP_COMMANDS_PREFIX + "?", message.getPayload()));
    }

    @PreDestroy
    void shutdown() {
        // a worker that stops gives up all its partitions: its steps stop and send nothing, the new owners answer
        StepPartitionListener.stop(open, steps::stop, open.revokeAll().stream().map(PartitionSteps.Ticket::partition)
                .distinct().toList(), "given up at shutdown");
        executor.shutdownNow();
    }
}
