package com.maclogin.cutover.probe.client;

import java.util.Arrays;

/**
 * Outcome of one command on the lease. {@code exitCode} is -1 when the server sent none (e.g. killed by signal).
 * {@code durationMillis} runs from the exec request to the exit status; {@code connectMillis} is the time this call
 * spent opening a new SSH connection first (0 on a pooled one); {@code arrivals} says when each piece of stdout
 * reached the worker, so that the parts of a {@code CommandBatch} can be timed without any clock on the lease.
 */
public record CommandResult(int exitCode, String stdout, String stderr, long durationMillis, long connectMillis,
        Arrivals arrivals) {

    public CommandResult(int exitCode, String stdout, String stderr, long durationMillis) {
        this(exitCode, stdout, stderr, durationMillis, 0, Arrivals.NONE);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** stdout and stderr as one text for evidence. */
    public String combined() {
        if (stderr == null || stderr.isEmpty()) {
            return stdout;
        }
        if (stdout == null || stdout.isEmpty()) {
            return stderr;
        }
        return stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
    }

    /**
     * When stdout arrived: after {@code byteEnds[i]} bytes had been read, {@code millis[i]} ms had passed since the
     * exec request. Read-side marks (one per read), so a byte's time is that of the first read that ended at or after it.
     */
    public record Arrivals(long[] byteEnds, long[] millis) {

        public static final Arrivals NONE = new Arrivals(new long[0], new long[0]);

        /** ms after the exec request at which the stdout byte at {@code offset} (0-based) had arrived; -1 if unknown. */
        public long millisAt(long offset) {
            int i = Arrays.binarySearch(byteEnds, offset + 1);
            if (i < 0) {
                i = -i - 1;
            }
            return i < byteEnds.length ? millis[i] : -1;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Arrivals a && Arrays.equals(byteEnds, a.byteEnds) && Arrays.equals(millis, a.millis);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(byteEnds) + Arrays.hashCode(millis);
        }

        @Override
        public String toString() {
            return "Arrivals[" + byteEnds.length + " reads]";
        }
    }
}
