package com.maclogin.cutover.probe.watch;

import com.maclogin.cutover.probe.client.LeaseSshClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The watch's meters (names agreed with the benchmarks, Prometheus form): {@code probe_watch_leases} (leases this
 * worker watches), {@code probe_watch_rounds_total{outcome}}, {@code probe_watch_lateness_seconds} (round start minus
 * due time; quantiles 0.5 and 0.99 published), {@code probe_watch_round_seconds}, {@code probe_ssh_connections} (open
 * pooled SSH connections, steps' and probes'), {@code probe_watch_reconnects_total{outcome}}.
 */
@ApplicationScoped
public class WatchMetrics {

    /** A round ran connected. */
    public static final String ROUND_OK = "ok";
    /** A round ran and SSH failed. */
    public static final String ROUND_UNREACHABLE = "unreachable";
    /** Not run: the lease's previous round was still running. */
    public static final String ROUND_OVERLAP = "overlap";
    /** Not run: the lease waits out its reconnect backoff. */
    public static final String ROUND_BACKOFF = "backoff";
    /** Put off until a reconnect token is free (runs later, late). */
    public static final String ROUND_THROTTLED = "throttled";

    private final MeterRegistry registry;
    private final Timer lateness;
    private final Timer round;
    private final Map<String, Counter> rounds = new ConcurrentHashMap<>();
    private final Map<String, Counter> reconnects = new ConcurrentHashMap<>();

    public WatchMetrics(MeterRegistry registry, LeaseSshClient ssh) {
        this.registry = registry;
        this.lateness = Timer.builder("probe.watch.lateness")
                .description("how late a watch round started against its schedule")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofMinutes(1))
                .register(registry);
        this.round = Timer.builder("probe.watch.round").description("duration of one watch round")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofMinutes(1))
                .register(registry);
        Gauge.builder("probe.ssh.connections", ssh, LeaseSshClient::openConnections)
                .description("open pooled SSH connections").register(registry);
        for (String o : new String[] {ROUND_OK, ROUND_UNREACHABLE, ROUND_OVERLAP, ROUND_BACKOFF, ROUND_THROTTLED}) {
            round(o);
        }
        for (String o : new String[] {"connected", "failed"}) {
            reconnect(o);
        }
    }

    void watchedLeases(Supplier<Number> count) {
        Gauge.builder("probe.watch.leases", count).description("leases this worker watches").register(registry);
    }

    void lateness(long millis) {
        lateness.record(Duration.ofMillis(Math.max(0, millis)));
    }

    void roundTook(long nanos) {
        round.record(Duration.ofNanos(nanos));
    }

    void round(String outcome, int n) {
        if (n > 0) {
            round(outcome).increment(n);
        }
    }

    private Counter round(String outcome) {
        return rounds.computeIfAbsent(outcome, o -> Counter.builder("probe.watch.rounds").tag("outcome", o)
                .description("watch rounds by outcome").register(registry));
    }

    void reconnected(boolean ok) {
        reconnect(ok ? "connected" : "failed").increment();
    }

    private Counter reconnect(String outcome) {
        return reconnects.computeIfAbsent(outcome, o -> Counter.builder("probe.watch.reconnects").tag("outcome", o)
                .description("SSH (re)connects of the watch by outcome").register(registry));
    }
}
