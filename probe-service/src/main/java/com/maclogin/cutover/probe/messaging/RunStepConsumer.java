package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.service.LeaseLanes;
import com.maclogin.cutover.probe.service.StepExecutionService;
import com.maclogin.cutover.messaging.MessageTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
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
 */
@ApplicationScoped
public class RunStepConsumer {

    private final StepExecutionService steps;
    private final StepResultPublisher publisher;
    private final ExecutorService executor;
    private final LeaseLanes lanes;
    private final MessageTracing tracing;

    public RunStepConsumer(StepExecutionService steps, StepResultPublisher publisher, ProbeConfig config,
            MessageTracing tracing) {
        this.tracing = tracing;
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
        RunStep command;
        try {
            command = Json.read(message.getPayload(), RunStep.class);
        } catch (RuntimeException e) {
            Log.warnf("skipping an unreadable step command: %s", e.getMessage());
            return message.ack();
        }
        if (!Topics.isReplyTopic(command.replyTo())) {
            Log.warnf("cutover=%s lease=%s skipping step %s: %s", command.cutoverId(), command.leaseId(),
                    command.kind(), String.format(ProbeReasons.INVALID_REPLY_TOPIC, command.replyTo()));
            return message.ack();
        }
        String lane = command.leaseId() == null ? "" : command.leaseId();
        // the step runs (probes, breaches) and its result is sent in a span continuing the command's trace
        Span span = ProbeTracing.startStep(tracing, message, command);
        Context traced = Context.root().with(span);
        steps.announce(command);
        lanes.submit(lane, traced.wrapSupplier(() -> steps.execute(command)))
                .thenCompose(result -> ProbeTracing.in(traced, () -> publisher.publish(command.replyTo(), result)))
                .whenComplete((v, e) -> span.end())
                .thenCompose(v -> message.ack())
                .exceptionally(e -> {
                    Log.errorf(e, "cutover=%s lease=%s step %s: result not sent, offset not committed",
                            command.cutoverId(), command.leaseId(), command.kind());
                    message.nack(e);
                    return null;
                });
        return CompletableFuture.completedFuture(null);
    }

    @PreDestroy
    void shutdown() {
        executor.shutdownNow();
    }
}
