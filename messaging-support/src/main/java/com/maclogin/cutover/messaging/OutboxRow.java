package com.maclogin.cutover.messaging;

/**
 * One unsent outbox row as the relay reads it: published to {@code topic} with {@code key} (the lease id);
 * {@code traceparent} is the W3C trace context the row was written in (null outside a trace).
 */
public record OutboxRow(long id, String messageId, String topic, String key, String type, String payload,
        String traceparent) {
}
