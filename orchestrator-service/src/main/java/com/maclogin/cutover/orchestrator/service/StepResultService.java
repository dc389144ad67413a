package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Redaction;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** Applies a StepResult from cutover.step-results: checks it is complete (the consumer deduplicated it), then the saga fences and applies it. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class StepResultService {

    private final CutoverRepository cutovers;
    private final SagaEngine saga;
    private final FleetControlService controls;

    public StepResultService(CutoverRepository cutovers, SagaEngine saga, FleetControlService controls) {
        this.cutovers = cutovers;
        this.saga = saga;
        this.controls = controls;
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
        Optional<Cutover> found = cutovers.lock(r.cutoverId());
        if (found.isEmpty() && controls.stepResult(r)) {
            return; // a fleet's control check (its id is the RunStep's cutoverId)
        }
        if (found.isEmpty()) {
            Log.warnf("step result %s for unknown cutover %s (lease %s) ignored", r.messageId(), r.cutoverId(), r.leaseId());
            return;
        }
        Cutover c = found.get();
        String actor = "worker:" + (r.workerId() == null ? "unknown" : r.workerId());
        // defence in depth: the worker redacts, but what is stored, shown and posted is redacted here again
        saga.applyResult(c, r.messageId(), String.valueOf(r.kind()), r.idempotencyKey(), r.epoch(), r.outcome(),
                Redaction.reason(r.reason()), StepReport.of(r), Redaction.facts(r.facts()),
                Redaction.evidence(r.evidence()), r.durationMillis(), r.workerId(), actor);
    }
}
