package com.maclogin.cutover.orchestrator.api;

/** One rejected input: the field (JSON path such as {@code operators[1].timeZone}) and why. */
public record FieldError(String field, String reason) {
}
