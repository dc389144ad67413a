package com.maclogin.cutover.orchestrator.health;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;

/**
 * The continuous watch's timers, on every instance (docs/architecture.md, "Running several instances"): the stale sweep
 * (guarded: each lease in its own transaction with its {@code lease_health} row locked and re-checked, as
 * {@code TimeoutService} does with steps) and the retention job (idempotent deletes in short batches).
 */
@ApplicationScoped
public class LeaseHealthJobs {

    /** Leases marked per sweep transaction batch read. */
    static final int SWEEP_BATCH = 200;

    private final LeaseHealthService service;
    private final LeaseHealthRepository health;
    private final LeaseHealthConfig config;
    private final Instant started = Instant.now();
    private volatile boolean stopped;

    public LeaseHealthJobs(LeaseHealthService service, LeaseHealthRepository health, LeaseHealthConfig config) {
        this.service = service;
        this.health = health;
        this.config = config;
    }

    void shutdown(@Observes ShutdownEvent ev) {
        stopped = true;
    }

    @Scheduled(identity = "lease-health-stale-sweep", every = "${orchestrator.lease-health.sweep-interval:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        if (stopped) {
            return;
        }
        Instant now = Instant.now();
        // a freshly started instance first lets its consumer catch up: a backlog of reports is not silence
        if (now.isBefore(started.plus(config.staleAfter().orElse(config.staleAfterMin())))) {
            return;
        }
        try {
            sweep(now);
        } catch (RuntimeException e) {
            Log.warnf("lease health stale sweep failed: %s", e.toString());
        }
    }

    /** Marks every lease silent for its stale-after UNKNOWN; returns how many. */
    public int sweep(Instant now) {
        int n = 0;
        List<String> candidates;
        int marked;
        do {
            candidates = service.staleCandidates(now, SWEEP_BATCH);
            marked = 0;
            for (String id : candidates) {
                if (service.markStale(id, now)) {
                    marked++;
                }
            }
            n += marked;
        } while (candidates.size() == SWEEP_BATCH && marked > 0 && !stopped);
        return n;
    }

    @Scheduled(identity = "lease-health-retention", every = "${orchestrator.lease-health.retention-interval:1h}",
            delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retention() {
        if (stopped) {
            return;
        }
        try {
            purge(Instant.now());
        } catch (RuntimeException e) {
            Log.warnf("lease health retention failed: %s", e.toString());
        }
    }

    /** Deletes roll-ups and health changes past their retention, a batch per transaction; returns the rows deleted. */
    public long purge(Instant now) {
        int batch = config.retentionBatch();
        Instant rollupsBefore = now.minus(config.rollupRetention());
        Instant changesBefore = now.minus(config.changeRetention());
        long rollups = 0;
        long changes = 0;
        int n;
        do {
            n = QuarkusTransaction.requiringNew().call(() -> health.deleteRollupsBefore(rollupsBefore, batch));
            rollups += n;
        } while (n == batch && !stopped);
        do {
            n = QuarkusTransaction.requiringNew().call(() -> health.deleteChangesBefore(changesBefore, batch));
            changes += n;
        } while (n == batch && !stopped);
        if (rollups + changes > 0) {
            Log.infof("lease health retention: %d roll-ups older than %s and %d health changes older than %s deleted",
                    rollups, config.rollupRetention(), changes, config.changeRetention());
        }
        return rollups + changes;
    }
}
