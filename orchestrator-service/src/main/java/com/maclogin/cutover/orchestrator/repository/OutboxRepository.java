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

    /** Marks the step rows of sent commands as dispatched, and a PENDING cutover whose INVENTORY left as GATING. */
    public void markDispatched(String commandMessageId) {
        getEntityManager().createNativeQuery(
                        "update cutover c set state = 'GATING', updated_at = now() where c.state = 'PENDING' and exists ("
                                + "select 1 from cutover_step s where s.cutover_id = c.id and s.command_message_id = ?1 "
                                + "and s.kind = 'INVENTORY')")
                .setParameter(1, commandMessageId).executeUpdate();
        // cutover row first, then the step row: the same lock order as the result consumer (no deadlock)
        getEntityManager().createNativeQuery(
                        "update cutover_step set dispatched_at = now() where command_message_id = ?1 and dispatched_at is null")
                .setParameter(1, commandMessageId).executeUpdate();
    }
}
