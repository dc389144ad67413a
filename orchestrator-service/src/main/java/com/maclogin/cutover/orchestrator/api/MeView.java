package com.maclogin.cutover.orchestrator.api;

/** The caller of {@code GET /api/v1/me}: the token's name and role ({@code VIEWER}, {@code OPERATOR} or {@code ADMIN}). */
public record MeView(String name, String role) {
}
