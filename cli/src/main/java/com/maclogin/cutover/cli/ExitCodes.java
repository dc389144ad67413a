package com.maclogin.cutover.cli;

import java.util.Locale;

/** The CLI's exit codes: one per way a cutover or fleet can end, and one per kind of error (README, "CLI"). */
public final class ExitCodes {

    /** The command worked; {@code watch}: the cutover went GREEN, the fleet is DONE. */
    public static final int OK = 0;
    /** An unexpected error inside the CLI. */
    public static final int INTERNAL = 1;
    /** {@code topics check} (and what {@code topics apply} left): the cluster's topics differ from the specs. */
    public static final int TOPICS_DIFFER = 1;
    /** Bad arguments (unknown option, missing parameter, unreadable file). */
    public static final int USAGE = 2;
    /** The cutover ended FAILED. */
    public static final int FAILED = 3;
    /** The cutover (or the fleet) ended ROLLED_BACK. */
    public static final int ROLLED_BACK = 4;
    /** The cutover ended ROLLBACK_FAILED: the lease needs a human now. */
    public static final int ROLLBACK_FAILED = 5;
    /** The cutover (or the fleet) was ABORTED. */
    public static final int ABORTED = 6;
    /** The cutover is PAUSED, the fleet PAUSED or HALTED: it waits for an operator. */
    public static final int NEEDS_OPERATOR = 7;
    /** {@code --timeout} passed before the cutover or fleet ended. */
    public static final int TIMEOUT = 8;
    /** 401 or 403: no valid token, or a viewer token for an operator action. */
    public static final int AUTH = 10;
    /** 404: no such cutover, fleet or lease. */
    public static final int NOT_FOUND = 11;
    /** Another 4xx: the API refused the request (400 bad input, 409 wrong state); its reason is printed. */
    public static final int REFUSED = 12;
    /** The orchestrator could not be reached, or answered 5xx. */
    public static final int UNREACHABLE = 13;

    private ExitCodes() {
    }

    /**
     * The exit code for a cutover state, or {@code null} while {@code watch} should go on following it (PENDING,
     * GATING, RUNNING, VALIDATING, ROLLING_BACK; PAUSED too when {@code followPaused}).
     */
    public static Integer forCutoverState(String state, boolean followPaused) {
        return switch (state == null ? "" : state.toUpperCase(Locale.ROOT)) {
            case "GREEN" -> OK;
            case "FAILED" -> FAILED;
            case "ROLLED_BACK" -> ROLLED_BACK;
            case "ROLLBACK_FAILED" -> ROLLBACK_FAILED;
            case "ABORTED" -> ABORTED;
            case "PAUSED" -> followPaused ? null : NEEDS_OPERATOR;
            default -> null;
        };
    }

    /** The exit code for a fleet state, or {@code null} while it is still moving (HALTED/PAUSED followed on request). */
    public static Integer forFleetState(String state, boolean followPaused) {
        return switch (state == null ? "" : state.toUpperCase(Locale.ROOT)) {
            case "DONE" -> OK;
            case "ROLLED_BACK" -> ROLLED_BACK;
            case "ABORTED" -> ABORTED;
            case "PAUSED", "HALTED" -> followPaused ? null : NEEDS_OPERATOR;
            default -> null;
        };
    }

    /** The exit code for an HTTP error status (0 = no answer at all). */
    public static int forHttpStatus(int status) {
        if (status == 401 || status == 403) {
            return AUTH;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status >= 400 && status < 500) {
            return REFUSED;
        }
        return UNREACHABLE;
    }
}
