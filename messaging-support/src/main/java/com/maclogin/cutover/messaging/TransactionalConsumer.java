package com.maclogin.cutover.messaging;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * What every consumer that writes does with a record: parse it into its message type (an unreadable record is
 * logged and skipped), then in one new transaction record its id in the {@link Inbox} and run the handler (a
 * redelivery stops at the inbox), retried with {@link Redelivery} until it commits. An {@code @Incoming} method is
 * one call:
 * <pre>{@code consumer.consume(Topics.STEP_RESULTS, payload, StepResult.class, service::handle);}</pre>
 * Given the whole record ({@link #consume(String, ConsumerRecord, Class, Handler)}) it also continues the trace of
 * the record's {@code traceparent} header: a CONSUMER span, child of the producer's, is current while the handler
 * runs (so what the handler writes to an outbox carries it on), and the log MDC holds {@code cutoverId} and
 * {@code leaseId}.
 */
public record TransactionalConsumer(Inbox inbox, Transactions transactions, Duration giveUpAfter,
        MessageTracing tracing) {

    /** Without tracing (no span, no MDC). */
    public TransactionalConsumer(Inbox inbox, Transactions transactions, Duration giveUpAfter) {
        this(inbox, transactions, giveUpAfter, MessageTracing.disabled());
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
     * that continues the trace of the record's {@code traceparent} header, with the cutover and lease ids in the MDC.
     */
    public <T extends CutoverMessage> boolean consume(String topic, ConsumerRecord<String, String> record, Class<T> type,
            Handler<T> handler) {
        Span span = tracing.startProcess(topic, record.headers());
        try (Scope scope = span.makeCurrent()) {
            return consume(topic, record.value(), type, message -> {
                MessageTracing.identify(span, message.cutoverId(), message.leaseId());
                span.setAttribute("messaging.message.id", message.messageId());
                MDC.put(MDC_CUTOVER_ID, message.cutoverId());
                MDC.put(MDC_LEASE_ID, message.leaseId() == null ? "" : message.leaseId());
                try {
                    handler.handle(message);
                } finally {
                    MDC.remove(MDC_CUTOVER_ID);
                    MDC.remove(MDC_LEASE_ID);
                }
            });
        } catch (RuntimeException e) {
            MessageTracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Handles the record's payload from {@code topic}; true when the handler ran and committed, false when the record
     * was unreadable, had no message id or cutover id, or was processed before.
     */
    public <T extends CutoverMessage> boolean consume(String topic, String payload, Class<T> type, Handler<T> handler) {
        T message;
        try {
            message = Json.read(payload, type);
        } catch (IllegalArgumentException e) {
            LOG.warnf("unreadable %s on %s skipped: %s", type.getSimpleName(), topic, e.getMessage());
            return false;
        }
        if (message == null || message.messageId() == null || message.cutoverId() == null) {
            LOG.warnf("%s on %s without messageId or cutoverId skipped (lease %s)", type.getSimpleName(), topic,
                    message == null ? null : message.leaseId());
            return false;
        }
        String what = Redelivery.describe(message);
        boolean[] handled = new boolean[1];
        Redelivery.untilCommitted(what, giveUpAfter, () -> handled[0] = transactions.inNewTransaction(c -> {
            if (!inbox.firstDelivery(message.messageId(), topic, message.cutoverId())) {
                LOG.infof("%s on %s already processed", what, topic);
                return false;
            }
            handler.handle(message);
            return true;
        }));
        return handled[0];
    }
}
