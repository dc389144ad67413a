package com.maclogin.cutover.probe.service;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One lane per lease: work for the same lease runs strictly one after another in submission order, work for
 * different leases runs in parallel on the shared executor. Nothing here blocks the caller (the Kafka poll loop).
 */
public final class LeaseLanes {

    private final Executor executor;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    public LeaseLanes(Executor executor) {
        this.executor = executor;
    }

    public <T> CompletableFuture<T> submit(String lane, Supplier<T> work) {
        synchronized (tails) {
            CompletableFuture<Void> tail = tails.getOrDefault(lane, CompletableFuture.completedFuture(null));
            CompletableFuture<T> next = tail.thenApplyAsync(v -> work.get(), executor);
            CompletableFuture<Void> newTail = next.handle((r, e) -> null);
            tails.put(lane, newTail);
            newTail.thenRun(() -> {
                synchronized (tails) {
                    tails.remove(lane, newTail);
                }
            });
            return next;
        }
    }

    /** Lanes with work queued or running. */
    public int activeLanes() {
        synchronized (tails) {
            return tails.size();
        }
    }
}
