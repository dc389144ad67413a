package com.maclogin.cutover.rollback.repository;

import com.maclogin.cutover.rollback.RollbackAudit;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class RollbackAuditRepository implements PanacheRepository<RollbackAudit> {

    public List<RollbackAudit> listByCutoverId(String cutoverId) {
        return list("cutoverId", Sort.by("id"), cutoverId);
    }
}
