package com.maclogin.cutover.probe.service;

/** The worker will not run (or continue) the step: answered {@code REFUSED} with this reason. */
public class StepRefusedException extends RuntimeException {

    public StepRefusedException(String reason) {
        super(reason);
    }
}
