package com.maclogin.cutover.orchestrator.api;

import com.maclogin.cutover.orchestrator.fleet.FleetPlan;
import com.maclogin.cutover.orchestrator.fleet.FleetSelector;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/fleet-cutovers}: what every lease's cutover is started with (the same fields, checks and
 * defaults as {@link CutoverRequest}, without {@code leaseId}), the {@code selector} of the leases and the {@code plan}
 * of the waves.
 */
public record FleetRequest(String candidateVersion, String candidateSha256, String ticketId, List<Operator> operators,
        BlastRadius blastRadius, ValidationRequest validation, ThresholdsRequest thresholds,
        Map<String, String> triggerActions, List<OverrideRequest> overrides, CanaryRequest canary,
        FleetSelector selector, FleetPlan plan) {

    /** The single-cutover request for one lease of the fleet. */
    public CutoverRequest cutoverFor(String leaseId) {
        return new CutoverRequest(leaseId, candidateVersion, ticketId, operators, blastRadius, validation, thresholds,
                triggerActions, overrides, candidateSha256, canary);
    }
}
