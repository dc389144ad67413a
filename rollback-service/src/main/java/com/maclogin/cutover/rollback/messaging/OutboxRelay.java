package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.rollback.service.OutboxWriter;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes the outbox: right after each commit that wrote to it, and by a periodic sweep. Both run on one relay
 * thread, so this instance publishes strictly in id order; other instances skip rows this one has locked.
 */
@ApplicationScoped
public class OutboxRelay {

    private final OutboxPublisher publisher;
    private final ExecutorService relayThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rollback-outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();

    public OutboxRelay(OutboxPublisher publisher) {
        this.publisher = publisher;
    }

    /** After the business transaction committed: publish without waiting for the sweep. */
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWriter.OutboxWritten written) {
        requestDrain();
    }

    @Scheduled(every = "${rollback.outbox.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        requestDrain();
    }

    /** Queues one drain unless one is already queued (a queued drain will see every committed row). */
    public void requestDrain() {
        if (queued.compareAndSet(false, true)) {
            try {
                relayThread.execute(this::drain);
            } catch (RejectedExecutionException e) {
                queued.set(false); // shutting down
            }
        }
    }

    private void drain() {
        queued.set(false);
        try {
            OutboxPublisher.Batch batch;
            do {
                batch = publisher.publishBatch();
            } while (batch.more());
        } catch (RuntimeException e) {
            Log.warnf("outbox relay pass failed, the sweep retries: %s", e.toString());
        }
    }

    /** Stops before Hibernate closes; rows not yet published stay in the outbox for the next start. */
    void onShutdown(@Observes ShutdownEvent event) throws InterruptedException {
        stop();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        relayThread.shutdown();
        relayThread.awaitTermination(3, TimeUnit.SECONDS);
    }
}
