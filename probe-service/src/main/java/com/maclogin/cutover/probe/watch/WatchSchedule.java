package com.maclogin.cutover.probe.watch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.DoubleSupplier;

/**
 * When each watched lease's next round is due, in milliseconds of a monotonic clock the caller supplies (so a test
 * drives it with a fake clock). A lease added at {@code now} is first due at {@code now + random * interval} (the
 * rounds of many leases added at once spread over one interval, no thundering herd); after that it is due every
 * {@code interval} after its previous due time (fixed rate, not fixed delay: a slow round does not push the next
 * one). A lease whose due time passed by more than a whole interval (the worker was stalled) is due once, at the
 * latest missed time: missed rounds are not run in a burst. Not thread-safe: the scheduler thread alone uses it.
 */
public final class WatchSchedule {

    /** One due round: the lease and the time it was due (lateness = start - dueAt). */
    public record Due(String leaseId, long dueAtMillis, long intervalMillis) {
    }

    private record Entry(String leaseId, long dueAt, long generation) {
    }

    private final DoubleSupplier random;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> Long.compare(a.dueAt, b.dueAt));
    private final Map<String, long[]> leases = new HashMap<>(); // id -> {interval, generation}
    private long generations;

    /** {@code random}: a uniform value in [0, 1) per call (the first round's jitter). */
    public WatchSchedule(DoubleSupplier random) {
        this.random = random;
    }

    /** Adds {@code leaseId} (or changes its interval: it is then rescheduled with a new jitter). */
    public void put(String leaseId, long intervalMillis, long nowMillis) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("interval must be > 0");
        }
        long[] held = leases.get(leaseId);
        if (held != null && held[0] == intervalMillis) {
            return;
        }
        long generation = ++generations;
        leases.put(leaseId, new long[] {intervalMillis, generation});
        long jitter = (long) Math.floor(random.getAsDouble() * intervalMillis);
        queue.add(new Entry(leaseId, nowMillis + Math.max(0, Math.min(intervalMillis - 1, jitter)), generation));
    }

    /** Removes {@code leaseId}; its queued due time is dropped. */
    public void remove(String leaseId) {
        leases.remove(leaseId);
    }

    public boolean contains(String leaseId) {
        return leases.containsKey(leaseId);
    }

    public int size() {
        return leases.size();
    }

    /** Milliseconds until the earliest due round (0 if one is due; {@code Long.MAX_VALUE} when nothing is scheduled). */
    public long millisUntilNext(long nowMillis) {
        dropStale();
        Entry e = queue.peek();
        return e == null ? Long.MAX_VALUE : Math.max(0, e.dueAt - nowMillis);
    }

    /** The rounds due at {@code nowMillis}, earliest first; each lease is scheduled again one interval later. */
    public List<Due> due(long nowMillis) {
        List<Due> out = new ArrayList<>();
        while (true) {
            dropStale();
            Entry e = queue.peek();
            if (e == null || e.dueAt > nowMillis) {
                return out;
            }
            queue.poll();
            long interval = leases.get(e.leaseId)[0];
            long dueAt = e.dueAt;
            if (nowMillis - dueAt >= interval) {
                // stalled for more than an interval: one round now, at the latest missed due time
                dueAt += ((nowMillis - dueAt) / interval) * interval;
            }
            out.add(new Due(e.leaseId, dueAt, interval));
            queue.add(new Entry(e.leaseId, dueAt + interval, e.generation));
        }
    }

    private void dropStale() {
        while (!queue.isEmpty()) {
            Entry e = queue.peek();
            long[] held = leases.get(e.leaseId);
            if (held != null && held[1] == e.generation) {
                return;
            }
            queue.poll();
        }
    }
}
