package com.maclogin.cutover.notifier.repository;

import com.maclogin.cutover.notifier.LeaseAlert;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;

/** {@code notifier.lease_alert}: what is known of each lease's health and its open alerts. Callers own the transaction. */
@ApplicationScoped
public class LeaseAlertRepository implements PanacheRepositoryBase<LeaseAlert, String> {

    /**
     * The lease's row, created empty if absent, locked until the caller's transaction ends: two consumers (a rebalance,
     * two instances) deciding on the same lease take turns, the second sees what the first changed.
     */
    public LeaseAlert lockOrCreate(String leaseId) {
        getEntityManager().createNativeQuery("""
                insert into notifier.lease_alert (lease_id, threads, updated_at) values (?1, 0, ?2)
                on conflict (lease_id) do nothing""").setParameter(1, leaseId).setParameter(2, Instant.now())
                .executeUpdate();
        return getEntityManager().find(LeaseAlert.class, leaseId, LockModeType.PESSIMISTIC_WRITE);
    }
}
