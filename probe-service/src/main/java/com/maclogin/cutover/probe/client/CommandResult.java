package com.maclogin.cutover.probe.client;

/** Outcome of one command on the lease. {@code exitCode} is -1 when the server sent none (e.g. killed by signal). */
public record CommandResult(int exitCode, String stdout, String stderr, long durationMillis) {

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
}
