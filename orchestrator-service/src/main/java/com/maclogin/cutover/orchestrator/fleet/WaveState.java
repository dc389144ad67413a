package com.maclogin.cutover.orchestrator.fleet;

/** Lifecycle of one wave. */
public enum WaveState {
    PENDING, RUNNING, BAKING, DONE,
    /** The fleet stopped (halt, rollback, abort) while this wave ran. */
    STOPPED
}
