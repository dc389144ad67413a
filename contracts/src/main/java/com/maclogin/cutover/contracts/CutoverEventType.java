package com.maclogin.cutover.contracts;

/** Lifecycle of a cutover, as announced on {@code cutover.events}. */
public enum CutoverEventType {
    /** Gates passed, the change begins: the maintenance banner. */
    CUTOVER_STARTED,
    /** Validation window passed: "cutover green". */
    CUTOVER_GREEN,
    /** Inventory gates refused the cutover; nothing changed on the lease. */
    CUTOVER_FAILED,
    /** Stopped before the plist flip; nothing to restore. */
    CUTOVER_ABORTED,
    /** A breached trigger with action PAUSE stopped validation; the cutover waits for a human. */
    CUTOVER_PAUSED,
    /** A rollback began (operator request or breached trigger): the incident. */
    ROLLBACK_STARTED,
    /** The lease runs the previous version again, hashes verified and health green. */
    ROLLED_BACK,
    /** The restore or its verification failed: the lease needs a human. */
    ROLLBACK_FAILED
}
