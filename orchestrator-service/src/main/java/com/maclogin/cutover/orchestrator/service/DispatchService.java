package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.orchestrator.CutoverStep;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverStepRepository;
import com.maclogin.cutover.orchestrator.repository.OutboxRepository;
import com.maclogin.cutover.orchestrator.saga.CutoverSaga;
import com.maclogin.cutover.orchestrator.saga.SagaInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;

/**
 * What the outbox relay reports for each message it handed to Kafka, inside its transaction: the command's step row is
 * marked dispatched, and the saga hears of it (a PENDING cutover whose INVENTORY left is GATING).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class DispatchService {

    private final CutoverStepRepository steps;
    private final CutoverRepository cutovers;
    private final OutboxRepository outbox;
    private final SagaEngine saga;

    public DispatchService(CutoverStepRepository steps, CutoverRepository cutovers, OutboxRepository outbox,
            SagaEngine saga) {
        this.steps = steps;
        this.cutovers = cutovers;
        this.outbox = outbox;
        this.saga = saga;
    }

    public void dispatched(String messageId) {
        Optional<CutoverStep> step = steps.byCommandMessageId(messageId);
        if (step.isEmpty()) {
            return; // an event or a rollback request
        }
        if (CutoverSaga.dispatchMovesTheSaga(step.get().kind)) {
            // cutover row first, then the step row: the same lock order as the result consumer (no deadlock)
            cutovers.lock(step.get().cutoverId).ifPresent(c -> saga.handle(c, new SagaInput.Dispatched(step.get().kind)));
        }
        outbox.markDispatched(messageId);
    }
}
