package com.maclogin.cutover.rollback.repository;

import com.maclogin.cutover.rollback.Rollback;
import com.maclogin.cutover.rollback.RollbackState;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class RollbackRepository implements PanacheRepository<Rollback> {

    /** First key of the two-int advisory lock: keeps these locks apart from any other advisory lock user. */
    static final int ADVISORY_LOCK_SPACE = 0x524f4c4c; // "ROLL"

    public Optional<Rollback> findByCutoverId(String cutoverId) {
        return find("cutoverId", cutoverId).firstResultOptional();
    }

    /**
     * The row locked for update, so a result, a new request and the watchdog never interleave on one rollback. A row
     * lock cannot cover a row that does not exist yet: a breach and a request for the same cutover arriving together
     * would both see "no rollback" and both insert. So first a transaction-scoped advisory lock on the cutover id
     * serialises every transaction that starts, supersedes or advances this cutover's rollback.
     */
    public Optional<Rollback> lockByCutoverId(String cutoverId) {
        getEntityManager().createNativeQuery("select count(*) from (select pg_advisory_xact_lock(?1, hashtext(?2))) locked")
                .setParameter(1, ADVISORY_LOCK_SPACE).setParameter(2, cutoverId).getSingleResult();
        return find("cutoverId", cutoverId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public List<Rollback> listByState(RollbackState state) {
        return state == null
                ? listAll(Sort.by("id").descending())
                : list("state", Sort.by("id").descending(), state);
    }

    /** Cutover ids whose outstanding command is past {@code cutoff}. */
    public List<String> overdueCutoverIds(Instant cutoff) {
        return find("state in ?1 and commandDeadline < ?2",
                List.of(RollbackState.RESTORING, RollbackState.VALIDATING), cutoff)
                .project(CutoverIdOnly.class).list().stream().map(CutoverIdOnly::cutoverId).toList();
    }

    @RegisterForReflection
    public record CutoverIdOnly(String cutoverId) {
    }
}
