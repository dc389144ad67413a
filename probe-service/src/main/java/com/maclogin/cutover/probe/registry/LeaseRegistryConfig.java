package com.maclogin.cutover.probe.registry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The worker's copy of its region's lease registry ({@code cutover.leases.<region>}). */
@ConfigMapping(prefix = "probe.registry")
public interface LeaseRegistryConfig {

    /** How long a step command that arrives before the registry was read to its end waits for it before it is refused. */
    @WithDefault("PT30S")
    Duration catchUpTimeout();

    /** Pause before the registry reader tries again after an error (broker away, topic not there yet). */
    @WithDefault("PT1S")
    Duration retryInterval();

    /** Longest wait of one poll of the registry topic (a new registration is seen within about this). */
    @WithDefault("PT0.5S")
    Duration pollTimeout();
}
