package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * The end-to-end proof that one cutover is one trace across the four services: every service of the local stack
 * exports its spans (OTLP/HTTP) to the stack's in-memory {@link TraceCollector}; the spans that name the cutover
 * ({@code cutover.id}) all belong to the trace its {@code POST /api/v1/cutovers} started, and that trace holds spans of
 * the orchestrator, a probe worker, rollback-service and the notifier.
 */
final class OneTracePerCutover {

    static final Set<String> SERVICES = Set.of("orchestrator-service", "probe-service", "rollback-service",
            "notifier-service");

    private OneTracePerCutover() {
    }

    /** For a cutover that was rolled back (so rollback-service took part); waits for the batch exports. */
    static void assertOneTraceAcrossTheServices(LocalStack stack, String cutoverId) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<TraceCollector.Span> spans = stack.traces().spans();
            List<TraceCollector.Span> named = spans.stream()
                    .filter(s -> cutoverId.equals(s.attributes().get("cutover.id"))).toList();
            Map<String, Set<String>> servicesByTrace = new TreeMap<>();
            for (TraceCollector.Span s : named) {
                servicesByTrace.computeIfAbsent(s.traceId(), k -> new TreeSet<>()).add(s.service());
            }
            assertThat(servicesByTrace).as("traces of the spans naming cutover %s (trace -> services)", cutoverId)
                    .hasSize(1);
            String traceId = servicesByTrace.keySet().iterator().next();
            List<TraceCollector.Span> trace = spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
            assertThat(trace.stream().map(TraceCollector.Span::service).collect(Collectors.toSet()))
                    .as("services with spans in trace %s", traceId).containsAll(SERVICES);
            List<TraceCollector.Span> roots = trace.stream().filter(s -> s.parentSpanId().isEmpty()).toList();
            assertThat(roots).as("the trace's root span").singleElement().satisfies(root -> {
                assertThat(root.service()).isEqualTo("orchestrator-service");
                assertThat(root.name()).startsWith("POST").contains("/api/v1/cutovers");
            });
            System.out.printf("[measure] cutover %s: one trace %s, %d spans from %s%n", cutoverId, traceId,
                    trace.size(), trace.stream().map(TraceCollector.Span::service).collect(Collectors.toCollection(TreeSet::new)));
        });
    }
}
