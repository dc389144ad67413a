package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverStep;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.StepState;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverStepRepository;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Every wait has a deadline: a step still open after deadline + grace becomes a TIMED_OUT result. */
@ApplicationScoped
public class TimeoutService {

    private final CutoverStepRepository steps;
    private final CutoverRepository cutovers;
    private final SagaEngine saga;
    private final OrchestratorConfig config;

    public TimeoutService(CutoverStepRepository steps, CutoverRepository cutovers, SagaEngine saga, OrchestratorConfig config) {
        this.steps = steps;
        this.cutovers = cutovers;
        this.saga = saga;
        this.config = config;
    }

    private volatile boolean stopped;

    void shutdown(@Observes ShutdownEvent ev) {
        stopped = true;
    }

    @Scheduled(every = "${orchestrator.timeout-check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (stopped) {
            return;
        }
        try {
            checkOverdue(Instant.now());
        } catch (RuntimeException e) {
            Log.warnf("timeout check failed: %s", e.toString());
        }
    }

    /** Times out every overdue step; returns how many. Each in its own transaction with the cutover row locked. */
    public int checkOverdue(Instant now) {
        Instant before = now.minus(config.timeoutGrace());
        List<Long> overdue = QuarkusTransaction.requiringNew().call(
                () -> steps.overdue(before, 50).stream().map(s -> s.id).toList());
        int n = 0;
        for (Long id : overdue) {
            Boolean done = QuarkusTransaction.requiringNew().call(() -> timeOut(id, before));
            if (Boolean.TRUE.equals(done)) {
                n++;
            }
        }
        return n;
    }

    private boolean timeOut(Long stepId, Instant before) {
        CutoverStep row = steps.findById(stepId);
        if (row == null) {
            return false;
        }
        Cutover c = cutovers.lock(row.cutoverId).orElse(null);
        steps.getEntityManager().refresh(row);
        if (c == null || row.state != StepState.SENT || !row.deadline.isBefore(before)) {
            return false;
        }
        if (!row.idempotencyKey.equals(c.inFlightKey)) {
            row.state = StepState.SUPERSEDED; // an open row that is no longer the step in flight
            return false;
        }
        Log.warnf("cutover %s lease %s: %s timed out (deadline %s)", c.id, c.leaseId, row.kind, row.deadline);
        saga.applyResult(c, null, row.kind, row.idempotencyKey, row.epoch, StepOutcome.TIMED_OUT,
                Reasons.deadlinePassed(row.deadline), null, Map.of(), List.of(), null, null, Reasons.ORCHESTRATOR);
        return true;
    }
}
