package com.maclogin.cutover.rollback.service;

import com.maclogin.cutover.rollback.config.RollbackConfig;
import com.maclogin.cutover.rollback.repository.RollbackRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/** Turns a command the worker never answered (deadline + grace passed) into a TIMED_OUT handling. */
@ApplicationScoped
public class DeadlineWatchdog {

    private final RollbackRepository rollbacks;
    private final RollbackService service;
    private final RollbackConfig config;

    public DeadlineWatchdog(RollbackRepository rollbacks, RollbackService service, RollbackConfig config) {
        this.rollbacks = rollbacks;
        this.service = service;
        this.config = config;
    }

    private volatile boolean stopping;

    void onShutdown(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "${rollback.watchdog.interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (stopping) {
            return;
        }
        Instant cutoff = Instant.now().minus(config.watchdog().grace());
        for (String cutoverId : overdue(cutoff)) {
            try {
                service.onDeadlinePassed(cutoverId, cutoff);
            } catch (RuntimeException e) {
                Log.warnf("cutover %s: deadline handling failed, retried next tick: %s", cutoverId, e.toString());
            }
        }
    }

    @Transactional
    List<String> overdue(Instant cutoff) {
        return rollbacks.overdueCutoverIds(cutoff);
    }
}
