package com.maclogin.cutover.orchestrator;

/** Where one command of a cutover stands. */
public enum StepState {
    /** Command written to the outbox; waiting for its result. */
    SENT,
    /** A result arrived (or the deadline passed: outcome TIMED_OUT). */
    DONE,
    /** Fenced off by an abort or rollback before its result arrived; a late result is ignored. */
    SUPERSEDED,
    /** Ran inside the orchestrator (COMMUNICATE). */
    LOCAL
}
