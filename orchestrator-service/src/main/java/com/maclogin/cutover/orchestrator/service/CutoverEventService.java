package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.repository.AuditRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.InboxRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.Optional;

/** Applies rollback outcomes (ROLLED_BACK, ROLLBACK_FAILED from rollback-service) as the cutover's terminal state. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class CutoverEventService {

    private final InboxRepository inbox;
    private final CutoverRepository cutovers;
    private final AuditRepository audit;
    private final SagaEngine saga;

    /**
     * States a rollback outcome may end even though this service has not seen the rollback start: rollback-service
     * starts a rollback on a worker's breach by itself, so the outcome of a newer epoch is authoritative here.
     */
    static final Set<CutoverState> OVERTAKABLE = EnumSet.of(CutoverState.RUNNING, CutoverState.VALIDATING,
            CutoverState.PAUSED);

    public CutoverEventService(InboxRepository inbox, CutoverRepository cutovers, AuditRepository audit, SagaEngine saga) {
        this.inbox = inbox;
        this.cutovers = cutovers;
        this.audit = audit;
        this.saga = saga;
    }

    public void handle(CutoverEvent e) {
        if (e.type() != CutoverEventType.ROLLED_BACK && e.type() != CutoverEventType.ROLLBACK_FAILED) {
            return; // our own lifecycle events and the incident announcement: nothing to apply
        }
        if (e.messageId() == null || !inbox.firstDelivery(e.messageId())) {
            return;
        }
        Optional<Cutover> found = cutovers.lock(e.cutoverId());
        if (found.isEmpty()) {
            Log.warnf("%s for unknown cutover %s (lease %s) ignored", e.type(), e.cutoverId(), e.leaseId());
            return;
        }
        Cutover c = found.get();
        if (e.epoch() < c.epoch) {
            audit.record(c.id, Reasons.ROLLBACK_SERVICE, Reasons.EVENT_REFUSED, e.type() + " " + e.messageId() + ": "
                    + Reasons.staleEpoch(e.epoch(), c.epoch));
            return;
        }
        boolean overtook = c.state != CutoverState.ROLLING_BACK;
        if (overtook && !(e.epoch() > c.epoch && OVERTAKABLE.contains(c.state))) {
            audit.record(c.id, Reasons.ROLLBACK_SERVICE, Reasons.EVENT_REFUSED, e.type() + " " + e.messageId()
                    + ": cutover is " + c.state + ", not ROLLING_BACK");
            return;
        }
        if (overtook) {
            // rollback-service acted on a worker's breach (epoch breach + 1) that this service has not applied yet:
            // breaches and outcomes travel on different topics, so the outcome can arrive first, e.g. after a restart
            // that finds both waiting. The outcome is the newer fact; the breach, when it comes, finds a terminal
            // cutover and is only audited.
            audit.record(c.id, Reasons.ROLLBACK_SERVICE, Reasons.STATE, "ROLLING_BACK (epoch " + e.epoch() + ", from "
                    + c.state + " at epoch " + c.epoch + "): rollback-service's outcome arrived before the breach");
            saga.supersedeInFlight(c);
            c.epoch = e.epoch();
            c.resumeStep = null;
        }
        c.state = e.type() == CutoverEventType.ROLLED_BACK ? CutoverState.ROLLED_BACK : CutoverState.ROLLBACK_FAILED;
        c.endedAt = e.endedAt() != null ? e.endedAt() : Instant.now();
        c.updatedAt = Instant.now();
        if (e.reason() != null && !e.reason().isBlank()) {
            c.reason = e.reason();
        }
        audit.record(c.id, Reasons.ROLLBACK_SERVICE, Reasons.ROLLBACK_OUTCOME, c.state
                + (e.reason() == null ? "" : ": " + e.reason()));
        Log.infof("cutover %s lease %s: %s", c.id, c.leaseId, c.state);
    }
}
