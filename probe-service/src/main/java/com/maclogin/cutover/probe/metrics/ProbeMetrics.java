package com.maclogin.cutover.probe.metrics;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbeResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The worker's Prometheus meters, registered at start-up so every series exists before the first probe:
 * {@code probe_latency_seconds{layer}} (histogram of each validation probe's measured latency, buckets from 5 ms to
 * 10 s; a probe without a latency, e.g. an ERROR that measured nothing, is not observed).
 */
@Startup
@ApplicationScoped
public class ProbeMetrics {

    /** Prometheus name {@code probe_latency_seconds}. */
    public static final String PROBE_LATENCY = "probe.latency";

    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final Map<ProbeLayer, Timer> latency = new EnumMap<>(ProbeLayer.class);

    public ProbeMetrics(MeterRegistry registry) {
        for (ProbeLayer layer : ProbeLayer.values()) {
            latency.put(layer, Timer.builder(PROBE_LATENCY)
                    .description("latency of one validation probe, by layer")
                    .tag("layer", layer.name())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry));
        }
    }

    /** Observes the probe's latency, when it measured one. */
    public void probed(ProbeResult result) {
        if (result.layer() != null && result.latencyMillis() != null && result.latencyMillis() >= 0) {
            latency.get(result.layer()).record(Duration.ofMillis(result.latencyMillis()));
        }
    }
}
