package com.maclogin.cutover.orchestrator.api;

/**
 * A loosening of one playbook default: the request field (e.g. {@code thresholds.crashCount} or
 * {@code triggerActions.CRASH}), the value (must equal the requested one) and why. The cutover then waits until a second
 * operator approves it ({@code POST /api/v1/cutovers/{id}/overrides/approve}); {@code approvedBy} is ignored (kept so
 * older clients' requests still parse). Recorded in the audit trail as OVERRIDE_REQUESTED and OVERRIDE.
 */
public record OverrideRequest(String field, String value, String reason, String approvedBy) {
}
