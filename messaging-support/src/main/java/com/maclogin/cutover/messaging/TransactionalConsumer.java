package com.maclogin.cutover.messaging;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * What every consumer that writes does with a record: parse it into its message type (an unreadable record is
 * logged and skipped), then in one new transaction record its id in the {@link Inbox} and run the handler (a
 * redelivery stops at the inbox), retried with {@link Redelivery} until it commits. An {@code @Incoming} method is
 * one call:
 * <pre>{@code consumer.consume(Topics.STEP_RESULTS, payload, StepResult.class, service::handle);}</pre>
 */
public record TransactionalConsumer(Inbox inbox, Transactions transactions, Duration giveUpAfter) {

    /** Handles one message inside the consumer's transaction; throwing rolls it back and it is tried again. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(T message) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(TransactionalConsumer.class);

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
