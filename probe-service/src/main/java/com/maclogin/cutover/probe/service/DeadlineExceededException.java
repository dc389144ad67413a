package com.maclogin.cutover.probe.service;

/** The command's deadline passed while the step ran: answered {@code TIMED_OUT}. */
public class DeadlineExceededException extends RuntimeException {

    public DeadlineExceededException(String reason) {
        super(reason);
    }
}
