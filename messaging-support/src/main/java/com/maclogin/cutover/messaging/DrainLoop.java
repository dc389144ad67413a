package com.maclogin.cutover.messaging;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One thread that runs a pass when woken and at least every {@code every}. Passes never overlap; wake-ups while a
 * pass is queued are merged into it (the queued pass will see everything committed before it starts). A pass that
 * throws is logged and the next one runs as usual.
 */
public final class DrainLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DrainLoop.class);

    private final String name;
    private final Duration every;
    private final Runnable pass;
    private final ScheduledThreadPoolExecutor thread;
    private final AtomicBoolean queued = new AtomicBoolean();

    public DrainLoop(String name, Duration every, Runnable pass) {
        this.name = name;
        this.every = every;
        this.pass = pass;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Starts the periodic passes (the first one at once). */
    public void start() {
        long millis = Math.max(1, every.toMillis());
        thread.scheduleWithFixedDelay(this::wake, 0, millis, TimeUnit.MILLISECONDS);
    }

    /** Asks for a pass; returns at once. */
    public void wake() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(this::runPass);
            } catch (RejectedExecutionException e) {
                queued.set(false); // closed
            }
        }
    }

    /** Asks for a pass after {@code delay}. */
    public void wakeAfter(Duration delay) {
        try {
            thread.schedule(this::wake, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void runPass() {
        queued.set(false);
        try {
            pass.run();
        } catch (RuntimeException e) {
            LOG.warnf("%s: pass failed, the next one retries: %s", name, e.toString());
        }
    }

    /** Stops the loop: a running pass may finish (up to 5 s), nothing new starts. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
