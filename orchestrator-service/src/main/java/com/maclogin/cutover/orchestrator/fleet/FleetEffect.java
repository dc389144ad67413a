package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.FleetEventType;
import com.maclogin.cutover.contracts.Region;
import java.time.Instant;
import java.util.List;

/**
 * What {@link FleetSaga#decide} asks the engine to do, in order, inside one transaction on the locked fleet row. Every
 * change of the fleet's stored state is one of these; {@link FleetSaga#evolve} applies them to a snapshot the same way.
 */
public sealed interface FleetEffect {

    /** The fleet's state; {@code resumeState}: where resume goes back to (set with PAUSED), else null. */
    record SetState(FleetState state, FleetState resumeState) implements FleetEffect {
    }

    record SetCurrentWave(int wave) implements FleetEffect {
    }

    /** A wave's state and times (null keeps a time as it was). */
    record SetWave(int wave, WaveState state, Instant startedAt, Instant bakeUntil, Instant endedAt)
            implements FleetEffect {
    }

    /**
     * Start the lease's cutover through the single-cutover path (same gates, steps, triggers, rollback), recording its
     * cutover id on the fleet-lease row in the same transaction. A lease that cannot start now stays unstarted.
     */
    record StartLease(String leaseId, int wave) implements FleetEffect {
    }

    /** Roll the lease's cutover back (or abort it, before its flip). */
    record RollbackLease(String leaseId, String reason) implements FleetEffect {
    }

    /** Abort the lease's cutover where it still allows it (before the flip); otherwise it finishes on its own. */
    record AbortLease(String leaseId, String reason) implements FleetEffect {
    }

    /** Records a lease's outcome once (the failure budget is counted from these). */
    record RecordOutcome(String leaseId, LeaseOutcome outcome, String reason) implements FleetEffect {
    }

    /** Ask the region's worker for one quick read-only probe round on these untouched control leases. */
    record StartControlCheck(Region region, String subjectLeaseId, List<String> controlLeaseIds) implements FleetEffect {
    }

    /** No lease of the region starts any more (its path is broken); nothing is rolled back because of it. */
    record PauseRegion(Region region, String reason) implements FleetEffect {
    }

    /** The progress deadline counts from here. */
    record SetProgressMark(Instant at) implements FleetEffect {
    }

    /** What a rollback covers: a wave index, or -1 for every wave. */
    record SetRollbackScope(int scope) implements FleetEffect {
    }

    /** New waves (extend), with their leases. */
    record AddWaves(List<Wave> waves, List<FleetLease> leases) implements FleetEffect {
    }

    /** The next automatic action and when (for {@code GET}); {@code at} null = none scheduled. */
    record ScheduleNext(String action, Instant at) implements FleetEffect {
    }

    /** A FleetEvent on {@code fleet.events} through the outbox; the engine adds the counts and the fleet's data. */
    record PublishFleetEvent(FleetEventType type, Integer wave, Region region, String leaseId, String reason)
            implements FleetEffect {
    }

    /** One line of the fleet's audit trail. */
    record Audit(String actor, String action, String detail) implements FleetEffect {
    }

    /** The request is not allowed now: a 409 with this reason, nothing else happens. */
    record Refuse(String reason) implements FleetEffect {
    }
}
