package com.maclogin.cutover.orchestrator.api;

/** A loosening a cutover waits to have approved by a second operator: the field, its default, the value asked for, why. */
public record PendingOverride(String field, String from, String to, String reason) {
}
