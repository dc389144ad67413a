package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.orchestrator.LeaseAuditEntry;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class LeaseAuditRepository implements PanacheRepositoryBase<LeaseAuditEntry, Long> {

    public List<LeaseAuditEntry> forLease(String leaseId) {
        return list("leaseId = ?1 order by id", leaseId);
    }
}
