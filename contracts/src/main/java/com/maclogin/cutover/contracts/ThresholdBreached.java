package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * Event: a rollback trigger tripped during validation. Published by the regional worker to {@code cutover.breaches},
 * keyed by lease id. rollback-service acts on it directly (so rollback works while the orchestrator is down): the
 * rollback runs at epoch {@code epoch + 1}. The orchestrator records it and moves the cutover to ROLLING_BACK (or
 * PAUSED / keeps validating, per {@link #action()}).
 *
 * @param observed     the rule's verdict in words with its numbers, e.g. "3 crashes in 41 s (runs 1 -> 4, last exit 78)"
 * @param threshold    the rule in words, e.g. "3 crashes within 300 s"
 * @param numbers      the numbers that tripped it, by name
 * @param observedAt   when the probe that observed it ran
 */
public record ThresholdBreached(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        TriggerKind trigger,
        TriggerAction action,
        String observed,
        String threshold,
        Map<String, String> numbers,
        Instant observedAt,
        LeaseTarget target,
        String ticketId,
        String previousVersion,
        String candidateVersion,
        String rollbackOwner,
        Map<String, String> expectedSha256) implements CutoverMessage {
}
