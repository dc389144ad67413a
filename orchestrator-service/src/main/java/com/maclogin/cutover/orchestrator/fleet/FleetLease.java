package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.CutoverState;

/**
 * One lease of a fleet as the saga sees it.
 *
 * @param cutoverId         its cutover, null until the fleet started it
 * @param cutoverState      that cutover's current state (read from PostgreSQL on every reconcile), null when none
 * @param outcome           what the fleet recorded when the cutover ended, null while it has not (or not yet)
 * @param rollbackRequested the fleet asked for this lease's rollback (or abort)
 */
public record FleetLease(String leaseId, Region region, int wave, String cutoverId, CutoverState cutoverState,
        LeaseOutcome outcome, boolean rollbackRequested) {

    public boolean started() {
        return cutoverId != null;
    }

    /**
     * Started and its outcome not final yet (none recorded, or its region's control check still runs): it counts towards
     * maxParallel, so a wave does not start more leases while a failure is still being judged.
     */
    public boolean inFlight() {
        return started() && (outcome == null || outcome == LeaseOutcome.CONTROL_CHECK);
    }

    /**
     * Not GREEN-and-serving: a cutover that is active (including a rollback of a GREEN lease), or a rollback that
     * failed (the lease may serve neither version).
     */
    public boolean unavailable() {
        return started() && (cutoverState == null || cutoverState.isActive()
                || cutoverState == CutoverState.ROLLBACK_FAILED);
    }

    public FleetLease withCutover(String id, CutoverState s) {
        return new FleetLease(leaseId, region, wave, id, s, outcome, rollbackRequested);
    }

    public FleetLease withOutcome(LeaseOutcome o) {
        return new FleetLease(leaseId, region, wave, cutoverId, cutoverState, o, rollbackRequested);
    }

    public FleetLease withRollbackRequested() {
        return new FleetLease(leaseId, region, wave, cutoverId, cutoverState, outcome, true);
    }
}
