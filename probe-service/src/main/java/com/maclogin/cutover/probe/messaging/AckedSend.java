package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.messaging.MessageTracing;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** One keyed record through an emitter; the future completes when Kafka acknowledged it (or failed). */
final class AckedSend {

    private AckedSend() {
    }

    /** {@code topic}: null = the channel's own topic. */
    static CompletableFuture<Void> send(Emitter<String> emitter, String topic, String key, String payload) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        RecordHeaders headers = new RecordHeaders();
        MessageTracing.inject(Context.current(), headers); // the step's span: the consumer continues its trace
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers);
        if (topic != null) {
            metadata.withTopic(topic);
        }
        Message<String> message = Message.of(payload, Metadata.of(metadata.build()),
                () -> {
                    sent.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                e -> {
                    sent.completeExceptionally(e);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        return sent;
    }
}
