package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Event: something happened to a cutover. Published to {@code cutover.events}, keyed by lease id. notifier-service
 * turns these into chat messages, one thread per cutover; the orchestrator records rollback outcomes from them.
 *
 * @param reason a human sentence for incidents and refusals, {@code null} otherwise
 */
public record CutoverEvent(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        CutoverEventType type,
        Region region,
        String ticketId,
        String previousVersion,
        String candidateVersion,
        String rollbackOwner,
        List<String> channels,
        Instant startedAt,
        Instant endedAt,
        String reason) implements CutoverMessage {
}
