package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.LeaseStage;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class CutoverRepository implements PanacheRepositoryBase<Cutover, String> {

    /** The cutover with its row locked for the rest of the transaction (serialises consumers, REST and the timeout check). */
    public Optional<Cutover> lock(String id) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The newest cutover created on the same lease after {@code c}, if any. */
    public Optional<Cutover> laterOnLease(Cutover c) {
        return find("leaseId = ?1 and createdAt > ?2 and id <> ?3 order by createdAt desc", c.leaseId, c.createdAt, c.id)
                .firstResultOptional();
    }

    /** The first GREEN cutover to {@code version} on a STAGING lease, if any (the staging-first gate). */
    public Optional<Cutover> firstGreenOnStaging(String version) {
        return find("state = ?1 and candidateVersion = ?2 and leaseId in (select l.id from Lease l where l.stage = ?3) "
                + "order by endedAt", CutoverState.GREEN, version, LeaseStage.STAGING)
                .firstResultOptional();
    }

    public Optional<Cutover> findActive(String leaseId) {
        return find("leaseId = ?1 and state in ?2", leaseId, CutoverState.ACTIVE).firstResultOptional();
    }

    public List<Cutover> search(String leaseId, CutoverState state, int limit) {
        StringBuilder q = new StringBuilder("1 = 1");
        Parameters p = new Parameters();
        if (leaseId != null) {
            q.append(" and leaseId = :lease");
            p.and("lease", leaseId);
        }
        if (state != null) {
            q.append(" and state = :state");
            p.and("state", state);
        }
        q.append(" order by createdAt desc");
        return find(q.toString(), p).page(0, limit).list();
    }
}
