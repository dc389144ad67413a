package com.maclogin.cutover.orchestrator.fleet;

/** What the fleet recorded when a lease's cutover ended (once: the budget is counted from these). */
public enum LeaseOutcome {
    GREEN,
    /** Counted against the candidate (the failure budget). */
    FAILED,
    /** The lease failed; the control leases of its region are being probed before it is counted. */
    CONTROL_CHECK,
    /** The lease failed but its region's control leases failed too: the region's path, not the candidate. Not counted. */
    REGION_FAULT,
    /** Aborted (by the fleet's abort or by an operator). Not counted. */
    ABORTED,
    /** The fleet itself rolled it back while it was in flight. Not counted. */
    ROLLED_BACK_BY_FLEET;

    public boolean countsAgainstBudget() {
        return this == FAILED;
    }
}
