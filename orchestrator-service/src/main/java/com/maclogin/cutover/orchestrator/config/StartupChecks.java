package com.maclogin.cutover.orchestrator.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;

/** Refuses to start with configuration the playbook does not allow. */
@ApplicationScoped
public class StartupChecks {

    /** The probe matrix runs at least every 5 seconds. */
    public static final Duration MAX_PROBE_INTERVAL = Duration.ofSeconds(5);

    void check(@Observes StartupEvent start, OrchestratorConfig config) {
        Duration interval = config.validation().probeInterval();
        if (interval.isZero() || interval.isNegative() || interval.compareTo(MAX_PROBE_INTERVAL) > 0) {
            throw new IllegalStateException("orchestrator.validation.probe-interval " + interval + " must be above 0 and at most "
                    + MAX_PROBE_INTERVAL);
        }
        if (config.validation().window().toSeconds() < 1) {
            throw new IllegalStateException("orchestrator.validation.window " + config.validation().window()
                    + " must be at least 1 s");
        }
    }
}
