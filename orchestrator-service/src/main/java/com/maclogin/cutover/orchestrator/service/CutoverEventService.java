package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.saga.SagaInput;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** Applies rollback outcomes (ROLLED_BACK, ROLLBACK_FAILED from rollback-service) as the cutover's terminal state. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class CutoverEventService {

    private final CutoverRepository cutovers;
    private final SagaEngine saga;

    public CutoverEventService(CutoverRepository cutovers, SagaEngine saga) {
        this.cutovers = cutovers;
        this.saga = saga;
    }

    public void handle(CutoverEvent e) {
        if (e.type() != CutoverEventType.ROLLED_BACK && e.type() != CutoverEventType.ROLLBACK_FAILED) {
            return; // our own lifecycle events and the incident announcement: nothing to apply
        }
        if (e.messageId() == null) {
            return;
        }
        Optional<Cutover> found = cutovers.lock(e.cutoverId());
        if (found.isEmpty()) {
            Log.warnf("%s for unknown cutover %s (lease %s) ignored", e.type(), e.cutoverId(), e.leaseId());
            return;
        }
        saga.handle(found.get(), new SagaInput.RollbackOutcome(e.messageId(), e.epoch(),
                e.type() == CutoverEventType.ROLLED_BACK, e.reason(), e.endedAt()));
    }
}
