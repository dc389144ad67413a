package com.maclogin.cutover.cli;

/**
 * The orchestrator said no (an HTTP error with its problem {@code detail}) or could not be reached. The message never
 * contains the bearer token: it is the API's detail or the connection error.
 */
public final class ApiError extends Exception {

    private final int status;

    public ApiError(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer arrived. */
    public int status() {
        return status;
    }

    public int exitCode() {
        return ExitCodes.forHttpStatus(status);
    }
}
