package com.maclogin.cutover.orchestrator.api;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.StepOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One step of a cutover as the API shows it. {@code startedAt} is when the command was created. */
public record StepView(String kind, int attempt, String idempotencyKey, long epoch, String state, StepOutcome outcome,
        String reason, Instant startedAt, Instant deadline, Instant endedAt, Long durationMillis, String workerId,
        Map<String, String> facts, List<Evidence> evidence) {
}
