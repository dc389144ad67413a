package com.maclogin.cutover.messaging;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.DeadLetter;
import com.maclogin.cutover.contracts.DeadLetterReason;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * What every consumer that writes does with a record: read it into its message type, then in one new transaction
 * record its id in the {@link Inbox} and run the handler (a redelivery stops at the inbox), retried with
 * {@link Redelivery} until it commits. An {@code @Incoming} method is one call:
 * <pre>{@code consumer.consume(Topics.STEP_RESULTS, record, StepResult.class, service::handle);}</pre>
 * No record stops the channel: a record that is null, over the size cap, not JSON, of the wrong shape or without its
 * envelope ids is never handled; one whose handler refuses it ({@link DeadLetters#isPermanent}) is not retried; one
 * whose handler keeps failing is retried until {@code giveUpAfter}. Each of them is set aside on the dead-letter
 * topic ({@link DeadLetters}, acknowledged before this returns) and the method returns normally, so the record's
 * offset is committed and the next record is processed.
 * Given the whole record ({@link #consume(String, ConsumerRecord, Class, Handler)}) it also continues the trace of
 * the record's {@code traceparent} header: a CONSUMER span, child of the producer's, is current while the handler
 * runs (so what the handler writes to an outbox carries it on), and the log MDC holds {@code cutoverId} and
 * {@code leaseId}.
 */
public record TransactionalConsumer(Inbox inbox, Transactions transactions, Duration giveUpAfter,
        MessageTracing tracing, DeadLetters deadLetters) {

    /** Without tracing (no span, no MDC); poison records are only logged. */
    public TransactionalConsumer(Inbox inbox, Transactions transactions, Duration giveUpAfter) {
        this(inbox, transactions, giveUpAfter, MessageTracing.disabled());
    }

    /** Poison records are only logged (no dead-letter topic). */
    public TransactionalConsumer(Inbox inbox, Transactions transactions, Duration giveUpAfter, MessageTracing tracing) {
        this(inbox, transactions, giveUpAfter, tracing, DeadLetters.loggingOnly("test"));
    }

    /** Handles one message inside the consumer's transaction; throwing rolls it back and it is tried again. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(T message) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(TransactionalConsumer.class);

    /** MDC keys set while a traced record is handled (JSON logs show them as fields). */
    public static final String MDC_CUTOVER_ID = "cutoverId";
    public static final String MDC_LEASE_ID = "leaseId";

    /**
     * As {@link #consume(String, String, Class, Handler)} for a whole Kafka record: the handler runs in a CONSUMER span
     * that continues the trace of the record's {@code traceparent} header, with the cutover and lease ids in the MDC;
     * a dead letter names the record's partition, offset and key.
     */
    public <T extends CutoverMessage> boolean consume(String topic, ConsumerRecord<String, String> record, Class<T> type,
            Handler<T> handler) {
        RecordOrigin origin = RecordOrigin.of(record);
        return consume(new RecordOrigin(topic, origin.partition(), origin.offset(), origin.key(), origin.value(),
                origin.valueBytes(), origin.headers()), type, handler);
    }

    /**
     * Handles the record's payload from {@code topic}; true when the handler ran and committed, false when the record
     * was processed before or was set aside on the dead-letter topic.
     */
    public <T extends CutoverMessage> boolean consume(String topic, String payload, Class<T> type, Handler<T> handler) {
        return consume(RecordOrigin.of(topic, payload), type, handler);
    }

    /**
     * A batch of records ({@code mp.messaging.incoming.<channel>.batch=true}), each as
     * {@link #consume(String, ConsumerRecord, Class, Handler)} in order; the dead letters of the batch are published
     * without waiting for each, and this returns (so the batch is acknowledged) only once every one is acknowledged.
     * Returns how many records the handler ran for and committed.
     */
    public <T extends CutoverMessage> int consumeAll(String topic, Iterable<ConsumerRecord<String, String>> records,
            Class<T> type, Handler<T> handler) {
        List<CompletableFuture<DeadLetter>> pending = new ArrayList<>();
        int handled = 0;
        long start = System.nanoTime();
        long firstPublished = -1;
        try {
            for (ConsumerRecord<String, String> record : records) {
                if (firstPublished < 0) {
                    firstPublished = record.timestamp();
                }
                RecordOrigin origin = RecordOrigin.of(record);
                if (consume(new RecordOrigin(topic, origin.partition(), origin.offset(), origin.key(), origin.value(),
                        origin.valueBytes(), origin.headers()), type, handler, pending)) {
                    handled++;
                }
            }
        } finally {
            DeadLetters.awaitAll(pending);
        }
        logBatch(topic, handled, start, firstPublished);
        return handled;
    }

    /** At DEBUG, how long a batch took and how long its first record had waited since its publish (queueing). */
    private static void logBatch(String topic, int handled, long start, long firstPublished) {
        if (handled > 0 && LOG.isDebugEnabled()) {
            LOG.debugf("%s: %d records handled in %.1f ms; the first was published %d ms before the batch began",
                    topic, handled, (System.nanoTime() - start) / 1e6,
                    System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000 - firstPublished);
        }
    }

    /**
     * As {@link #consumeAll} with up to {@code perTransaction} of the batch's records handled in ONE transaction (one
     * commit instead of one per record; {@code perTransaction} 1 is {@link #consumeAll}). The records are read first
     * (those that cannot be read are set aside as in {@link #consumeAll}); then each group of up to
     * {@code perTransaction} in order: one new transaction in which each record, in its own CONSUMER span, is recorded
     * in the inbox and handled ({@code afterEach} runs after each handler, e.g. to flush and clear the persistence
     * context so a group's work per record does not grow with the group), a record whose id came earlier in the group
     * is skipped. When that transaction fails for any reason (a refused record, a deadlock, the database restarting),
     * nothing of it stays and the group's records are handled again one transaction each, exactly as
     * {@link #consumeAll} does: a poison record ends as one dead letter with its reason and the others commit.
     * Returns how many records the handler ran for and committed.
     */
    public <T extends CutoverMessage> int consumeGrouped(String topic, Iterable<ConsumerRecord<String, String>> records,
            Class<T> type, int perTransaction, Handler<T> handler, Runnable afterEach) {
        if (perTransaction <= 1) {
            return consumeAll(topic, records, type, handler);
        }
        List<CompletableFuture<DeadLetter>> pending = new ArrayList<>();
        int handled = 0;
        try {
            List<Read<T>> group = new ArrayList<>(perTransaction);
            for (ConsumerRecord<String, String> record : records) {
                RecordOrigin o = RecordOrigin.of(record);
                RecordOrigin origin = new RecordOrigin(topic, o.partition(), o.offset(), o.key(), o.value(),
                        o.valueBytes(), o.headers());
                DeadLetters.Decoded<T> decoded = deadLetters.decode(origin, type, pending);
                if (decoded.ok()) {
                    group.add(new Read<>(origin, decoded.message()));
                }
                if (group.size() == perTransaction) {
                    handled += handleGroup(group, handler, afterEach, pending);
                    group.clear();
                }
            }
            if (!group.isEmpty()) {
                handled += handleGroup(group, handler, afterEach, pending);
            }
        } finally {
            DeadLetters.awaitAll(pending);
        }
        return handled;
    }

    /** A record that was read: where it came from and its message. */
    private record Read<T>(RecordOrigin origin, T message) {
    }

    private <T extends CutoverMessage> int handleGroup(List<Read<T>> group, Handler<T> handler, Runnable afterEach,
            List<CompletableFuture<DeadLetter>> pending) {
        if (group.size() == 1) {
            return traced(group.get(0), () -> handle(group.get(0).origin(), group.get(0).message(), handler, pending)) ? 1 : 0;
        }
        try {
            return transactions.inNewTransaction(c -> {
                Set<String> ids = new HashSet<>();
                int n = 0;
                for (Read<T> read : group) {
                    T message = read.message();
                    if (!ids.add(message.messageId())) {
                        continue; // the same message twice in one group: the inbox answers true for both
                    }
                    boolean ran = traced(read, () -> {
                        if (!inbox.firstDelivery(message.messageId(), read.origin().topic(), message.cutoverId())) {
                            LOG.infof("%s on %s already processed", Redelivery.describe(message), read.origin().topic());
                            return false;
                        }
                        try {
                            handler.handle(message);
                        } catch (StackOverflowError e) {
                            throw new InvalidMessageException("the handler overflowed its stack", e);
                        } catch (Exception e) {
                            throw e instanceof RuntimeException re ? re : new GroupFailed(e);
                        }
                        afterEach.run();
                        return true;
                    });
                    if (ran) {
                        n++;
                    }
                }
                return n;
            });
        } catch (Exception | StackOverflowError e) {
            LOG.infof("%d records of %s in one transaction failed (%s): each in its own transaction now", group.size(),
                    group.get(0).origin().topic(), Redelivery.rootMessage(e));
            int n = 0;
            for (Read<T> read : group) {
                if (traced(read, () -> handle(read.origin(), read.message(), handler, pending))) {
                    n++;
                }
            }
            return n;
        }
    }

    /** A checked exception of a handler inside a group's transaction. */
    private static final class GroupFailed extends RuntimeException {
        GroupFailed(Exception cause) {
            super(cause);
        }
    }

    /** Runs {@code work} in a CONSUMER span of the record, with its cutover and lease ids in the MDC. */
    private <T extends CutoverMessage> boolean traced(Read<T> read, java.util.function.BooleanSupplier work) {
        T message = read.message();
        Span span = tracing.startProcess(read.origin().topic(), read.origin().headers());
        try (Scope scope = span.makeCurrent()) {
            MessageTracing.identify(span, message.cutoverId(), message.leaseId());
            span.setAttribute("messaging.message.id", message.messageId());
            MDC.put(MDC_CUTOVER_ID, message.cutoverId() == null ? "" : message.cutoverId());
            MDC.put(MDC_LEASE_ID, message.leaseId() == null ? "" : message.leaseId());
            return work.getAsBoolean();
        } catch (RuntimeException | StackOverflowError e) {
            MessageTracing.failed(span, e);
            throw e;
        } finally {
            MDC.remove(MDC_CUTOVER_ID);
            MDC.remove(MDC_LEASE_ID);
            span.end();
        }
    }

    private <T extends CutoverMessage> boolean consume(RecordOrigin origin, Class<T> type, Handler<T> handler) {
        return consume(origin, type, handler, null);
    }

    private <T extends CutoverMessage> boolean consume(RecordOrigin origin, Class<T> type, Handler<T> handler,
            List<CompletableFuture<DeadLetter>> pending) {
        DeadLetters.Decoded<T> decoded = deadLetters.decode(origin, type, pending);
        if (!decoded.ok()) {
            return false;
        }
        T message = decoded.message();
        // handle() sets every failure aside; what escapes is the kit's own failure (the dead-letter publish interrupted)
        return traced(new Read<>(origin, message), () -> handle(origin, message, handler, pending));
    }

    private <T extends CutoverMessage> boolean handle(RecordOrigin origin, T message, Handler<T> handler,
            List<CompletableFuture<DeadLetter>> pending) {
        String what = Redelivery.describe(message);
        boolean[] handled = new boolean[1];
        try {
            Redelivery.untilCommitted(what, giveUpAfter, () -> handled[0] = transactions.inNewTransaction(c -> {
                if (!inbox.firstDelivery(message.messageId(), origin.topic(), message.cutoverId())) {
                    LOG.infof("%s on %s already processed", what, origin.topic());
                    return false;
                }
                try {
                    handler.handle(message);
                } catch (StackOverflowError e) {
                    throw new InvalidMessageException("the handler overflowed its stack", e);
                }
                return true;
            }), DeadLetters::isPermanent);
            return handled[0];
        } catch (RuntimeException e) {
            MessageTracing.failed(Span.current(), e);
            boolean permanent = DeadLetters.isPermanent(e);
            CompletableFuture<DeadLetter> letter = deadLetters.setAsideAsync(origin,
                    permanent ? DeadLetterReason.INVALID : DeadLetterReason.GAVE_UP,
                    what + ": " + (permanent ? "" : "still failing after " + giveUpAfter + ": ")
                            + Redelivery.rootMessage(e), message.cutoverId());
            if (pending == null) {
                DeadLetters.awaitAll(List.of(letter));
            } else {
                pending.add(letter);
            }
            return false;
        }
    }
}
