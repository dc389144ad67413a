package com.maclogin.cutover.orchestrator.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** What the orchestrator records about its outbox messages (the outbox itself is messaging-support's). */
@ApplicationScoped
public class OutboxRepository {

    private final EntityManager em;

    public OutboxRepository(EntityManager em) {
        this.em = em;
    }

    /** Marks the step row of a sent command as dispatched. */
    public void markDispatched(String commandMessageId) {
        em.createNativeQuery(
                        "update cutover_step set dispatched_at = now() where command_message_id = ?1 and dispatched_at is null")
                .setParameter(1, commandMessageId).executeUpdate();
    }
}
