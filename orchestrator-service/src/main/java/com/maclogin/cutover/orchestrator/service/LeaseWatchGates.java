package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.Redaction;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.orchestrator.AuditEvent;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.repository.AuditRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverStepRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseWatchHistoryRepository;
import com.maclogin.cutover.orchestrator.saga.GateVerdict;
import com.maclogin.cutover.orchestrator.saga.LatencyBaseline;
import com.maclogin.cutover.orchestrator.saga.LeaseHealthGate;
import com.maclogin.cutover.orchestrator.saga.ValidationPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the continuous watch contributes to a cutover (issue 12 point 3): the LEASE_HEALTH gate's inputs and the
 * rolling P95 LATENCY baseline, read from the tables the lease.watch consumer writes. The decisions themselves are the
 * pure {@link LeaseHealthGate} and {@link LatencyBaseline}; {@link SagaEngine} records them.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class LeaseWatchGates {

    private static final String OVERRIDE_REF = "override:";

    private final LeaseWatchHistoryRepository history;
    private final AuditRepository audit;
    private final CutoverStepRepository steps;
    private final OrchestratorConfig config;

    public LeaseWatchGates(LeaseWatchHistoryRepository history, AuditRepository audit, CutoverStepRepository steps,
            OrchestratorConfig config) {
        this.history = history;
        this.audit = audit;
        this.steps = steps;
        this.config = config;
    }

    /** The audit reference of an approved override of {@code field} ({@code OVERRIDE} line), e.g. {@code override:gates.leaseHealth}. */
    public static String overrideRef(String field) {
        return OVERRIDE_REF + field;
    }

    /** LEASE_HEALTH for the cutover's lease at {@code now} (the gates' moment: INVENTORY's result). */
    public GateVerdict leaseHealth(Cutover c, Instant now) {
        Duration window = config.gates().leaseHealthWindow();
        LeaseHealthGate.Current current = history.health(c.leaseId).map(h -> new LeaseHealthGate.Current(h.state(),
                redact(h.reason()), h.since(), h.observedAt(), h.crashLooping())).orElse(null);
        var changes = history.changesSince(c.leaseId, now.minus(window)).stream().map(ch -> new LeaseHealthGate.Change(
                ch.state(), ch.previousState(), redact(ch.reason()), ch.crashLooping(), ch.at())).toList();
        GateVerdict verdict = LeaseHealthGate.evaluate(current, changes, now, window, null);
        if (verdict.passed()) {
            return verdict; // the common case: no need to look for other cutovers or an override
        }
        List<LeaseHealthGate.OwnCutover> own = List.of();
        Duration grace = config.gates().leaseHealthCutoverGrace();
        // refused: were those the lease's previous cutover's own restarts? (no index on cutover.lease_id alone, so
        // looked up on this rare path only)
        Instant since = now.minus(window);
        if (current != null && current.since() != null && current.since().isBefore(since)) {
            since = current.since();
        }
        own = history.otherCutovers(c.leaseId, c.id, since.minus(grace)).stream()
                .map(o -> new LeaseHealthGate.OwnCutover(o.cutoverId(), o.from(), o.to(), o.state())).toList();
        verdict = LeaseHealthGate.evaluate(current, changes, now, window, null, own, grace);
        if (verdict.passed()) {
            return verdict;
        }
        List<LeaseHealthGate.OwnCutover> others = own;
        GateVerdict refused = verdict;
        return approvedOverride(c, ValidationPolicy.LEASE_HEALTH)
                .map(o -> LeaseHealthGate.evaluate(current, changes, now, window, o, others, grace)).orElse(refused);
    }

    /** The watch's reasons reach the cutover's reason, audit and chat: redacted again where they are used. */
    private static String redact(String reason) {
        return reason == null ? null : Redaction.reason(reason);
    }

    /**
     * The approved override of a gate field as "approver: reason", from the cutover's audit trail (the OVERRIDE line a
     * second operator's approval wrote), or empty.
     */
    Optional<String> approvedOverride(Cutover c, String field) {
        Optional<AuditEvent> approval = audit.find("cutoverId = ?1 and action = ?2 and evidenceRef = ?3", c.id,
                Reasons.OVERRIDE, overrideRef(field)).firstResultOptional();
        return approval.map(a -> {
            String marker = ", requested by " + c.requestedBy + ": ";
            int at = a.detail == null ? -1 : a.detail.indexOf(marker);
            return a.actor + ": " + (at < 0 ? a.detail : a.detail.substring(at + marker.length()));
        });
    }

    /**
     * The rolling baseline for the cutover's VALIDATE plan: the window ends when the cutover's INVENTORY command was
     * created (the first moment the cutover touched the lease; FREEZE, SNAPSHOT, the install, a canary and the flip all
     * come after it and load or change the gateway), so only minutes of the lease in its normal state count.
     */
    public LatencyBaseline latencyBaseline(Cutover c, Double inventoryP95Millis) {
        Instant end = steps.lastSucceeded(c.id, StepKind.INVENTORY.name()).map(s -> s.createdAt)
                .orElse(c.startedAt != null ? c.startedAt : c.createdAt);
        Duration window = config.latencyBaseline().window();
        Instant from = end.minus(window).minusSeconds(LatencyBaseline.MINUTE_SECONDS);
        var minutes = history.rollups(c.leaseId, from, end).stream()
                .map(r -> new LatencyBaseline.Minute(r.minuteStart(), r.latencyHistogram(), r.latencySamples())).toList();
        return LatencyBaseline.choose(minutes, end, window, config.latencyBaseline().minSamples(), inventoryP95Millis);
    }
}
