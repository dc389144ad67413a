package com.maclogin.cutover.rollback.service;

import static com.maclogin.cutover.rollback.service.RollbackReasons.HASH_PACKAGE;
import static com.maclogin.cutover.rollback.service.RollbackReasons.HASH_PLIST;
import static com.maclogin.cutover.rollback.service.RollbackReasons.HASH_STATE;

import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.messaging.OutboxWriter;
import com.maclogin.cutover.rollback.Rollback;
import com.maclogin.cutover.rollback.RollbackAudit;
import com.maclogin.cutover.rollback.RollbackState;
import com.maclogin.cutover.rollback.config.RollbackConfig;
import com.maclogin.cutover.rollback.repository.RollbackAuditRepository;
import com.maclogin.cutover.rollback.repository.RollbackRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The rollback saga: request or breach → RESTORE (retried) → verify hashes and version → VALIDATE with the probe
 * matrix on the old version (a breach at the rollback's epoch fails it) → ROLLED_BACK, or ROLLBACK_FAILED. Every
 * state change, its outbox messages and its audit line commit in one transaction.
 */
@ApplicationScoped
public class RollbackService {

    private final RollbackRepository rollbacks;
    private final RollbackAuditRepository audit;
    private final OutboxWriter outbox;
    private final RollbackConfig config;
    private final MeterRegistry metrics;

    public RollbackService(RollbackRepository rollbacks, RollbackAuditRepository audit, OutboxWriter outbox,
                           RollbackConfig config, MeterRegistry metrics) {
        this.rollbacks = rollbacks;
        this.audit = audit;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
    }

    // ---------------------------------------------------------------- requests

    @Transactional
    public void onRollbackRequested(RollbackRequested req) {
        if (req.messageId() == null || req.cutoverId() == null || req.leaseId() == null) {
            Log.warnf("RollbackRequested without messageId, cutoverId or leaseId dropped (cutover %s, lease %s)",
                    req.cutoverId(), req.leaseId());
            return;
        }
        request(req, rollbacks.lockByCutoverId(req.cutoverId()), null);
    }

    /**
     * A tripped trigger from a regional worker. At the epoch of a running verification (the rollback's own VALIDATE
     * raised it): the rollback failed. Otherwise ROLLBACK starts a rollback exactly like a RollbackRequested at epoch
     * {@code breach.epoch + 1} (the same cutover and epoch twice is a no-op, whichever came first); PAUSE and OBSERVE
     * are recorded only.
     */
    @Transactional
    public void onBreach(ThresholdBreached b) {
        if (b.messageId() == null || b.cutoverId() == null || b.leaseId() == null || b.trigger() == null
                || b.action() == null) {
            Log.warnf("ThresholdBreached without messageId, cutoverId, leaseId, trigger or action dropped "
                    + "(cutover %s, lease %s)", b.cutoverId(), b.leaseId());
            return;
        }
        Optional<Rollback> existing = rollbacks.lockByCutoverId(b.cutoverId());
        String numbers = RollbackReasons.numbers(b.numbers());
        Instant now = Instant.now();
        if (existing.isPresent() && existing.get().epoch == b.epoch()) {
            Rollback rb = existing.get();
            if (rb.state == RollbackState.VALIDATING) {
                metrics.counter("rollback.breaches", "trigger", b.trigger().name(), "decision", "verification_failed")
                        .increment();
                finishFailed(rb, RollbackReasons.verificationBreached(rb.previousVersion, b), StepKind.VALIDATE, null,
                        b.messageId(), now, numbers);
            } else {
                metrics.counter("rollback.breaches", "trigger", b.trigger().name(), "decision", "ignored").increment();
                record(rb, "BREACH_IGNORED", rb.state, null, null, b.messageId(),
                        (rb.state.terminal() ? RollbackReasons.BREACH_AFTER_FINISH : RollbackReasons.BREACH_DURING_RESTORE)
                                + ": " + RollbackReasons.breach(b) + "; " + numbers);
                Log.infof("cutover %s lease %s: breach %s at epoch %d ignored (rollback %s)", rb.cutoverId,
                        rb.leaseId, b.trigger(), b.epoch(), rb.state);
            }
            return;
        }
        if (b.action() != TriggerAction.ROLLBACK) {
            metrics.counter("rollback.breaches", "trigger", b.trigger().name(), "decision", "recorded").increment();
            Rollback rb = existing.orElse(null);
            audit.persist(auditLine(rb, b.cutoverId(), b.leaseId(), b.epoch(), "BREACH_RECORDED",
                    rb == null ? null : rb.state, rb == null ? null : rb.state, StepKind.VALIDATE, null, null,
                    b.messageId(), RollbackReasons.breachRecordedOnly(b)));
            Log.infof("cutover %s lease %s: breach %s with action %s recorded, no rollback", b.cutoverId(),
                    b.leaseId(), b.trigger(), b.action());
            return;
        }
        metrics.counter("rollback.breaches", "trigger", b.trigger().name(), "decision", "rollback").increment();
        request(RollbackMessages.requestFromBreach(b), existing, numbers);
    }

    /** A rollback request (operator or breach), after the inbox check; {@code detail} is added to its audit line. */
    private void request(RollbackRequested req, Optional<Rollback> existing, String detail) {
        Instant now = Instant.now();
        String suffix = detail == null ? "" : " (" + req.requestedBy() + ": " + req.reason() + "; " + detail + ")";
        switch (RollbackRules.onRequest(existing.map(r -> r.epoch).orElse(null), req.epoch())) {
            case DUPLICATE -> record(existing.get(), "REQUEST_IGNORED", existing.get().state, null, null,
                    req.messageId(), RollbackReasons.DUPLICATE_REQUEST + suffix);
            case STALE -> record(existing.get(), "REQUEST_IGNORED", existing.get().state, null, null,
                    req.messageId(), RollbackReasons.STALE_REQUEST + " (" + req.epoch() + ")" + suffix);
            case START -> {
                Rollback rb = new Rollback();
                rb.createdAt = now;
                rb.attempt = 0;
                start(rb, req, now, "REQUESTED", null, detail);
            }
            case SUPERSEDE -> {
                Rollback rb = existing.get();
                start(rb, req, now, "SUPERSEDED", rb.state, detail);
            }
        }
    }

    private void start(Rollback rb, RollbackRequested req, Instant now, String action, RollbackState from,
                       String detail) {
        long previousEpoch = rb.epoch;
        rb.cutoverId = req.cutoverId();
        rb.leaseId = req.leaseId();
        rb.region = req.target() == null ? null : req.target().region();
        rb.epoch = req.epoch();
        rb.requestMessageId = req.messageId();
        rb.requestedBy = req.requestedBy();
        rb.reason = req.reason();
        rb.ticketId = req.ticketId();
        rb.rollbackOwner = req.rollbackOwner();
        rb.target = req.target() == null ? null : Json.write(req.target());
        rb.previousVersion = req.previousVersion();
        rb.candidateVersion = req.candidateVersion();
        Map<String, String> hashes = req.expectedSha256() == null ? Map.of() : req.expectedSha256();
        rb.expectedPlistSha256 = hashes.get(HASH_PLIST);
        rb.expectedPackageSha256 = hashes.get(HASH_PACKAGE);
        rb.expectedStateSha256 = hashes.get(HASH_STATE);
        rb.foundPlistSha256 = null;
        rb.foundPackageSha256 = null;
        rb.foundStateSha256 = null;
        rb.foundGatewayVersion = null;
        rb.failureReason = null;
        rb.finishedAt = null;
        rb.matrixGreenAt = null;
        rb.matrixGreenRound = null;
        rb.requestedAt = req.timestamp() == null ? now : req.timestamp();
        rb.updatedAt = now;
        rb.attempt = rb.attempt + 1; // never reuse an idempotency key, not even across epochs
        rb.restoreAttempts = 1;
        rb.state = RollbackState.RESTORING;
        if (rb.id == null) {
            rollbacks.persist(rb);
        }
        record(rb, action, from, null, null, req.messageId(),
                (from == null ? "" : "epoch " + previousEpoch + " superseded by " + req.epoch() + "; ")
                        + "requested by " + req.requestedBy() + ": " + req.reason()
                        + (detail == null ? "" : "; " + detail));
        outbox.enqueue(Topics.EVENTS, RollbackMessages.event(rb, CutoverEventType.ROLLBACK_STARTED, req.reason(), now));
        metrics.counter("rollback.requests", "decision", from == null ? "start" : "supersede").increment();

        String problem = RollbackRules.requestProblem(req);
        if (problem != null) {
            finishFailed(rb, RollbackReasons.invalidRequest(problem), null, null, req.messageId(), now, null);
            return;
        }
        sendRestore(rb, now);
    }

    private void sendRestore(Rollback rb, Instant now) {
        RunStep cmd = RollbackMessages.restore(rb, now, config.restoreTimeout());
        setOutstanding(rb, cmd);
        outbox.enqueue(Topics.stepCommands(rb.region), cmd);
        record(rb, "RESTORE_SENT", rb.state, StepKind.RESTORE, null, cmd.messageId(),
                "attempt " + rb.restoreAttempts + " of " + config.maxAttempts() + ", key " + cmd.idempotencyKey());
        Log.infof("cutover %s lease %s: RESTORE sent to %s (epoch %d, key %s, restoring %s)", rb.cutoverId, rb.leaseId,
                Topics.stepCommands(rb.region), rb.epoch, cmd.idempotencyKey(), rb.previousVersion);
    }

    private void sendValidate(Rollback rb, Instant now) {
        RunStep cmd = RollbackMessages.validate(rb, now, config.verify().window(), config.verify().probeInterval(),
                config.verify().deadlineMargin());
        StepCommand.Validate window = cmd.command(StepCommand.Validate.class);
        setOutstanding(rb, cmd);
        outbox.enqueue(Topics.stepCommands(rb.region), cmd);
        record(rb, "VALIDATE_SENT", rb.state, StepKind.VALIDATE, null, cmd.messageId(),
                "window " + window.validationSeconds() + " s, probe every " + window.probeIntervalMillis() + " ms");
        Log.infof("cutover %s lease %s: VALIDATE sent (epoch %d, window %d s)", rb.cutoverId, rb.leaseId, rb.epoch,
                window.validationSeconds());
    }

    private static void setOutstanding(Rollback rb, RunStep cmd) {
        rb.currentStep = cmd.kind();
        rb.currentCommandId = cmd.messageId();
        rb.currentIdempotencyKey = cmd.idempotencyKey();
        rb.commandDeadline = cmd.deadline();
    }

    // ---------------------------------------------------------------- results

    @Transactional
    public void onStepResult(StepResult res) {
        if (res.messageId() == null || res.cutoverId() == null) {
            Log.warnf("StepResult without messageId or cutoverId dropped (lease %s)", res.leaseId());
            return;
        }
        Optional<Rollback> found = rollbacks.lockByCutoverId(res.cutoverId());
        if (found.isEmpty()) {
            RollbackAudit a = auditLine(null, res.cutoverId(), res.leaseId(), res.epoch(), "RESULT_IGNORED", null, null,
                    res.kind(), res.attempt(), res.outcome(), res.messageId(), RollbackReasons.NO_ROLLBACK);
            audit.persist(a);
            Log.warnf("cutover %s lease %s: %s result ignored: %s", res.cutoverId(), res.leaseId(), res.kind(),
                    RollbackReasons.NO_ROLLBACK);
            return;
        }
        Rollback rb = found.get();
        String mismatch = rb.state.terminal() ? RollbackReasons.ALREADY_FINISHED
                : RollbackRules.mismatch(rb.epoch, rb.currentIdempotencyKey, res.epoch(), res.idempotencyKey());
        if (mismatch != null) {
            record(rb, "RESULT_IGNORED", rb.state, res.kind(), res.outcome(), res.messageId(), mismatch);
            Log.infof("cutover %s lease %s: %s %s ignored: %s", rb.cutoverId, rb.leaseId, res.kind(), res.outcome(),
                    mismatch);
            return;
        }
        handle(rb, res.kind(), res.outcome(), res.reason(), StepReport.of(res), res.messageId(), Instant.now());
    }

    /** Watchdog entry: the outstanding command of this cutover is overdue; handle it as TIMED_OUT. */
    @Transactional
    public void onDeadlinePassed(String cutoverId, Instant cutoff) {
        Optional<Rollback> found = rollbacks.lockByCutoverId(cutoverId);
        if (found.isEmpty()) {
            return;
        }
        Rollback rb = found.get();
        if (rb.state.terminal() || rb.commandDeadline == null || !rb.commandDeadline.isBefore(cutoff)) {
            return; // answered meanwhile
        }
        Log.warnf("cutover %s lease %s: %s %s passed its deadline %s", rb.cutoverId, rb.leaseId, rb.currentStep,
                rb.currentIdempotencyKey, rb.commandDeadline);
        handle(rb, rb.currentStep, StepOutcome.TIMED_OUT, RollbackReasons.DEADLINE_PASSED, null, null, Instant.now());
    }

    private void handle(Rollback rb, StepKind kind, StepOutcome outcome, String workerReason, StepReport report,
                        String messageId, Instant now) {
        RollbackRules.Verification v = null;
        if (kind == StepKind.RESTORE && outcome != StepOutcome.SUCCEEDED && report != null) {
            // a failed restore may still say what it found (the worker checks the hashes too): keep the numbers
            rb.foundPlistSha256 = RollbackRules.foundPlist(report);
            rb.foundPackageSha256 = RollbackRules.foundPackage(report);
            rb.foundStateSha256 = RollbackRules.foundState(report);
            rb.foundGatewayVersion = RollbackRules.foundVersion(report);
            String tampered = outcome == StepOutcome.FAILED
                    ? RollbackRules.stateArchiveMismatch(rb.expectedStateSha256, report) : null;
            if (tampered != null) {
                // the kit's state archive is not the snapshot: no retry can fix that, the lease needs a human
                rb.updatedAt = now;
                finishFailed(rb, tampered, kind, outcome, messageId, now, workerReason);
                return;
            }
        }
        if (kind == StepKind.RESTORE && outcome == StepOutcome.SUCCEEDED) {
            v = RollbackRules.verifyRestore(rb.expectedPlistSha256, rb.expectedPackageSha256, rb.expectedStateSha256,
                    rb.previousVersion, report);
            rb.foundPlistSha256 = v.foundPlistSha256();
            rb.foundPackageSha256 = v.foundPackageSha256();
            rb.foundStateSha256 = v.foundStateSha256();
            rb.foundGatewayVersion = v.foundVersion();
            RollbackAudit line = auditLine(rb, rb.cutoverId, rb.leaseId, rb.epoch,
                    v.verified() ? "RESTORE_VERIFIED" : "RESTORE_VERIFICATION_FAILED", rb.state, rb.state, kind,
                    rb.attempt, outcome, messageId, v.verified() ? "plist, package and state hashes and version match the gate and the snapshot" : v.reason());
            line.foundPlistSha256 = v.foundPlistSha256();
            line.foundPackageSha256 = v.foundPackageSha256();
            line.foundStateSha256 = v.foundStateSha256();
            line.foundVersion = v.foundVersion();
            audit.persist(line);
        }
        if (kind == StepKind.VALIDATE) {
            RollbackRules.MatrixGreen green = RollbackRules.matrixGreen(report);
            if (green != null) {
                rb.matrixGreenAt = green.at();
                rb.matrixGreenRound = green.round();
                record(rb, "MATRIX_GREEN", rb.state, kind, outcome, messageId,
                        RollbackReasons.matrixGreen(green.round(), green.at(), rb.requestedAt));
            }
        }
        RollbackRules.Decision d = RollbackRules.onResult(kind, outcome, workerReason, rb.restoreAttempts,
                config.maxAttempts(), v, rb.previousVersion,
                kind == StepKind.VALIDATE ? RollbackRules.foundVersion(report) : null);
        rb.updatedAt = now;
        switch (d.action()) {
            case SEND_VALIDATE -> {
                RollbackState from = rb.state;
                rb.state = RollbackState.VALIDATING;
                record(rb, "RESTORE_SUCCEEDED", from, kind, outcome, messageId, null);
                sendValidate(rb, now);
            }
            case RETRY_RESTORE -> {
                record(rb, "RESTORE_RETRY", rb.state, kind, outcome, messageId, d.reason());
                Log.warnf("cutover %s lease %s: %s, retrying", rb.cutoverId, rb.leaseId, d.reason());
                rb.attempt++;
                rb.restoreAttempts++;
                sendRestore(rb, now);
            }
            case ROLLED_BACK -> {
                RollbackState from = rb.state;
                rb.state = RollbackState.ROLLED_BACK;
                rb.finishedAt = now;
                clearOutstanding(rb);
                record(rb, "ROLLED_BACK", from, kind, outcome, messageId, d.reason());
                outbox.enqueue(Topics.EVENTS, RollbackMessages.event(rb, CutoverEventType.ROLLED_BACK, d.reason(), now));
                metrics.counter("rollback.outcomes", "outcome", "rolled_back").increment();
                Log.infof("cutover %s lease %s: rolled back (%s)", rb.cutoverId, rb.leaseId, d.reason());
            }
            case ROLLBACK_FAILED -> finishFailed(rb, d.reason(), kind, outcome, messageId, now, null);
        }
    }

    private void finishFailed(Rollback rb, String reason, StepKind kind, StepOutcome outcome, String messageId,
                              Instant now, String auditDetail) {
        RollbackState from = rb.state;
        rb.state = RollbackState.ROLLBACK_FAILED;
        rb.failureReason = reason;
        rb.finishedAt = now;
        rb.updatedAt = now;
        clearOutstanding(rb);
        record(rb, "ROLLBACK_FAILED", from, kind, outcome, messageId,
                auditDetail == null ? reason : reason + "; " + auditDetail);
        outbox.enqueue(Topics.EVENTS, RollbackMessages.event(rb, CutoverEventType.ROLLBACK_FAILED, reason, now));
        metrics.counter("rollback.outcomes", "outcome", "failed").increment();
        Log.errorf("cutover %s lease %s: rollback failed: %s", rb.cutoverId, rb.leaseId, reason);
    }

    private static void clearOutstanding(Rollback rb) {
        rb.commandDeadline = null;
    }

    // ---------------------------------------------------------------- audit

    private void record(Rollback rb, String action, RollbackState from, StepKind kind, StepOutcome outcome,
                        String messageId, String detail) {
        audit.persist(auditLine(rb, rb.cutoverId, rb.leaseId, rb.epoch, action, from, rb.state, kind, rb.attempt,
                outcome, messageId, detail));
    }

    private static RollbackAudit auditLine(Rollback rb, String cutoverId, String leaseId, Long epoch, String action,
                                           RollbackState from, RollbackState to, StepKind kind, Integer attempt,
                                           StepOutcome outcome, String messageId, String detail) {
        RollbackAudit a = new RollbackAudit();
        a.rollbackId = rb == null ? null : rb.id;
        a.cutoverId = cutoverId;
        a.leaseId = leaseId;
        a.epoch = epoch;
        a.at = Instant.now();
        a.action = action;
        a.fromState = from;
        a.toState = to;
        a.stepKind = kind;
        a.attempt = attempt;
        a.outcome = outcome;
        a.messageId = messageId;
        a.detail = detail;
        if (rb != null) {
            a.expectedPlistSha256 = rb.expectedPlistSha256;
            a.expectedPackageSha256 = rb.expectedPackageSha256;
            a.expectedStateSha256 = rb.expectedStateSha256;
            a.expectedVersion = rb.previousVersion;
            a.foundPlistSha256 = rb.foundPlistSha256;
            a.foundPackageSha256 = rb.foundPackageSha256;
            a.foundStateSha256 = rb.foundStateSha256;
            a.foundVersion = rb.foundGatewayVersion;
        }
        return a;
    }
}
