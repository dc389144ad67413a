package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.orchestrator.Fleet;
import com.maclogin.cutover.orchestrator.FleetControlCheck;
import com.maclogin.cutover.orchestrator.repository.FleetRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;

/**
 * Results of a fleet's control checks: their VALIDATE results arrive on cutover.step-results (and breaches on
 * cutover.breaches) with the control check's id as cutoverId. The consumers ask here before calling a cutover unknown.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class FleetControlService {

    private final FleetRepository fleets;
    private final FleetEngine engine;

    public FleetControlService(FleetRepository fleets, FleetEngine engine) {
        this.fleets = fleets;
        this.engine = engine;
    }

    /** True when the result belongs to a control check (handled here); false for a truly unknown cutover. */
    public boolean stepResult(StepResult r) {
        return answer(r.cutoverId(), r.leaseId(), r.outcome() == StepOutcome.SUCCEEDED,
                r.outcome() + (r.reason() == null ? "" : " " + r.reason()));
    }

    /** True when the breach belongs to a control check: that control lease failed. */
    public boolean breach(ThresholdBreached b) {
        return answer(b.cutoverId(), b.leaseId(), false, "breach " + b.trigger() + ": " + b.observed());
    }

    private boolean answer(String checkId, String leaseId, boolean passed, String detail) {
        if (checkId == null || !checkId.startsWith("ctl-")) {
            return false;
        }
        Optional<FleetControlCheck> found = fleets.controlCheck(checkId);
        if (found.isEmpty()) {
            return false;
        }
        // lock order: the fleet row first, then the check (as the reconcile does)
        Optional<Fleet> f = fleets.lock(found.get().fleetId);
        if (f.isEmpty()) {
            return true;
        }
        fleets.getEntityManager().refresh(found.get());
        engine.controlAnswer(f.get(), found.get(), leaseId, passed, detail, Instant.now());
        return true;
    }
}
