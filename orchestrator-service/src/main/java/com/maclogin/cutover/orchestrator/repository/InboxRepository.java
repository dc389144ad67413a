package com.maclogin.cutover.orchestrator.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;

/** Message ids already processed by a consumer that writes. */
@ApplicationScoped
public class InboxRepository {

    private final EntityManager em;

    public InboxRepository(EntityManager em) {
        this.em = em;
    }

    /** Records the message id; false when it was processed before (a redelivery). Must run in the consumer's transaction. */
    public boolean firstDelivery(String messageId) {
        int n = em.createNativeQuery("insert into inbox(message_id, processed_at) values (?1, ?2) on conflict do nothing")
                .setParameter(1, messageId)
                .setParameter(2, Instant.now())
                .executeUpdate();
        return n == 1;
    }
}
