package com.maclogin.cutover.contracts;

/**
 * A lease's health as the continuous watch sees it (issue 12). Decided by the regional worker from each watch round
 * ({@link LeaseWatchReport}); kept, with the reason and since-when, by orchestrator-service.
 */
public enum LeaseHealthState {
    /** Every layer of the light matrix PASSED in the last round and the gateway is not crash-looping. */
    HEALTHY,
    /**
     * Up, but not as it should be: a layer other than PROCESS/APPLICATION FAILED (TCP, DISK low, certificate under the
     * warning limit) or a probe could not measure.
     */
    DEGRADED,
    /** The gateway is not serving: launchd says it is not running, it crash-loops, or /healthz or /readyz fails. */
    DOWN,
    /** The worker could not reach the lease over SSH (refused, timed out, host key mismatch, login refused). */
    UNREACHABLE,
    /** Nobody watched the lease recently: no worker owns it yet, or the reports stopped (set by orchestrator-service). */
    UNKNOWN
}
