package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverStep;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.StepState;
import com.maclogin.cutover.orchestrator.repository.AuditRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverStepRepository;
import com.maclogin.cutover.orchestrator.repository.InboxRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Objects;
import java.util.Optional;

/** Applies a StepResult from cutover.step-results: inbox, fencing (epoch, step in flight), then the saga. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class StepResultService {

    private final InboxRepository inbox;
    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final AuditRepository audit;
    private final SagaEngine saga;

    public StepResultService(InboxRepository inbox, CutoverRepository cutovers, CutoverStepRepository steps,
            AuditRepository audit, SagaEngine saga) {
        this.inbox = inbox;
        this.cutovers = cutovers;
        this.steps = steps;
        this.audit = audit;
        this.saga = saga;
    }

    public void handle(StepResult r) {
        if (r.messageId() == null || r.cutoverId() == null) {
            Log.warnf("step result without messageId or cutoverId ignored (lease %s)", r.leaseId());
            return;
        }
        if (r.schemaVersion() > CutoverMessage.SCHEMA_VERSION) {
            Log.warnf("cutover %s lease %s: step result %s has schema version %d, newer than %d; ignored", r.cutoverId(),
                    r.leaseId(), r.messageId(), r.schemaVersion(), CutoverMessage.SCHEMA_VERSION);
            return;
        }
        if (!inbox.firstDelivery(r.messageId())) {
            Log.debugf("cutover %s lease %s: step result %s already processed", r.cutoverId(), r.leaseId(), r.messageId());
            return;
        }
        Optional<Cutover> found = cutovers.lock(r.cutoverId());
        if (found.isEmpty()) {
            Log.warnf("step result %s for unknown cutover %s (lease %s) ignored", r.messageId(), r.cutoverId(), r.leaseId());
            return;
        }
        Cutover c = found.get();
        String actor = "worker:" + (r.workerId() == null ? "unknown" : r.workerId());
        if (r.epoch() < c.epoch) {
            audit.record(c.id, actor, Reasons.RESULT_REFUSED, r.kind() + " result " + r.messageId() + ": "
                    + Reasons.staleEpoch(r.epoch(), c.epoch));
            Log.infof("cutover %s lease %s: refused stale %s result (epoch %d < %d)", c.id, c.leaseId, r.kind(), r.epoch(), c.epoch);
            return;
        }
        if (!Objects.equals(r.idempotencyKey(), c.inFlightKey)) {
            audit.record(c.id, actor, Reasons.RESULT_IGNORED, r.kind() + " result " + r.messageId() + ": "
                    + Reasons.notInFlight(r.idempotencyKey(), c.inFlightKey));
            Log.infof("cutover %s lease %s: ignored result for %s (in flight: %s)", c.id, c.leaseId, r.idempotencyKey(), c.inFlightKey);
            return;
        }
        CutoverStep row = steps.byKey(r.idempotencyKey()).orElse(null);
        if (row == null || row.state != StepState.SENT || r.outcome() == null) {
            audit.record(c.id, actor, Reasons.RESULT_IGNORED, r.kind() + " result " + r.messageId() + ": no open step or no outcome");
            return;
        }
        saga.applyResult(c, row, r.outcome(), r.reason(), r.facts(), r.evidence(), r.durationMillis(), r.workerId(), actor);
    }
}
