package com.maclogin.cutover.probe.watch;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * launchd's run counter of one lease over time: a crash loop is a counter that grew by 2 or more within the
 * crash-loop window (two respawns the watch did not cause). A counter that went down (the job was booted out and
 * loaded again) starts a new history. Not thread-safe: one lease's rounds never overlap.
 */
final class RunCounter {

    private record Reading(long atMillis, long runs) {
    }

    private final long windowMillis;
    private final Deque<Reading> readings = new ArrayDeque<>();

    RunCounter(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /** Records a reading; returns how much the counter grew within the window up to it. */
    long record(long atMillis, long runs) {
        Reading last = readings.peekLast();
        if (last != null && runs < last.runs) {
            readings.clear();
        }
        readings.addLast(new Reading(atMillis, runs));
        while (readings.size() > 1 && readings.peekFirst().atMillis < atMillis - windowMillis) {
            readings.pollFirst();
        }
        return runs - readings.peekFirst().runs;
    }

    /** The growth within the window as of the last reading (0 without two readings). */
    long growth() {
        return readings.isEmpty() ? 0 : readings.peekLast().runs - readings.peekFirst().runs;
    }
}
