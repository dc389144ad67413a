package com.maclogin.cutover.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** One audit line: when, who (the API token's name, a worker, the orchestrator), what, and where the evidence is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditView(Instant at, String actor, String action, String detail, String evidenceRef) {
}
