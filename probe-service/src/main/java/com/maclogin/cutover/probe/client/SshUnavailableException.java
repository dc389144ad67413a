package com.maclogin.cutover.probe.client;

/** The lease could not be reached or logged into; the message never contains key material. */
public class SshUnavailableException extends Exception {

    private final boolean authentication;
    private final boolean timeout;

    public SshUnavailableException(String message, boolean authentication, Throwable cause) {
        this(message, authentication, false, cause);
    }

    public SshUnavailableException(String message, boolean authentication, boolean timeout, Throwable cause) {
        super(message, cause);
        this.authentication = authentication;
        this.timeout = timeout;
    }

    /** The peer accepted TCP but did not finish the SSH handshake in time (a hung peer). */
    public boolean isTimeout() {
        return timeout;
    }

    public boolean isAuthentication() {
        return authentication;
    }
}
