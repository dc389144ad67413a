package com.maclogin.cutover.messaging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Publishes an outbox table to Kafka: right after each commit that wrote rows ({@link #trigger()}) and every
 * {@code pollInterval} for anything left unsent (a failed send, rows of an instance that died). One pass is one
 * transaction: take the table's relay lock (one relay at a time across instances), lock the oldest unsent rows
 * ({@code for update skip locked}), send them in id order, wait up to {@code sendTimeout} for the acknowledgements,
 * then for each acknowledged row in order run the service's {@link DispatchHook} and mark it sent. The first row
 * not acknowledged gets its attempt and error recorded and ends the pass, so no later row of its lease is marked
 * sent before it: delivery is at least once (consumers keep an inbox) and in order per lease.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** How the relay runs: rows per transaction, wait for the acknowledgements of one batch, sweep period. */
    public record Settings(int batchSize, Duration sendTimeout, Duration pollInterval) {
    }

    /** Outcome of one pass: rows marked sent, and whether another pass should follow at once. */
    public record Batch(int sent, boolean more) {
    }

    private final OutboxStore store;
    private final Transactions transactions;
    private final Producer<String, String> producer;
    private final DrainLoop loop;
    private final Settings settings;
    private final DispatchHook hook;
    private final MessageTracing tracing;

    public OutboxRelay(String name, OutboxStore store, Transactions transactions, Producer<String, String> producer,
            Settings settings, DispatchHook hook) {
        this(name, store, transactions, producer, settings, hook, MessageTracing.disabled());
    }

    /** {@code tracing}: each row is published in a PRODUCER span child of the context stored with it. */
    public OutboxRelay(String name, OutboxStore store, Transactions transactions, Producer<String, String> producer,
            Settings settings, DispatchHook hook, MessageTracing tracing) {
        this.tracing = tracing;
        this.store = store;
        this.transactions = transactions;
        this.producer = producer;
        this.loop = new DrainLoop(name, settings.pollInterval(), this::drain);
        this.settings = settings;
        this.hook = hook;
    }

    /** Starts the periodic sweep; the first pass runs at once. */
    public void start() {
        loop.start();
    }

    /** Asks for a pass without waiting for the sweep. */
    public void trigger() {
        loop.wake();
    }

    private void drain() {
        try {
            Batch batch;
            do {
                batch = publishBatch();
            } while (batch.more());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("outbox %s: publishing failed, the sweep retries: %s", store.table(), e.toString());
        }
    }

    /** One pass in its own transaction. */
    public Batch publishBatch() throws Exception {
        long start = System.nanoTime();
        long[] marks = new long[3]; // rows locked, acknowledged, hooks run
        Batch batch = transactions.inNewTransaction(c -> {
            if (!store.tryRelayLock(c)) {
                return new Batch(0, false); // another relay is publishing this table; its order is the table's order
            }
            List<OutboxRow> rows = store.lockUnsent(c, settings.batchSize());
            marks[0] = System.nanoTime();
            if (rows.isEmpty()) {
                return new Batch(0, false);
            }
            long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
            List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
            for (OutboxRow row : rows) {
                acks.add(send(row));
                if (System.nanoTime() - deadline > 0) {
                    break; // the broker is unreachable (every send waits for metadata): the rest waits for a later pass
                }
            }
            List<Long> sent = new ArrayList<>(acks.size());
            long hooks = 0;
            for (int i = 0; i < acks.size(); i++) {
                OutboxRow row = rows.get(i);
                String error = awaitAck(acks.get(i), deadline);
                if (error != null) {
                    store.markSent(c, sent);
                    store.recordFailure(c, row.id(), error);
                    LOG.warnf("outbox %s: row %d (%s %s to %s, lease %s) not acknowledged, stopping here: %s",
                            store.table(), row.id(), row.type(), row.messageId(), row.topic(), row.key(), error);
                    return new Batch(sent.size(), false);
                }
                long h = System.nanoTime();
                hook.onDispatched(row.type(), row.messageId());
                hooks += System.nanoTime() - h;
                sent.add(row.id());
            }
            marks[1] = System.nanoTime() - hooks;
            marks[2] = hooks;
            store.markSent(c, sent);
            return new Batch(sent.size(), sent.size() == settings.batchSize());
        });
        if (batch.sent() > 0 && LOG.isDebugEnabled()) {
            long end = System.nanoTime();
            LOG.debugf("outbox %s: %d sent in %.1f ms (rows locked %.1f ms, sent and acknowledged %.1f ms, dispatch"
                    + " hooks %.1f ms, marked and committed %.1f ms)", store.table(), batch.sent(), (end - start) / 1e6,
                    (marks[0] - start) / 1e6, (marks[1] - marks[0]) / 1e6, marks[2] / 1e6,
                    (end - marks[1] - marks[2]) / 1e6);
        }
        return batch;
    }

    /** Sends one row; its {@code traceparent} header names the PRODUCER span (child of the row's stored context). */
    private Future<RecordMetadata> send(OutboxRow row) {
        Span span = tracing.startPublish(row.topic(), row.type(), row.messageId(), row.key(), row.traceparent());
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
            MessageTracing.inject(Context.root().with(span), record.headers());
            return producer.send(record, (metadata, e) -> {
                if (e != null) {
                    MessageTracing.failed(span, e);
                }
                span.end();
            });
        } catch (RuntimeException e) {
            MessageTracing.failed(span, e);
            span.end();
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Null when acknowledged, else what went wrong. */
    private String awaitAck(Future<RecordMetadata> ack, long deadline) throws InterruptedException {
        try {
            ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        } catch (TimeoutException e) {
            return "no acknowledgement within " + settings.sendTimeout();
        }
    }

    /** Stops the sweep and closes the producer; rows not yet published stay for the next start or another instance. */
    @Override
    public void close() {
        loop.close();
        producer.close(Duration.ofSeconds(2));
    }
}
