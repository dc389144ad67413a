package com.maclogin.cutover.orchestrator.fleet;

import java.util.EnumSet;
import java.util.Set;

/** Lifecycle of a fleet cutover. */
public enum FleetState {
    /** Stored, not yet started (only inside the creating transaction). */
    PENDING,
    /** A wave is upgrading leases. */
    RUNNING,
    /** Every lease of the current wave ended; the wave's bake runs until its end. */
    BAKING,
    /** A wave ended and the plan wants an explicit operator promote before the next one. */
    AWAITING_PROMOTE,
    /** The next wave may not start yet: a deployment window of one of its regions is closed. */
    WAITING_WINDOW,
    /** Paused by an operator, or because a region's path broke and the plan does not continue elsewhere. */
    PAUSED,
    /** The failure budget was reached (or the progress deadline passed) with {@code onFailure: halt}. */
    HALTED,
    /** Rolling back the wave or the whole fleet ({@code rollbackWave}, {@code rollbackAll} or an operator rollback). */
    ROLLING_BACK,
    /** Every wave ended. */
    DONE,
    ABORTED,
    /** Every rollback the fleet asked for has ended. */
    ROLLED_BACK;

    /** States in which the fleet still holds its leases (a lease can be in one active fleet only). */
    public static final Set<FleetState> ACTIVE = EnumSet.of(PENDING, RUNNING, BAKING, AWAITING_PROMOTE, WAITING_WINDOW,
            PAUSED, HALTED, ROLLING_BACK);

    /** States in which a failure reaching the budget still stops the fleet (it has not stopped already). */
    public static final Set<FleetState> MOVING = EnumSet.of(RUNNING, BAKING, AWAITING_PROMOTE, WAITING_WINDOW, PAUSED);

    public boolean isActive() {
        return ACTIVE.contains(this);
    }
}
