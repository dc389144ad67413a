package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.orchestrator.CutoverStep;
import com.maclogin.cutover.orchestrator.StepState;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class CutoverStepRepository implements PanacheRepositoryBase<CutoverStep, Long> {

    public List<CutoverStep> forCutover(String cutoverId) {
        return list("cutoverId = ?1 order by id", cutoverId);
    }

    public Optional<CutoverStep> byKey(String idempotencyKey) {
        return find("idempotencyKey", idempotencyKey).firstResultOptional();
    }

    /**
     * Steps of a kind the cutover has (the next attempt's number). A typed count query, not Panache's {@code count}:
     * Hibernate derives that one's count query anew on every call (query interpretation was a quarter of a step
     * result's CPU, docs/benchmarks.md "P5"); this one's plan is cached.
     */
    public long countKind(String cutoverId, String kind) {
        return getEntityManager().createQuery(
                        "select count(s) from CutoverStep s where s.cutoverId = ?1 and s.kind = ?2", Long.class)
                .setParameter(1, cutoverId).setParameter(2, kind).getSingleResult();
    }

    /** The last successful step of a kind (e.g. the INVENTORY whose facts feed later steps). */
    public Optional<CutoverStep> lastSucceeded(String cutoverId, String kind) {
        return find("cutoverId = ?1 and kind = ?2 and outcome = ?3 order by id desc", cutoverId, kind,
                StepOutcome.SUCCEEDED).firstResultOptional();
    }

    /** Commands still waiting whose deadline (plus grace) has passed. */
    public List<CutoverStep> overdue(Instant before, int limit) {
        return find("state = ?1 and deadline < ?2 order by deadline", StepState.SENT, before).page(0, limit).list();
    }

    /** The step row of a command, by the command's message id. */
    public Optional<CutoverStep> byCommandMessageId(String commandMessageId) {
        return find("commandMessageId", commandMessageId).firstResultOptional();
    }
}
