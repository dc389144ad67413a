package com.maclogin.cutover.probe.service;

/** The step ran and its check failed: answered {@code FAILED} with this reason. */
public class StepFailedException extends RuntimeException {

    public StepFailedException(String reason) {
        super(reason);
    }
}
