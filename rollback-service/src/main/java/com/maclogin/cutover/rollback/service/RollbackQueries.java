package com.maclogin.cutover.rollback.service;

import com.maclogin.cutover.rollback.RollbackState;
import com.maclogin.cutover.rollback.repository.RollbackAuditRepository;
import com.maclogin.cutover.rollback.repository.RollbackRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** Read side for operators. */
@ApplicationScoped
public class RollbackQueries {

    private final RollbackRepository rollbacks;
    private final RollbackAuditRepository audit;

    public RollbackQueries(RollbackRepository rollbacks, RollbackAuditRepository audit) {
        this.rollbacks = rollbacks;
        this.audit = audit;
    }

    @Transactional
    public Optional<RollbackView> byCutoverId(String cutoverId) {
        return rollbacks.findByCutoverId(cutoverId).map(r -> RollbackView.of(r, audit.listByCutoverId(cutoverId)));
    }

    @Transactional
    public List<RollbackView> byState(RollbackState state) {
        return rollbacks.listByState(state).stream().map(r -> RollbackView.of(r, null)).toList();
    }
}
