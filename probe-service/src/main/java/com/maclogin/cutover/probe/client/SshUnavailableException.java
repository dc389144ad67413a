package com.maclogin.cutover.probe.client;

/** The lease could not be reached or logged into; the message never contains key material. */
public class SshUnavailableException extends Exception {

    private final boolean authentication;
    private final boolean timeout;
    private final boolean transientFault;

    public SshUnavailableException(String message, boolean authentication, Throwable cause) {
        this(message, authentication, false, cause);
    }

    public SshUnavailableException(String message, boolean authentication, boolean timeout, Throwable cause) {
        this(message, authentication, timeout, false, cause);
    }

    private SshUnavailableException(String message, boolean authentication, boolean timeout, boolean transientFault,
            Throwable cause) {
        super(message, cause);
        this.authentication = authentication;
        this.timeout = timeout;
        this.transientFault = transientFault;
    }

    /**
     * A fault of the network path, not of the lease's answer: a refused connect, a connection reset or closed during
     * the key exchange, the authentication or a command. Trying again later may well succeed (see
     * {@code service.TransientRetry}); whether it is safe to try again is the step's business.
     */
    public static SshUnavailableException transientFault(String message, Throwable cause) {
        return new SshUnavailableException(message, false, false, true, cause);
    }

    /** The peer accepted TCP but did not finish the SSH handshake in time (a hung peer). */
    public boolean isTimeout() {
        return timeout;
    }

    public boolean isAuthentication() {
        return authentication;
    }

    /** A dropped connection or a refused connect: see {@link #transientFault}. */
    public boolean isTransient() {
        return transientFault;
    }
}
