package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.messaging.Inbox;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Message ids already processed by a consumer that writes (messaging-support's {@link Inbox} on table {@code inbox}).
 * The consumers record them before the services run ({@code TransactionalConsumer}); asked again in the same
 * transaction, the inbox answers true again, so the services' own checks still pass.
 */
@ApplicationScoped
public class InboxRepository {

    private final Inbox inbox;

    public InboxRepository(Inbox inbox) {
        this.inbox = inbox;
    }

    /** Records the message id; false when it was processed before (a redelivery). Must run in the consumer's transaction. */
    public boolean firstDelivery(String messageId) {
        return inbox.firstDelivery(messageId, null, null);
    }
}
