package com.maclogin.cutover.probe.client;

/** The lease could not be reached or logged into; the message never contains key material. */
public class SshUnavailableException extends Exception {

    private final boolean authentication;
    private final boolean timeout;
    private final boolean transientFault;
    private final boolean mayHaveStarted;

    public SshUnavailableException(String message, boolean authentication, Throwable cause) {
        this(message, authentication, false, cause);
    }

    public SshUnavailableException(String message, boolean authentication, boolean timeout, Throwable cause) {
        this(message, authentication, timeout, false, false, cause);
    }

    private SshUnavailableException(String message, boolean authentication, boolean timeout, boolean transientFault,
            boolean mayHaveStarted, Throwable cause) {
        super(message, cause);
        this.authentication = authentication;
        this.timeout = timeout;
        this.transientFault = transientFault;
        this.mayHaveStarted = mayHaveStarted;
    }

    /**
     * A fault of the network path, not of the lease's answer: a refused connect, a connection reset or closed during
     * the key exchange, the authentication or a command. Trying again later may well succeed (see
     * {@code service.TransientRetry}); whether it is safe to try again is the step's business.
     */
    public static SshUnavailableException transientFault(String message, Throwable cause) {
        return new SshUnavailableException(message, false, false, true, false, cause);
    }

    /**
     * A transient fault after the exec request may have reached the lease (the request failed, or the connection was
     * lost while the command ran): the command may have run, in part or whole. A step that changes the lease never
     * runs it again ({@code service.StepContext}).
     */
    public static SshUnavailableException lostAfterStart(String message, Throwable cause) {
        return new SshUnavailableException(message, false, false, true, true, cause);
    }

    /** See {@link #lostAfterStart}: false when the command provably did not start (no connection, no session). */
    public boolean mayHaveStarted() {
        return mayHaveStarted;
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
