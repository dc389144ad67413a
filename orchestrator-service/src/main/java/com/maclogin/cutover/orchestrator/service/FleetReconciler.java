package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.orchestrator.repository.FleetRepository;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;

/**
 * Level-triggered: every {@code orchestrator.fleet.tick} each active fleet is reconciled from PostgreSQL in its own
 * transaction with its row locked, so a restarted orchestrator (or a second instance) carries on exactly where the
 * stored state is, and two instances never act on one fleet at once.
 */
@ApplicationScoped
public class FleetReconciler {

    public static final String IDENTITY = "fleet-reconcile";

    private final FleetRepository fleets;
    private final FleetEngine engine;
    private volatile boolean stopped;

    public FleetReconciler(FleetRepository fleets, FleetEngine engine) {
        this.fleets = fleets;
        this.engine = engine;
    }

    void shutdown(@Observes ShutdownEvent ev) {
        stopped = true;
    }

    @Scheduled(identity = IDENTITY, every = "${orchestrator.fleet.tick:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (stopped) {
            return;
        }
        reconcileAll(Instant.now());
    }

    /** Reconciles every active fleet once; a failing fleet is logged and retried on the next tick. */
    public void reconcileAll(Instant now) {
        List<String> ids = QuarkusTransaction.requiringNew().call(fleets::activeIds);
        for (String id : ids) {
            reconcile(id, now);
        }
    }

    public void reconcile(String id, Instant now) {
        try {
            QuarkusTransaction.requiringNew().run(() -> fleets.lock(id).ifPresent(f -> engine.reconcile(f, now)));
        } catch (RuntimeException e) {
            Log.warnf(e, "fleet %s: reconcile failed, retried next tick", id);
        }
    }
}
