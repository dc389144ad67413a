package com.maclogin.cutover.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One line of {@code GET /api/v1/leases/{id}/audit}: when, which admin, what, the registered fields before and after. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeaseAuditView(Instant at, String actor, String action, JsonNode oldValue, JsonNode newValue) {
}
