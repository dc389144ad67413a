package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.probe.client.SshUnavailableException;

/**
 * A transient SSH fault in a step that is retried as a whole ({@link TransientRetry.Scope#STEP}): the step stops here
 * and {@link StepExecutionService} runs it again from the ledger check, or answers {@code failure} when no retry is
 * left.
 */
final class TransientStepFault extends RuntimeException {

    private final transient SshUnavailableException fault;
    private final String what;
    private final transient RuntimeException failure;

    TransientStepFault(String what, SshUnavailableException fault, RuntimeException failure) {
        super(failure.getMessage(), fault);
        this.what = what;
        this.fault = fault;
        this.failure = failure;
    }

    SshUnavailableException fault() {
        return fault;
    }

    String what() {
        return what;
    }

    /** What the step ends with when it is not retried (the same as without retries). */
    RuntimeException failure() {
        return failure;
    }
}
