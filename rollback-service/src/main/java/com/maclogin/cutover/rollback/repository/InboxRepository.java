package com.maclogin.cutover.rollback.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Processed message ids. Insert-if-absent in the consumer's transaction: a redelivery finds its id and does nothing. */
@ApplicationScoped
public class InboxRepository {

    private final EntityManager em;

    public InboxRepository(EntityManager em) {
        this.em = em;
    }

    /** Records the message id; true the first time, false when it was already processed. */
    public boolean firstDelivery(String messageId, String topic) {
        int inserted = em.createNativeQuery(
                        "INSERT INTO rollback.inbox (message_id, topic, received_at) VALUES (?1, ?2, ?3) "
                                + "ON CONFLICT (message_id) DO NOTHING")
                .setParameter(1, messageId)
                .setParameter(2, topic)
                .setParameter(3, OffsetDateTime.now(ZoneOffset.UTC))
                .executeUpdate();
        return inserted == 1;
    }
}
