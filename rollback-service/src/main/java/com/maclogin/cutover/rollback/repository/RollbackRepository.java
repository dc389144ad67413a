package com.maclogin.cutover.rollback.repository;

import com.maclogin.cutover.rollback.Rollback;
import com.maclogin.cutover.rollback.RollbackState;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class RollbackRepository implements PanacheRepository<Rollback> {

    public Optional<Rollback> findByCutoverId(String cutoverId) {
        return find("cutoverId", cutoverId).firstResultOptional();
    }

    /** The row locked for update, so a result, a new request and the watchdog never interleave on one rollback. */
    public Optional<Rollback> lockByCutoverId(String cutoverId) {
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

    @io.quarkus.runtime.annotations.RegisterForReflection
    public record CutoverIdOnly(String cutoverId) {
    }
}
