package com.maclogin.cutover.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.ValidationSettings;
import java.time.Instant;
import java.util.List;

/**
 * A cutover as the API shows it; {@code validation}, {@code steps} and {@code audit} are left out of list responses.
 * {@code resumeStep}: while PAUSED with nothing in flight, the step resume sends. {@code canary}: the PARALLEL_RUN
 * canary (port and resolved seconds) when the request asked for one. {@code fleetId}, {@code wave}: the fleet cutover
 * that started it and its wave (absent for a single-lease cutover).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CutoverView(String id, String leaseId, Region region, CutoverState state, String currentStep, long epoch,
        String candidateVersion, String candidateSha256, CanaryRequest canary, String previousVersion, String ticketId, List<Operator> operators,
        String rollbackOwner, BlastRadius blastRadius, String requestedBy, Instant createdAt, Instant updatedAt,
        Instant startedAt, Instant endedAt, String reason, String resumeStep, ValidationSettings validation,
        List<StepView> steps, List<AuditView> audit, String fleetId, Integer wave,
        List<PendingOverride> overridesAwaitingApproval) {
}
