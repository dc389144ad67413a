package com.maclogin.cutover.orchestrator.api;

/** Body of {@code POST /api/v1/cutovers/{id}/rollback} and {@code .../abort}. */
public record ActionRequest(String requestedBy, String reason) {
}
