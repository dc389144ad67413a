package com.maclogin.cutover.orchestrator.api;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/cutovers}. {@code candidateSha256} (optional, 64 lowercase hex) is the sha256 of the npm
 * tarball {@code openclaw-<candidateVersion>.tgz}; INSTALL_CANDIDATE refuses a tarball with another hash. {@code canary}
 * (optional) adds the PARALLEL_RUN step between INSTALL_CANDIDATE and FLIP_PLIST. {@code validation}, {@code thresholds}, {@code triggerActions} and
 * {@code overrides} are optional: stricter values than the defaults are accepted, looser ones need an override.
 */
public record CutoverRequest(String leaseId, String candidateVersion, String ticketId, List<Operator> operators,
        BlastRadius blastRadius, ValidationRequest validation, ThresholdsRequest thresholds,
        Map<String, String> triggerActions, List<OverrideRequest> overrides, String candidateSha256,
        CanaryRequest canary) {
}
