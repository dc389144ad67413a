package com.maclogin.cutover.orchestrator.api;

/**
 * An approved loosening of one playbook default: the request field (e.g. {@code thresholds.crashCount}), the value
 * approved (must equal the requested one), why, and who approved it. Recorded in the audit trail as OVERRIDE.
 */
public record OverrideRequest(String field, String value, String reason, String approvedBy) {
}
