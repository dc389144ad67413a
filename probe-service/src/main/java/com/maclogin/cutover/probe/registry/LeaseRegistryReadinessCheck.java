package com.maclogin.cutover.probe.registry;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the region's lease registry was read to the end it had at start (before that, steps would wait). */
@Readiness
@ApplicationScoped
public class LeaseRegistryReadinessCheck implements HealthCheck {

    private final LeaseRegistry registry;

    public LeaseRegistryReadinessCheck(LeaseRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("lease-registry").status(registry.caughtUp())
                .withData("topic", registry.topic()).withData("leases", registry.size()).build();
    }
}
