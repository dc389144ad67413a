package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.messaging.MessageTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The worker's part of a cutover's trace: each step command is handled in a CONSUMER span, child of the
 * {@code traceparent} the orchestrator's or rollback-service's relay put on the record; the step's probe results,
 * breaches and its StepResult carry that span on (see {@link AckedSend}).
 */
@Singleton
public class ProbeTracing {

    /** The service's OpenTelemetry (off unless {@code quarkus.otel.sdk.disabled=false}). */
    @Produces
    @Singleton
    MessageTracing tracing(Instance<OpenTelemetry> openTelemetry) {
        return openTelemetry.isResolvable() ? new MessageTracing(openTelemetry.get()) : MessageTracing.disabled();
    }

    /** The span of one step command, child of the record's {@code traceparent}. */
    static Span startStep(MessageTracing tracing, Message<String> message, RunStep command) {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        Span span = tracing.startProcess(kafka == null ? "cutover.steps" : kafka.getTopic(),
                kafka == null ? null : kafka.getHeaders());
        MessageTracing.identify(span, command.cutoverId(), command.leaseId());
        span.setAttribute("messaging.message.id", String.valueOf(command.messageId()));
        span.setAttribute("step.kind", String.valueOf(command.kind()));
        return span;
    }

    /** Runs {@code work} with {@code context} current. */
    static <T> T in(Context context, Supplier<T> work) {
        try (Scope s = context.makeCurrent()) {
            return work.get();
        }
    }
}
