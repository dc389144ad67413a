package com.maclogin.cutover.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.fleet.FleetPlan;
import com.maclogin.cutover.orchestrator.fleet.FleetSelector;
import com.maclogin.cutover.orchestrator.fleet.FleetState;
import com.maclogin.cutover.orchestrator.fleet.LeaseOutcome;
import com.maclogin.cutover.orchestrator.fleet.WaveKind;
import com.maclogin.cutover.orchestrator.fleet.WaveState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A fleet cutover as the API shows it. {@code counts} are lease counts by state ({@code PENDING} = not started,
 * {@code IN_FLIGHT} = an active cutover, else the cutover's terminal state); {@code countsByRegion} the same per region.
 * {@code budget}: failures counted against the candidate, in the current wave and in total, and what the plan allows
 * (reaching an allowance stops the fleet). {@code next}: the next automatic action and when ({@code at} absent when it
 * waits for something other than the clock). {@code behind}: leases matching the selector that do not run the target
 * (list responses leave out {@code waves}, {@code leases} and {@code behind}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FleetView(String id, FleetState state, String candidateVersion, String ticketId, String rollbackOwner,
        String requestedBy, FleetSelector selector, FleetPlan plan, String planSummary, Integer currentWave,
        String currentWaveName, Map<String, Integer> counts, Map<Region, Map<String, Integer>> countsByRegion,
        Budget budget, Next next, List<Region> pausedRegions, List<WaveView> waves, List<LeaseView> leases,
        List<Behind> behind, Instant createdAt, Instant updatedAt, Instant endedAt) {

    public record Budget(int waveUsed, int waveAllowed, int totalUsed, int totalAllowed) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Next(String action, Instant at) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WaveView(int index, String name, WaveKind kind, Region region, WaveState state, long bakeSeconds,
            List<String> leaseIds, Instant startedAt, Instant bakeUntil, Instant endedAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LeaseView(String leaseId, Region region, int wave, String cutoverId, CutoverState cutoverState,
            LeaseOutcome outcome, String outcomeReason, boolean rollbackRequested) {
    }

    /** A lease matching the selector that does not run the target; {@code version}: its last GREEN version, if known. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Behind(String leaseId, Region region, String version) {
    }
}
