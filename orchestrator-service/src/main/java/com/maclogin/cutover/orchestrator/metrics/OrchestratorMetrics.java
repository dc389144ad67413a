package com.maclogin.cutover.orchestrator.metrics;

import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.orchestrator.CutoverState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The orchestrator's Prometheus meters, all registered at start-up so every series exists before the first
 * observation:
 * <ul>
 * <li>{@code cutover_step_duration_seconds{kind}}: histogram of a step from its dispatch (the relay published the
 * RunStep) to its result being stored, for every worker step kind (COMMUNICATE runs locally, in no time), buckets
 * 50 ms to 30 min;</li>
 * <li>{@code cutover_cutovers{state}}: cutovers per state, from PostgreSQL;</li>
 * <li>{@code cutover_leases{health}}: leases by what the product knows of them today: {@code in_cutover} (an active
 * cutover), {@code rollback_failed} (the latest cutover ended ROLLBACK_FAILED: the lease needs a human),
 * {@code last_cutover_failed} (the latest ended FAILED or ROLLED_BACK), {@code idle} (anything else, or none yet).
 * The continuous-watch issue will refine this.</li>
 * </ul>
 * The two gauges are read from a cache refreshed every {@code orchestrator.metrics.refresh} (default 15 s), never by
 * a query per scrape.
 */
@Startup
@ApplicationScoped
public class OrchestratorMetrics {

    /** Prometheus {@code cutover_step_duration_seconds}. */
    public static final String STEP_DURATION = "cutover.step.duration";
    /** Prometheus {@code cutover_cutovers}. */
    public static final String CUTOVERS = "cutover.cutovers";
    /** Prometheus {@code cutover_leases}. */
    public static final String LEASES = "cutover.leases";
    /** The values of {@code cutover_leases{health}}. */
    public static final List<String> LEASE_HEALTH = List.of("in_cutover", "idle", "last_cutover_failed",
            "rollback_failed");
    /** The step kinds a worker runs (RESTORE is rollback-service's, registered for a uniform dashboard). */
    public static final List<String> STEP_KINDS = java.util.Arrays.stream(StepKind.values()).map(Enum::name).toList();

    static final Duration[] STEP_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
            Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(20),
            Duration.ofMinutes(30)};

    private final EntityManager em;
    private final Map<String, Timer> stepDuration = new ConcurrentHashMap<>();
    private final Map<CutoverState, AtomicLong> byState = new EnumMap<>(CutoverState.class);
    private final Map<String, AtomicLong> byHealth = new LinkedHashMap<>();
    private final MeterRegistry registry;

    public OrchestratorMetrics(MeterRegistry registry, EntityManager em) {
        this.registry = registry;
        this.em = em;
        for (String kind : STEP_KINDS) {
            stepDuration.put(kind, stepTimer(kind));
        }
        for (CutoverState s : CutoverState.values()) {
            AtomicLong n = new AtomicLong();
            byState.put(s, n);
            Gauge.builder(CUTOVERS, n, AtomicLong::get).description("cutovers per state (refreshed from PostgreSQL)")
                    .tag("state", s.name()).register(registry);
        }
        for (String h : LEASE_HEALTH) {
            AtomicLong n = new AtomicLong();
            byHealth.put(h, n);
            Gauge.builder(LEASES, n, AtomicLong::get).description("leases by health (refreshed from PostgreSQL)")
                    .tag("health", h).register(registry);
        }
    }

    private Timer stepTimer(String kind) {
        return Timer.builder(STEP_DURATION).description("a step from its dispatch to its stored result, by kind")
                .tag("kind", kind).serviceLevelObjectives(STEP_BUCKETS).register(registry);
    }

    /** A step's result was stored at {@code at}; it was dispatched at {@code dispatchedAt}. */
    public void stepFinished(String kind, Instant dispatchedAt, Instant at) {
        if (kind == null || dispatchedAt == null || at.isBefore(dispatchedAt)) {
            return;
        }
        stepDuration.computeIfAbsent(kind, this::stepTimer).record(Duration.between(dispatchedAt, at));
    }

    /** Reads the counts behind the two gauges (at start-up and then on the schedule). */
    @Scheduled(every = "${orchestrator.metrics.refresh:15s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void refresh() {
        try {
            Map<CutoverState, Long> states = new EnumMap<>(CutoverState.class);
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("select state, count(*) from cutover group by state")
                    .getResultList();
            for (Object[] r : rows) {
                try {
                    states.put(CutoverState.valueOf(String.valueOf(r[0])), ((Number) r[1]).longValue());
                } catch (IllegalArgumentException unknown) {
                    // a state this build does not know: not a series
                }
            }
            byState.forEach((s, n) -> n.set(states.getOrDefault(s, 0L)));

            Map<String, Long> health = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            List<Object> latest = em.createNativeQuery("select (select c.state from cutover c where c.lease_id = l.id"
                    + " order by (c.ended_at is null) desc, c.created_at desc limit 1) from lease l").getResultList();
            for (Object state : latest) {
                String h = health(state == null ? null : String.valueOf(state));
                health.merge(h, 1L, Long::sum);
            }
            byHealth.forEach((h, n) -> n.set(health.getOrDefault(h, 0L)));
        } catch (RuntimeException e) {
            Log.debugf("metrics refresh skipped: %s", e.toString()); // e.g. the database is restarting; the next try
        }
    }

    /** A lease's health from its latest cutover's state (an active one first); null = none yet. */
    static String health(String latestState) {
        if (latestState == null) {
            return "idle";
        }
        CutoverState s;
        try {
            s = CutoverState.valueOf(latestState);
        } catch (IllegalArgumentException e) {
            return "idle";
        }
        if (s.isActive()) {
            return "in_cutover";
        }
        return switch (s) {
            case ROLLBACK_FAILED -> "rollback_failed";
            case FAILED, ROLLED_BACK -> "last_cutover_failed";
            default -> "idle";
        };
    }
}
