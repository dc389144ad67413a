package com.maclogin.cutover.orchestrator.api;

import java.time.Instant;

public record AuditView(Instant at, String actor, String action, String detail) {
}
