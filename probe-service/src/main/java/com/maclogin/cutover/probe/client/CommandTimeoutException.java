package com.maclogin.cutover.probe.client;

/** A command on the lease did not finish within its timeout; its channel was closed. */
public class CommandTimeoutException extends Exception {

    public CommandTimeoutException(String message) {
        super(message);
    }
}
