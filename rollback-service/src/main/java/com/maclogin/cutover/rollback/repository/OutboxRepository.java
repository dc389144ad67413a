package com.maclogin.cutover.rollback.repository;

import com.maclogin.cutover.rollback.OutboxMessage;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class OutboxRepository implements PanacheRepository<OutboxMessage> {

    /** The oldest unsent rows, locked; rows locked by another relay are skipped. */
    @SuppressWarnings("unchecked")
    public List<OutboxMessage> lockUnsent(int limit) {
        return getEntityManager().createNativeQuery(
                        "SELECT * FROM rollback.outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?1 FOR UPDATE SKIP LOCKED",
                        OutboxMessage.class)
                .setParameter(1, limit)
                .getResultList();
    }

    public long countUnsent() {
        return count("sentAt is null");
    }
}
