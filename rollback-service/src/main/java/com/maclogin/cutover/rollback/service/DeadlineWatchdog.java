package com.maclogin.cutover.rollback.service;

import com.maclogin.cutover.messaging.DrainLoop;
import com.maclogin.cutover.rollback.config.RollbackConfig;
import com.maclogin.cutover.rollback.repository.RollbackRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Turns a command the worker never answered (deadline + grace passed) into a TIMED_OUT handling, every
 * {@code rollback.watchdog.interval} on its own thread (messaging-support's {@link DrainLoop}, stopped at shutdown).
 */
@ApplicationScoped
public class DeadlineWatchdog {

    private final RollbackRepository rollbacks;
    private final RollbackService service;
    private final RollbackConfig config;
    /** The watchdog's own thread. */
    private final DrainLoop loop;

    public DeadlineWatchdog(RollbackRepository rollbacks, RollbackService service, RollbackConfig config) {
        this.rollbacks = rollbacks;
        this.service = service;
        this.config = config;
        this.loop = new DrainLoop("rollback-deadline-watchdog", config.watchdog().interval(), this::tick);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) {
        loop.close();
    }

    void tick() {
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
