package com.maclogin.cutover.probe.client;

/** The lease could not be reached or logged into; the message never contains key material. */
public class SshUnavailableException extends Exception {

    private final boolean authentication;

    public SshUnavailableException(String message, boolean authentication, Throwable cause) {
        super(message, cause);
        this.authentication = authentication;
    }

    public boolean isAuthentication() {
        return authentication;
    }
}
