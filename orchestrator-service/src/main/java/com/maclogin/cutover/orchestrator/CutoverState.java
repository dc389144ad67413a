package com.maclogin.cutover.orchestrator;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Lifecycle of a cutover. The active ones are exactly those of the partial unique index on cutover(lease_id). */
public enum CutoverState {
    PENDING, GATING, RUNNING, VALIDATING,
    /** Stopped by an operator or a breached trigger with action PAUSE; waits for resume, rollback or abort. */
    PAUSED,
    GREEN, FAILED, ABORTED, ROLLING_BACK, ROLLED_BACK, ROLLBACK_FAILED;

    public static final Set<CutoverState> ACTIVE = EnumSet.of(PENDING, GATING, RUNNING, VALIDATING, PAUSED, ROLLING_BACK);

    public boolean isActive() {
        return ACTIVE.contains(this);
    }

    public boolean isTerminal() {
        return !isActive();
    }

    public static String allowedValues() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
