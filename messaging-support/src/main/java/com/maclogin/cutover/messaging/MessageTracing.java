package com.maclogin.cutover.messaging;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * W3C trace context on Kafka records, so one cutover is one trace across the services. The outbox row keeps the
 * {@code traceparent} of the context it was written in ({@link #currentTraceparent()}, inside the business
 * transaction); the relay publishes it in a PRODUCER span child of that context and puts the span's
 * {@code traceparent} into the record's headers ({@link #startPublish}); a consumer starts its CONSUMER span as a
 * child of the header's context ({@link #startProcess}). Without an OpenTelemetry SDK (the services' default:
 * {@code quarkus.otel.sdk.disabled=true}) every span is invalid, no header is written and nothing is stored.
 */
public final class MessageTracing {

    /** The W3C header (and the only one written): {@code 00-<trace id>-<span id>-<flags>}. */
    public static final String TRACEPARENT = "traceparent";
    /** Attribute names used on the messaging spans. */
    public static final String CUTOVER_ID = "cutover.id";
    public static final String LEASE_ID = "lease.id";

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    public MessageTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("com.maclogin.cutover.messaging");
    }

    /** No SDK: spans are invalid, nothing is propagated. */
    public static MessageTracing disabled() {
        return new MessageTracing(OpenTelemetry.noop());
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The current context as a {@code traceparent} value; null when no valid span is current. */
    public static String currentTraceparent() {
        return traceparentOf(Context.current());
    }

    /** {@code context}'s span as a {@code traceparent} value; null when it has no valid span. */
    public static String traceparentOf(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The context a stored or received {@code traceparent} names (its span as a remote parent); root when null or invalid. */
    public static Context contextOf(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3C.extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP_GETTER);
    }

    /** The span context a {@code traceparent} names; invalid when null or malformed. */
    public static SpanContext spanContextOf(String traceparent) {
        return Span.fromContext(contextOf(traceparent)).getSpanContext();
    }

    /** The {@code traceparent} header of a record; null when absent. */
    public static String traceparent(Headers headers) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(TRACEPARENT);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Puts {@code context}'s {@code traceparent} into {@code headers} (replacing one there); nothing for an invalid span. */
    public static void inject(Context context, Headers headers) {
        String value = traceparentOf(context);
        if (value != null) {
            headers.remove(TRACEPARENT);
            headers.add(TRACEPARENT, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The relay's PRODUCER span for one outbox row, child of the context stored with the row ({@code traceparent},
     * may be null: then a row written outside any trace gets no span worth propagating, and no header).
     */
    public Span startPublish(String topic, String messageType, String messageId, String key, String traceparent) {
        if (traceparent == null) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(topic + " publish").setSpanKind(SpanKind.PRODUCER).setParent(contextOf(traceparent))
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.operation.type", "send").setAttribute("messaging.message.id", messageId)
                .setAttribute("messaging.kafka.message.key", key == null ? "" : key)
                .setAttribute("message.type", messageType).setAttribute(LEASE_ID, key == null ? "" : key)
                .startSpan();
    }

    /**
     * A consumer's CONSUMER span for one record, child of the context in the record's {@code traceparent} header (a
     * new trace when there is none). The caller makes it current while it handles the record and ends it.
     */
    public Span startProcess(String topic, Headers headers) {
        return tracer.spanBuilder(topic + " process").setSpanKind(SpanKind.CONSUMER)
                .setParent(contextOf(traceparent(headers)))
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.operation.type", "process")
                .startSpan();
    }

    /** Records what failed on {@code span} (no-op for an invalid span). */
    public static void failed(Span span, Throwable e) {
        span.recordException(e);
        span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, String.valueOf(e.getMessage()));
    }

    /** The ids a span of a message carries: cutover and lease. */
    public static void identify(Span span, String cutoverId, String leaseId) {
        if (cutoverId != null) {
            span.setAttribute(CUTOVER_ID, cutoverId);
        }
        if (leaseId != null) {
            span.setAttribute(LEASE_ID, leaseId);
        }
    }
}
