package com.maclogin.cutover.probe.watch;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code lease-watch}: DOWN only when the watch is on and its scheduler thread is not running (no lease of this
 * worker's partitions would be watched); the data say how many leases and step-topic partitions it holds.
 */
@Readiness
@ApplicationScoped
public class WatchReadinessCheck implements HealthCheck {

    private final WatchService watch;
    private final OwnedPartitions owned;

    public WatchReadinessCheck(WatchService watch, OwnedPartitions owned) {
        this.watch = watch;
        this.owned = owned;
    }

    @Override
    public HealthCheckResponse call() {
        OwnedPartitions.Snapshot s = owned.snapshot();
        return HealthCheckResponse.named("lease-watch").status(!watch.active() || watch.schedulerAlive())
                .withData("active", watch.active()).withData("leases", watch.watchedLeases().size())
                .withData("partitions", s.partitions().size()).withData("partitionCount", s.count()).build();
    }
}
