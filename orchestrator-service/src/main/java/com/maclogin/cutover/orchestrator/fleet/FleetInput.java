package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.CutoverState;
import java.time.Instant;
import java.util.List;

/**
 * Everything that can move a fleet, as {@link FleetSaga#decide} sees it. The clock is an input: every record carries
 * {@code now}, so tests pass the times they need.
 */
public sealed interface FleetInput {

    Instant now();

    /** The fleet was stored (state PENDING): start its first wave, unless a deployment window refuses it. */
    record Requested(String actor, Instant now) implements FleetInput {
    }

    /** The periodic reconcile: bakes end, windows open, deadlines pass, free slots are filled. */
    record Tick(Instant now) implements FleetInput {
    }

    /** A lease's cutover ended ({@code state} terminal) and the fleet has not recorded its outcome yet. */
    record LeaseEnded(String leaseId, CutoverState state, String reason, Instant now) implements FleetInput {
    }

    /**
     * The quick probe round on a failing lease's region: {@code controlsFailed} when the untouched control leases
     * failed as well (the region's path is broken, not the candidate).
     */
    record ControlCheckResult(String checkId, String subjectLeaseId, Region region, boolean controlsFailed,
            String detail, Instant now) implements FleetInput {
    }

    record Pause(String actor, String reason, Instant now) implements FleetInput {
    }

    record Resume(String actor, String reason, Instant now) implements FleetInput {
    }

    /** Start the next wave now (after a wave when {@code autoPromote} is off, or cutting a bake short). */
    record Promote(String actor, String reason, Instant now) implements FleetInput {
    }

    /** Stop: no lease starts any more; leases in flight are aborted where their cutover still allows it. */
    record Abort(String actor, String reason, Instant now) implements FleetInput {
    }

    /** Roll back every lease this fleet changed. */
    record Rollback(String actor, String reason, Instant now) implements FleetInput {
    }

    /** Upgrade leases that joined later (behind the fleet's target) with the same plan: new waves, canary included. */
    record Extend(String actor, List<LeaseCandidate> leases, Instant now) implements FleetInput {
    }
}
