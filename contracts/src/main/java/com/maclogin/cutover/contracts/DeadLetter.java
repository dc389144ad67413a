package com.maclogin.cutover.contracts;

import java.time.Instant;

/**
 * Event: a consumer could not process a record and set it aside instead of stopping its channel. Published to
 * {@code cutover.dead-letters} (one topic for every service) by the messaging kit, keyed by the original record's key;
 * the original record's offset is committed only after the broker acknowledged this one.
 *
 * @param messageId     unique id of this dead letter
 * @param cutoverId     the cutover of the original message when it could be read that far; {@code null} otherwise
 * @param leaseId       the record key: the original record's key ({@code null} when it had none)
 * @param consumer      the consuming service and its consumer group ({@code orchestrator-service}, ...)
 * @param sourceTopic   where the record was read
 * @param partition     its partition ({@code -1} when unknown)
 * @param offset        its offset ({@code -1} when unknown)
 * @param reason        the reason class ({@link DeadLetterReason}), low cardinality (a metric label)
 * @param detail        what was wrong, one line, at most {@link #MAX_DETAIL} characters
 * @param payloadBytes  size of the original value in bytes ({@code -1} for a null value)
 * @param payloadPrefix the first bytes of the original value as text (JSON-escaped on the wire); {@code null} for a
 *                      null value
 * @param truncated     whether {@code payloadPrefix} is shorter than the original value
 */
public record DeadLetter(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        String consumer,
        String sourceTopic,
        int partition,
        long offset,
        DeadLetterReason reason,
        String detail,
        int payloadBytes,
        String payloadPrefix,
        boolean truncated) implements CutoverMessage {

    public static final int MAX_DETAIL = 500;
}
