package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of a fleet the saga decides on, loaded from PostgreSQL by the engine before every decision.
 *
 * @param currentWave       index of the wave running, baking or about to start; -1 before the first
 * @param leases            every lease of the fleet, with its cutover's current state
 * @param pausedRegions     regions whose path is broken: their leases are not started
 * @param controlCandidates per region, leases this fleet has not touched and that have no active cutover (control
 *                          leases for the region check), in preference order
 * @param progressMark      the progress deadline counts from here
 * @param rollbackScope     null: no rollback; -1: every wave; else the wave rolled back
 */
public record FleetSnapshot(String id, FleetState state, FleetState resumeState, FleetPlan.Resolved plan,
        List<Wave> waves, int currentWave, List<FleetLease> leases, Set<Region> pausedRegions,
        Map<Region, List<String>> controlCandidates, Instant progressMark, Integer rollbackScope) {

    public FleetSnapshot {
        waves = List.copyOf(waves);
        leases = List.copyOf(leases);
        pausedRegions = Set.copyOf(pausedRegions);
        controlCandidates = Map.copyOf(controlCandidates);
    }

    /** Failures counted against the candidate in one wave. */
    public int failures(int wave) {
        return (int) leases.stream().filter(l -> l.wave() == wave && l.outcome() != null
                && l.outcome().countsAgainstBudget()).count();
    }

    /** Failures counted against the candidate in the whole fleet. */
    public int failures() {
        return (int) leases.stream().filter(l -> l.outcome() != null && l.outcome().countsAgainstBudget()).count();
    }
}
