package com.maclogin.cutover.probe.watch;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * launchd's run counter of one lease over time, counting <em>crashes</em>: respawns whose last exit was not clean
 * (an exit code other than 0, or a terminating signal). A crash loop is {@code crashes} or more within the window
 * (PLAYBOOK "Exit loop: 3 crashes within 5 minutes"). A clean restart — the gateway drains on SIGTERM and exits 0, as
 * {@code launchctl kickstart -k} (the cutover's restart drill) and a RELOAD's bootout/bootstrap make it — is no crash,
 * so the product's own restarts never look like a loop. When the counter grew by several between two reads, the one
 * last exit launchd shows stands for all of them. A counter that went down (the job was booted out and loaded again)
 * starts a new history. Not thread-safe: one lease's rounds never overlap.
 */
final class RunCounter {

    private record Crash(long atMillis, long count) {
    }

    private final long windowMillis;
    private final Deque<Crash> crashes = new ArrayDeque<>();
    private Long lastRuns;

    RunCounter(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /**
     * Records a reading of launchd's counter and whether the last exit it shows was clean; returns the crashes within
     * the window up to this reading.
     */
    long record(long atMillis, long runs, boolean lastExitClean) {
        if (lastRuns != null && runs < lastRuns) {
            crashes.clear();
        } else if (lastRuns != null && runs > lastRuns && !lastExitClean) {
            crashes.addLast(new Crash(atMillis, runs - lastRuns));
        }
        lastRuns = runs;
        while (!crashes.isEmpty() && crashes.peekFirst().atMillis() < atMillis - windowMillis) {
            crashes.pollFirst();
        }
        return crashes();
    }

    /** The crashes within the window as of the last reading. */
    long crashes() {
        long n = 0;
        for (Crash c : crashes) {
            n += c.count();
        }
        return n;
    }
}
