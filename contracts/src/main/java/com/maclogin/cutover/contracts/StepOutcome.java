package com.maclogin.cutover.contracts;

/** How a step ended. A timeout and a refusal are results, never a hang or an exception on the wire. */
public enum StepOutcome {
    SUCCEEDED,
    /** The step ran and its check failed (e.g. plutil -lint rejected the plist, readyz never became 200). */
    FAILED,
    /** The step did not finish before its deadline. */
    TIMED_OUT,
    /** The worker would not run it: stale epoch, unknown host key, invalid parameters, wrong region. */
    REFUSED
}
