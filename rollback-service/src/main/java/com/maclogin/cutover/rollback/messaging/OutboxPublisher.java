package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.rollback.OutboxMessage;
import com.maclogin.cutover.rollback.config.RollbackConfig;
import com.maclogin.cutover.rollback.repository.OutboxRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;

/** One relay pass: lock the oldest unsent rows, publish them in id order, mark sent what the broker acknowledged. */
@ApplicationScoped
public class OutboxPublisher {

    private final OutboxRepository outbox;
    private final KafkaOutboxSender sender;
    private final RollbackConfig config;

    public OutboxPublisher(OutboxRepository outbox, KafkaOutboxSender sender, RollbackConfig config) {
        this.outbox = outbox;
        this.sender = sender;
        this.config = config;
    }

    /** Outcome of one pass: rows marked sent, and whether another pass should follow at once. */
    public record Batch(int sent, boolean more) {
    }

    @Transactional
    public Batch publishBatch() {
        List<OutboxMessage> rows = outbox.lockUnsent(config.outbox().batchSize());
        if (rows.isEmpty()) {
            return new Batch(0, false);
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        for (OutboxMessage row : rows) {
            acks.add(sender.send(row.topic, row.messageKey, row.payload));
        }
        long deadline = System.nanoTime() + config.outbox().sendTimeout().toNanos();
        int sent = 0;
        for (int i = 0; i < rows.size(); i++) {
            OutboxMessage row = rows.get(i);
            row.publishAttempts++;
            try {
                acks.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                row.sentAt = Instant.now();
                row.lastError = null;
                sent++;
            } catch (Exception e) {
                // keep order: nothing after a failed row is marked sent; the sweep publishes again (at least once,
                // consumers keep an inbox)
                row.lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                Log.warnf("outbox row %d (%s to %s, lease %s) not acknowledged: %s", row.id, row.messageType,
                        row.topic, row.messageKey, row.lastError);
                return new Batch(sent, false);
            }
        }
        return new Batch(sent, rows.size() == config.outbox().batchSize());
    }
}
