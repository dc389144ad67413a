package com.maclogin.cutover.contracts;

/** Lifecycle of a fleet cutover (many leases in waves), as announced on {@code fleet.events}. */
public enum FleetEventType {
    /** The fleet began: the fleet thread's banner (ticket, version, plan summary). */
    FLEET_STARTED,
    /** A wave began: which leases, in which regions. */
    WAVE_STARTED,
    /** A wave ended (every lease of it ended, and its bake passed or the fleet stopped): its counts. */
    WAVE_ENDED,
    /** A lease of the fleet had an incident (rollback started, failed, rolled back, refused at the gates). */
    LEASE_INCIDENT,
    /** One region was paused: its control leases failed too, so its path is broken, not the candidate. */
    REGION_PAUSED,
    /** The fleet waits: paused by an operator, or a wave waits for an explicit promote. */
    FLEET_PAUSED,
    /** The fleet carries on after a pause or a promote. */
    FLEET_RESUMED,
    /** The failure budget was used up: the fleet stopped as its plan's {@code onFailure} says. */
    FLEET_HALTED,
    /** The fleet ended (every wave done, aborted, halted or rolled back): the final summary. */
    FLEET_ENDED
}
