package com.maclogin.cutover.rollback.metrics;

import com.maclogin.cutover.messaging.MessageTracing;
import com.maclogin.cutover.rollback.Rollback;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * rollback-service's Prometheus meter and trace continuation.
 * <p>
 * {@code rollback_breach_to_restored_seconds{cause}}, registered at start-up for both causes: from the rollback's
 * request (a worker's breach: its timestamp; {@code cause="breach"}, or an operator's request:
 * {@code cause="operator"}) to the restore being verified: the first verification round in which every probe layer
 * passed on the restored version ({@code matrixGreenAt}), else (none, or stamped before the request by a skewed clock)
 * the instant it became ROLLED_BACK. Buckets 1 s to 30 min.
 * <p>
 * A rollback keeps the W3C context of the message that started it; the deadline watchdog's work on it continues that
 * trace ({@link #enter}).
 */
@Startup
@ApplicationScoped
public class RollbackMetrics {

    /** Prometheus {@code rollback_breach_to_restored_seconds}. */
    public static final String BREACH_TO_RESTORED = "rollback.breach.to.restored";
    public static final List<String> CAUSES = List.of("breach", "operator");

    static final Duration[] BUCKETS = {Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(30),
            Duration.ofSeconds(45), Duration.ofMinutes(1), Duration.ofSeconds(90), Duration.ofMinutes(2),
            Duration.ofMinutes(3), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15),
            Duration.ofMinutes(30)};

    private final Map<String, Timer> restored;
    private final MessageTracing tracing;

    public RollbackMetrics(MeterRegistry registry, MessageTracing tracing) {
        this.tracing = tracing;
        this.restored = Map.of("breach", timer(registry, "breach"), "operator", timer(registry, "operator"));
    }

    private static Timer timer(MeterRegistry registry, String cause) {
        return Timer.builder(BREACH_TO_RESTORED)
                .description("a rollback's request (breach or operator) to its restore verified on the old version")
                .tag("cause", cause).serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** The rollback has just become ROLLED_BACK at {@code at}. */
    public void rolledBack(Rollback rb, Instant at) {
        Instant from = rb.requestedAt;
        // the worker's clock stamps matrixGreenAt: one behind the request's (skew) falls back to this instant
        Instant to = rb.matrixGreenAt != null && from != null && !rb.matrixGreenAt.isBefore(from) ? rb.matrixGreenAt : at;
        if (from == null || to == null || to.isBefore(from)) {
            return;
        }
        String cause = rb.requestedBy != null && rb.requestedBy.startsWith("trigger:") ? "breach" : "operator";
        restored.get(cause).record(Duration.between(from, to));
    }

    /**
     * Continues the rollback's trace while the saga works on it outside any trace (the deadline watchdog); the first
     * traced message that reaches a rollback gives it its trace (RollbackService stores it).
     */
    public Scope enter(Rollback rb) {
        if (rb == null || rb.traceParent == null) {
            return Scope.noop();
        }
        SpanContext current = Span.current().getSpanContext();
        SpanContext stored = MessageTracing.spanContextOf(rb.traceParent);
        if (current.isValid() || !stored.isValid()) {
            return Scope.noop();
        }
        Span span = tracing.tracer().spanBuilder("rollback deadline").setSpanKind(SpanKind.INTERNAL)
                .setParent(Context.root().with(Span.wrap(stored)))
                .setAttribute(MessageTracing.CUTOVER_ID, String.valueOf(rb.cutoverId))
                .setAttribute(MessageTracing.LEASE_ID, String.valueOf(rb.leaseId)).startSpan();
        Scope scope = span.makeCurrent();
        return () -> {
            scope.close();
            span.end();
        };
    }
}
