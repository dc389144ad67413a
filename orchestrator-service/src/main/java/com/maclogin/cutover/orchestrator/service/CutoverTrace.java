package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.messaging.MessageTracing;
import com.maclogin.cutover.orchestrator.Cutover;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One cutover, one trace. The cutover keeps the W3C context of its first span ({@code cutover.trace_parent}): the
 * span of {@code POST /api/v1/cutovers} (or, for a cutover a fleet started, a root span of its own). Whenever the saga
 * handles the cutover outside that trace (the step-timeout check, the relay's dispatch hook, the fleet reconciler, an
 * operator's own HTTP request), {@link #enter} starts a span in the cutover's trace (linked to the request's span, if
 * any), so the outbox rows written then carry the cutover's trace on to the workers and rollback-service. Without an
 * OpenTelemetry SDK nothing is stored and nothing happens.
 */
@ApplicationScoped
public class CutoverTrace {

    private final MessageTracing tracing;

    public CutoverTrace(MessageTracing tracing) {
        this.tracing = tracing;
    }

    /** Makes the cutover's trace current for the saga's work on {@code what} (an input's name); close when done. */
    public Scope enter(Cutover c, String what) {
        SpanContext current = Span.current().getSpanContext();
        if (c.traceParent == null) {
            if (current.isValid()) {
                c.traceParent = MessageTracing.currentTraceparent(); // the request that created it: its first span
                return Scope.noop();
            }
            Span root = span(c, what, Context.root(), current);
            c.traceParent = MessageTracing.traceparentOf(Context.root().with(root));
            return scoped(root);
        }
        SpanContext stored = MessageTracing.spanContextOf(c.traceParent);
        if (!stored.isValid() || current.isValid() && current.getTraceId().equals(stored.getTraceId())) {
            return Scope.noop(); // already in the cutover's trace (a worker's reply), or nothing usable stored
        }
        return scoped(span(c, what, Context.root().with(Span.wrap(stored)), current));
    }

    private Span span(Cutover c, String what, Context parent, SpanContext link) {
        var builder = tracing.tracer().spanBuilder("cutover " + what).setSpanKind(SpanKind.INTERNAL).setParent(parent)
                .setAttribute(MessageTracing.CUTOVER_ID, String.valueOf(c.id))
                .setAttribute(MessageTracing.LEASE_ID, String.valueOf(c.leaseId));
        if (link.isValid()) {
            builder.addLink(link);
        }
        return builder.startSpan();
    }

    private static Scope scoped(Span span) {
        Scope scope = span.makeCurrent();
        return () -> {
            scope.close();
            span.end();
        };
    }
}
