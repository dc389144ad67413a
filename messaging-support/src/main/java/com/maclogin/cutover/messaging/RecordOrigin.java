package com.maclogin.cutover.messaging;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Where a consumed record came from and what it held, as a dead letter names it: topic, partition, offset, key, the
 * value (a {@code StringDeserializer}'s text, null for a null value) and its size in bytes ({@code -1} for a null
 * value). Partition and offset are {@code -1} when the consumer was given only the payload.
 */
public record RecordOrigin(String topic, int partition, long offset, String key, String value, int valueBytes,
        Headers headers) {

    public static RecordOrigin of(ConsumerRecord<String, String> record) {
        String value = record.value();
        int size = record.serializedValueSize();
        return new RecordOrigin(record.topic(), record.partition(), record.offset(), record.key(), value,
                value == null ? -1 : size >= 0 ? size : utf8Length(value), record.headers());
    }

    /** Only the payload is known (no partition, offset, key or headers). */
    public static RecordOrigin of(String topic, String payload) {
        return new RecordOrigin(topic, -1, -1, null, payload, payload == null ? -1 : utf8Length(payload), null);
    }

    static int utf8Length(String s) {
        if (s.length() > Integer.MAX_VALUE / 3) {
            return Integer.MAX_VALUE;
        }
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
