package com.maclogin.cutover.orchestrator.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxMessage, Long> {

    /**
     * The oldest unsent rows, locked; rows another relay instance holds are skipped. Run inside the relay's
     * transaction.
     */
    @SuppressWarnings("unchecked")
    public List<OutboxMessage> lockUnsent(int limit) {
        return getEntityManager()
                .createNativeQuery("select * from outbox where sent_at is null order by id limit ?1 for update skip locked",
                        OutboxMessage.class)
                .setParameter(1, limit)
                .getResultList();
    }

    /** Only one relay publishes at a time across instances, so one lease's messages leave in id order. */
    public boolean tryRelayLock() {
        Object r = getEntityManager().createNativeQuery("select pg_try_advisory_xact_lock(7320511)").getSingleResult();
        return Boolean.TRUE.equals(r);
    }

    /** Marks the step row of a sent command as dispatched. */
    public void markDispatched(String commandMessageId) {
        getEntityManager().createNativeQuery(
                        "update cutover_step set dispatched_at = now() where command_message_id = ?1 and dispatched_at is null")
                .setParameter(1, commandMessageId).executeUpdate();
    }
}
