package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Reply to a {@link RunStep}, published to the command's {@code replyTo} topic, keyed by lease id.
 *
 * @param commandMessageId the {@link RunStep#messageId()} this answers
 * @param facts            what the step learnt, by name (e.g. {@code gatewayVersion}, {@code plistSha256},
 *                         {@code uid}); the orchestrator stores them and passes the ones later steps need
 * @param evidence         commands run and their output
 * @param workerId         which worker instance ran it
 */
public record StepResult(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        StepKind kind,
        int attempt,
        String idempotencyKey,
        String commandMessageId,
        StepOutcome outcome,
        String reason,
        Map<String, String> facts,
        List<Evidence> evidence,
        long durationMillis,
        String workerId) implements CutoverMessage {
}
