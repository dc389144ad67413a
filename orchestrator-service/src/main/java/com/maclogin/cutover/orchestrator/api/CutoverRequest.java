package com.maclogin.cutover.orchestrator.api;

import java.util.List;

/** Body of {@code POST /api/v1/cutovers}. */
public record CutoverRequest(String leaseId, String candidateVersion, String ticketId, List<Operator> operators,
        BlastRadius blastRadius) {
}
