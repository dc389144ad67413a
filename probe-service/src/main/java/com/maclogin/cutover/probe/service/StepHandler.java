package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;

/** Translates one {@code StepKind} into commands on the lease. */
interface StepHandler {

    /** Checks the parameters before anything touches the lease: {@code null}, or why the command is refused. */
    default String validate(RunStep command) {
        return null;
    }

    /**
     * Runs the step. Returning normally means SUCCEEDED (facts, evidence and an optional reason are in the context);
     * {@link StepFailedException}, {@link StepRefusedException} and {@link DeadlineExceededException} end it otherwise.
     */
    void run(StepContext ctx);
}
