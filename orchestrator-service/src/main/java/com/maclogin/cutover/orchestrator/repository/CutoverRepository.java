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
        return find(FIND_ACTIVE, leaseId).firstResultOptional();
    }

    /**
     * The active states as enum literals in the query text: with a list parameter ({@code state in ?2}) Hibernate
     * interprets the query anew on every call (it showed in the P5 profile of cutover creation); this plan is cached.
     */
    static final String FIND_ACTIVE = "leaseId = ?1 and state in (" + CutoverState.ACTIVE.stream()
            .map(s -> CutoverState.class.getName() + "." + s.name()).collect(java.util.stream.Collectors.joining(", "))
            + ")";

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
