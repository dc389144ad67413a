package com.maclogin.cutover.rollback.saga;

import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.rollback.RollbackState;
import com.maclogin.cutover.rollback.saga.RollbackSnapshot.Found;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rollback saga, in one place: request or breach → RESTORE (retried) → verify hashes and version → VALIDATE with
 * the probe matrix on the old version (a breach at the rollback's epoch fails it) → ROLLED_BACK, or ROLLBACK_FAILED.
 *
 * <p>{@link #decide} is the whole transition table: given the rollback as it stands (null: none recorded for the
 * cutover) and one input, it answers with the effects, in order. It reads no database, broker or clock (the time
 * comes with the input); the engine ({@code service/RollbackService}) loads the state, applies the effects in one
 * transaction and is the only writer of a rollback. The pure checks it is built from are {@link RollbackRules}; every
 * sentence it writes is in {@link RollbackReasons}.
 *
 * <pre>
 * request/breach ──START──> RESTORING ──RESTORE ok, hashes+version verified──> VALIDATING ──health window ok──> ROLLED_BACK
 *   (newer epoch: SUPERSEDE;   │  RESTORE failed/timed out: retry while attempts remain             │ failed, timed out,
 *    same: duplicate,          │  else, or refused, unverified, tampered kit: ROLLBACK_FAILED        │ breach at its epoch:
 *    older: stale)             └──────────────────────────────────────────────────────────────────> ROLLBACK_FAILED
 * </pre>
 */
public final class RollbackSaga {

    private final int maxAttempts;

    /** @param maxAttempts RESTORE attempts per epoch before the rollback fails ({@code rollback.max-attempts}) */
    public RollbackSaga(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /**
     * The transition table.
     *
     * @param snapshot the cutover's rollback, or null when none is recorded
     */
    public List<RollbackEffect> decide(RollbackSnapshot snapshot, RollbackInput input) {
        Plan plan = new Plan(snapshot);
        if (input instanceof RollbackInput.RequestReceived r) {
            request(plan, r.request(), null, r.at());
        } else if (input instanceof RollbackInput.BreachReceived b) {
            breach(plan, b.breach(), b.at());
        } else if (input instanceof RollbackInput.StepFinished f) {
            stepFinished(plan, f.result(), f.at());
        } else if (input instanceof RollbackInput.DeadlinePassed d) {
            deadlinePassed(plan, d.cutoff(), d.at());
        } else {
            throw new IllegalArgumentException("unknown rollback input " + input);
        }
        return plan.effects();
    }

    // ---------------------------------------------------------------- requests and breaches

    /** A rollback request (operator or breach); {@code detail} is added to its audit line. */
    private void request(Plan plan, RollbackRequested req, String detail, Instant at) {
        RollbackSnapshot existing = plan.snapshot;
        String suffix = detail == null ? "" : " (" + req.requestedBy() + ": " + req.reason() + "; " + detail + ")";
        switch (RollbackRules.onRequest(existing == null ? null : existing.epoch(), req.epoch())) {
            case DUPLICATE -> plan.audit("REQUEST_IGNORED", existing.state(), null, null, req.messageId(),
                    RollbackReasons.DUPLICATE_REQUEST + suffix);
            case STALE -> plan.audit("REQUEST_IGNORED", existing.state(), null, null, req.messageId(),
                    RollbackReasons.STALE_REQUEST + " (" + req.epoch() + ")" + suffix);
            case START, SUPERSEDE -> start(plan, req, detail, at);
        }
    }

    private void start(Plan plan, RollbackRequested req, String detail, Instant at) {
        RollbackSnapshot previous = plan.snapshot;
        plan.set(RollbackSnapshot.started(previous, req, at));
        plan.audit(previous == null ? "REQUESTED" : "SUPERSEDED", previous == null ? null : previous.state(), null,
                null, req.messageId(),
                (previous == null ? "" : "epoch " + previous.epoch() + " superseded by " + req.epoch() + "; ")
                        + "requested by " + req.requestedBy() + ": " + req.reason()
                        + (detail == null ? "" : "; " + detail));
        plan.publish(CutoverEventType.ROLLBACK_STARTED, req.reason());
        plan.count("rollback.requests", "decision", previous == null ? "start" : "supersede");
        String problem = RollbackRules.requestProblem(req);
        if (problem != null) {
            fail(plan, RollbackReasons.invalidRequest(problem), null, null, req.messageId(), at, null);
            return;
        }
        plan.send(StepKind.RESTORE);
    }

    /**
     * At the epoch of a running verification (the rollback's own VALIDATE raised it): the rollback failed; at that
     * epoch otherwise: recorded. A breach with action ROLLBACK starts a rollback exactly like a RollbackRequested at
     * epoch {@code breach.epoch + 1}; PAUSE and OBSERVE are recorded only.
     */
    private void breach(Plan plan, ThresholdBreached b, Instant at) {
        RollbackSnapshot existing = plan.snapshot;
        String numbers = RollbackReasons.numbers(b.numbers());
        String trigger = b.trigger().name();
        if (existing != null && existing.epoch() == b.epoch()) {
            if (existing.state() == RollbackState.VALIDATING) {
                plan.count("rollback.breaches", "trigger", trigger, "decision", "verification_failed");
                fail(plan, RollbackReasons.verificationBreached(existing.previousVersion(), b), StepKind.VALIDATE, null,
                        b.messageId(), at, numbers);
            } else {
                plan.count("rollback.breaches", "trigger", trigger, "decision", "ignored");
                plan.audit("BREACH_IGNORED", existing.state(), null, null, b.messageId(),
                        (existing.terminal() ? RollbackReasons.BREACH_AFTER_FINISH : RollbackReasons.BREACH_DURING_RESTORE)
                                + ": " + RollbackReasons.breach(b) + "; " + numbers);
                plan.log(RollbackEffect.LogLine.Level.INFO, existing, "breach " + b.trigger() + " at epoch "
                        + b.epoch() + " ignored (rollback " + existing.state() + ")");
            }
            return;
        }
        if (b.action() != TriggerAction.ROLLBACK) {
            plan.count("rollback.breaches", "trigger", trigger, "decision", "recorded");
            plan.auditMessage(b.cutoverId(), b.leaseId(), b.epoch(), null, "BREACH_RECORDED", StepKind.VALIDATE, null,
                    b.messageId(), RollbackReasons.breachRecordedOnly(b));
            plan.log(RollbackEffect.LogLine.Level.INFO, "cutover " + b.cutoverId() + " lease " + b.leaseId()
                    + ": breach " + b.trigger() + " with action " + b.action() + " recorded, no rollback");
            return;
        }
        plan.count("rollback.breaches", "trigger", trigger, "decision", "rollback");
        request(plan, RollbackMessages.requestFromBreach(b), numbers, at);
    }

    // ---------------------------------------------------------------- results and deadlines

    private void stepFinished(Plan plan, StepResult res, Instant at) {
        RollbackSnapshot rb = plan.snapshot;
        if (rb == null) {
            plan.auditMessage(res.cutoverId(), res.leaseId(), res.epoch(), res.attempt(), "RESULT_IGNORED", res.kind(),
                    res.outcome(), res.messageId(), RollbackReasons.NO_ROLLBACK);
            plan.log(RollbackEffect.LogLine.Level.WARN, "cutover " + res.cutoverId() + " lease " + res.leaseId()
                    + ": " + res.kind() + " result ignored: " + RollbackReasons.NO_ROLLBACK);
            return;
        }
        String mismatch = rb.terminal() ? RollbackReasons.ALREADY_FINISHED
                : RollbackRules.mismatch(rb.epoch(), rb.outstanding().idempotencyKey(), res.epoch(),
                        res.idempotencyKey());
        if (mismatch != null) {
            plan.audit("RESULT_IGNORED", rb.state(), res.kind(), res.outcome(), res.messageId(), mismatch);
            plan.log(RollbackEffect.LogLine.Level.INFO, rb, res.kind() + " " + res.outcome() + " ignored: " + mismatch);
            return;
        }
        handle(plan, res.kind(), res.outcome(), res.reason(), StepReport.of(res), res.messageId(), at);
    }

    /** The outstanding command of this cutover is overdue (not answered meanwhile): handled as TIMED_OUT. */
    private void deadlinePassed(Plan plan, Instant cutoff, Instant at) {
        RollbackSnapshot rb = plan.snapshot;
        if (rb == null || rb.terminal() || rb.outstanding().deadline() == null
                || !rb.outstanding().deadline().isBefore(cutoff)) {
            return; // answered meanwhile
        }
        plan.log(RollbackEffect.LogLine.Level.WARN, rb, rb.outstanding().step() + " "
                + rb.outstanding().idempotencyKey() + " passed its deadline " + rb.outstanding().deadline());
        handle(plan, rb.outstanding().step(), StepOutcome.TIMED_OUT, RollbackReasons.DEADLINE_PASSED, null, null, at);
    }

    /** A result (or a timeout) that answers the outstanding command. */
    private void handle(Plan plan, StepKind kind, StepOutcome outcome, String workerReason, StepReport report,
                        String messageId, Instant at) {
        RollbackRules.Verification v = null;
        if (kind == StepKind.RESTORE && outcome != StepOutcome.SUCCEEDED && report != null) {
            // a failed restore may still say what it found (the worker checks the hashes too): keep the numbers
            plan.set(plan.snapshot.withFound(new Found(new RollbackSnapshot.Hashes(RollbackRules.foundPlist(report),
                    RollbackRules.foundPackage(report), RollbackRules.foundState(report)),
                    RollbackRules.foundVersion(report))));
            String tampered = outcome == StepOutcome.FAILED
                    ? RollbackRules.stateArchiveMismatch(plan.snapshot.request().expected().state(), report) : null;
            if (tampered != null) {
                // the kit's state archive is not the snapshot: no retry can fix that, the lease needs a human
                fail(plan, tampered, kind, outcome, messageId, at, workerReason);
                return;
            }
        }
        if (kind == StepKind.RESTORE && outcome == StepOutcome.SUCCEEDED) {
            RollbackSnapshot.Hashes expected = plan.snapshot.request().expected();
            v = RollbackRules.verifyRestore(expected.plist(), expected.packageTree(), expected.state(),
                    plan.snapshot.previousVersion(), report);
            plan.set(plan.snapshot.withFound(new Found(new RollbackSnapshot.Hashes(v.foundPlistSha256(),
                    v.foundPackageSha256(), v.foundStateSha256()), v.foundVersion())));
            plan.audit(v.verified() ? "RESTORE_VERIFIED" : "RESTORE_VERIFICATION_FAILED", plan.snapshot.state(), kind,
                    outcome, messageId, v.verified()
                            ? "plist, package and state hashes and version match the gate and the snapshot"
                            : v.reason());
        }
        if (kind == StepKind.VALIDATE) {
            RollbackRules.MatrixGreen green = RollbackRules.matrixGreen(report);
            if (green != null) {
                plan.set(plan.snapshot.withMatrixGreen(green.at(), green.round()));
                plan.audit("MATRIX_GREEN", plan.snapshot.state(), kind, outcome, messageId,
                        RollbackReasons.matrixGreen(green.round(), green.at(), plan.snapshot.request().requestedAt()));
            }
        }
        RollbackRules.Decision d = RollbackRules.onResult(kind, outcome, workerReason, plan.snapshot.restoreAttempts(),
                maxAttempts, v, plan.snapshot.previousVersion(),
                kind == StepKind.VALIDATE ? RollbackRules.foundVersion(report) : null);
        plan.set(plan.snapshot.updated(at));
        RollbackState from = plan.snapshot.state();
        switch (d.action()) {
            case SEND_VALIDATE -> {
                plan.set(plan.snapshot.validating());
                plan.audit("RESTORE_SUCCEEDED", from, kind, outcome, messageId, null);
                plan.send(StepKind.VALIDATE);
            }
            case RETRY_RESTORE -> {
                plan.audit("RESTORE_RETRY", from, kind, outcome, messageId, d.reason());
                plan.log(RollbackEffect.LogLine.Level.WARN, plan.snapshot, d.reason() + ", retrying");
                plan.set(plan.snapshot.retried());
                plan.send(StepKind.RESTORE);
            }
            case ROLLED_BACK -> {
                plan.set(plan.snapshot.rolledBack(at));
                plan.audit("ROLLED_BACK", from, kind, outcome, messageId, d.reason());
                plan.publish(CutoverEventType.ROLLED_BACK, d.reason());
                plan.count("rollback.outcomes", "outcome", "rolled_back");
                plan.log(RollbackEffect.LogLine.Level.INFO, plan.snapshot, "rolled back (" + d.reason() + ")");
            }
            case ROLLBACK_FAILED -> fail(plan, d.reason(), kind, outcome, messageId, at, null);
        }
    }

    private static void fail(Plan plan, String reason, StepKind kind, StepOutcome outcome, String messageId,
                             Instant at, String auditDetail) {
        RollbackState from = plan.snapshot.state();
        plan.set(plan.snapshot.failed(reason, at));
        plan.audit("ROLLBACK_FAILED", from, kind, outcome, messageId,
                auditDetail == null ? reason : reason + "; " + auditDetail);
        plan.publish(CutoverEventType.ROLLBACK_FAILED, reason);
        plan.count("rollback.outcomes", "outcome", "failed");
        plan.log(RollbackEffect.LogLine.Level.ERROR, plan.snapshot, "rollback failed: " + reason);
    }

    /**
     * The effects being collected and the state reached so far. Before any effect that reads the row (audit, send,
     * publish) the state is written if it changed, so each effect sees what the ones before it decided; after a
     * command is sent the state may not change any more (sending records the outstanding command on the row).
     */
    private static final class Plan {

        private final List<RollbackEffect> effects = new ArrayList<>();
        private RollbackSnapshot snapshot;
        private RollbackSnapshot written;
        private boolean sent;

        Plan(RollbackSnapshot snapshot) {
            this.snapshot = snapshot;
            this.written = snapshot;
        }

        void set(RollbackSnapshot next) {
            if (sent) {
                throw new IllegalStateException("rollback state changed after a command was sent");
            }
            snapshot = next;
        }

        void audit(String action, RollbackState from, StepKind kind, StepOutcome outcome, String messageId,
                   String detail) {
            flush();
            effects.add(new RollbackEffect.Audit(action, from, kind, outcome, messageId, detail));
        }

        void auditMessage(String cutoverId, String leaseId, long epoch, Integer attempt, String action, StepKind kind,
                          StepOutcome outcome, String messageId, String detail) {
            flush();
            effects.add(new RollbackEffect.AuditMessage(cutoverId, leaseId, epoch, attempt, action, kind, outcome,
                    messageId, detail));
        }

        void publish(CutoverEventType type, String reason) {
            flush();
            effects.add(new RollbackEffect.PublishEvent(type, reason));
        }

        void send(StepKind kind) {
            flush();
            effects.add(new RollbackEffect.SendStep(kind));
            sent = true;
        }

        void count(String meter, String... tags) {
            effects.add(new RollbackEffect.Count(meter, List.of(tags)));
        }

        void log(RollbackEffect.LogLine.Level level, RollbackSnapshot about, String message) {
            log(level, "cutover " + about.cutoverId() + " lease " + about.leaseId() + ": " + message);
        }

        void log(RollbackEffect.LogLine.Level level, String message) {
            effects.add(new RollbackEffect.LogLine(level, message));
        }

        List<RollbackEffect> effects() {
            flush();
            return List.copyOf(effects);
        }

        private void flush() {
            if (!Objects.equals(snapshot, written)) {
                effects.add(new RollbackEffect.SetState(snapshot));
                written = snapshot;
            }
        }
    }
}
