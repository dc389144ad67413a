package com.maclogin.cutover.rollback.service;

import com.maclogin.cutover.contracts.Redaction;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.OutboxWriter;
import com.maclogin.cutover.rollback.CutoverRecord;
import com.maclogin.cutover.rollback.Rollback;
import com.maclogin.cutover.rollback.RollbackAudit;
import com.maclogin.cutover.rollback.RollbackState;
import com.maclogin.cutover.rollback.config.RollbackConfig;
import com.maclogin.cutover.rollback.repository.CutoverRecordRepository;
import com.maclogin.cutover.rollback.repository.RollbackAuditRepository;
import com.maclogin.cutover.rollback.repository.RollbackRepository;
import com.maclogin.cutover.rollback.saga.RecordCheck;
import com.maclogin.cutover.rollback.saga.RollbackMessages;
import com.maclogin.cutover.rollback.saga.RollbackReasons;
import com.maclogin.cutover.rollback.saga.RollbackSaga;
import com.maclogin.cutover.rollback.saga.RollbackEffect;
import com.maclogin.cutover.rollback.saga.RollbackInput;
import com.maclogin.cutover.rollback.saga.RollbackSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import com.maclogin.cutover.messaging.MessageTracing;
import com.maclogin.cutover.rollback.metrics.RollbackMetrics;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The rollback engine: for each message (or watchdog tick) it loads the cutover's rollback under its lock, asks
 * {@link RollbackSaga#decide} what to do and applies the effects in order: the row, its outbox messages and its audit
 * lines commit in one transaction. It decides nothing itself and is the only class that writes a rollback.
 */
@ApplicationScoped
public class RollbackService {

    private final RollbackRepository rollbacks;
    private final RollbackAuditRepository audit;
    private final OutboxWriter outbox;
    private final RollbackConfig config;
    private final MeterRegistry metrics;
    private final RollbackSaga saga;
    private final RollbackMetrics observed;
    private final CutoverRecordRepository records;

    public RollbackService(RollbackRepository rollbacks, RollbackAuditRepository audit, OutboxWriter outbox,
                           RollbackConfig config, MeterRegistry metrics, RollbackMetrics observed,
                           CutoverRecordRepository records) {
        this.records = records;
        this.observed = observed;
        this.rollbacks = rollbacks;
        this.audit = audit;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.saga = new RollbackSaga(config.maxAttempts());
    }

    // ---------------------------------------------------------------- entries

    /**
     * cutover.rollbacks. Purpose ARM: the orchestrator's record of what a restore of the cutover needs, kept as this
     * service's own ({@link CutoverRecord}). A restore request is checked against that record when there is one
     * ({@link RecordCheck}: a contradicting one is audited and ignored) and then restores what the record says.
     */
    @Transactional
    public void onRollbackRequested(RollbackRequested req) {
        if (req.messageId() == null || req.cutoverId() == null || req.leaseId() == null) {
            Log.warnf("RollbackRequested without messageId, cutoverId or leaseId dropped (cutover %s, lease %s)",
                    req.cutoverId(), req.leaseId());
            return;
        }
        Optional<Rollback> row = rollbacks.lockByCutoverId(req.cutoverId()); // serialises with breaches and results
        CutoverRecord record = records.findById(req.cutoverId());
        if (req.arms()) {
            boolean created = record == null;
            record = RecordCheck.arm(record, req, Instant.now());
            if (created) {
                records.persist(record);
            }
            audit.persist(auditLine(row.orElse(null), req.cutoverId(), req.leaseId(), req.epoch(), "ARMED", null, null,
                    null, null, null, req.messageId(), "record of the cutover " + (created ? "armed" : "re-armed")
                            + " at epoch " + record.epoch + ": restores " + record.previousVersion + " on lease "
                            + record.leaseId));
            return;
        }
        if (record != null) {
            String contradiction = RecordCheck.contradiction(record, known(record, row), req);
            if (contradiction != null) {
                ignore(row.orElse(null), req.cutoverId(), req.leaseId(), req.epoch(), "REQUEST_IGNORED",
                        req.messageId(), contradiction);
                return;
            }
            req = RecordCheck.fromRecord(record, req);
        }
        run(req.cutoverId(), new RollbackInput.RequestReceived(req, Instant.now()));
    }

    /**
     * A tripped trigger from a regional worker (what it leads to: {@link RollbackSaga}). It is believed only as far
     * as "cutover X at epoch E tripped trigger T": lease, versions and hashes come from this service's record of the
     * cutover; a breach of a cutover with no record, or one that contradicts it, is audited and ignored.
     */
    @Transactional
    public void onBreach(ThresholdBreached b) {
        if (b.messageId() == null || b.cutoverId() == null || b.leaseId() == null || b.trigger() == null
                || b.action() == null) {
            Log.warnf("ThresholdBreached without messageId, cutoverId, leaseId, trigger or action dropped "
                    + "(cutover %s, lease %s)", b.cutoverId(), b.leaseId());
            return;
        }
        Optional<Rollback> row = rollbacks.lockByCutoverId(b.cutoverId());
        CutoverRecord record = records.findById(b.cutoverId());
        String refused = record == null ? RollbackReasons.noRecord(b.cutoverId())
                : RecordCheck.contradiction(record, known(record, row), b);
        if (refused != null) {
            ignore(row.orElse(null), b.cutoverId(), b.leaseId(), b.epoch(), "BREACH_IGNORED", b.messageId(),
                    b.trigger() + " " + b.action() + ": " + refused);
            return;
        }
        run(b.cutoverId(), new RollbackInput.BreachReceived(RecordCheck.fromRecord(record, b), Instant.now()));
    }

    /** The highest epoch of the cutover this service knows: the record's, or its rollback's when that is higher. */
    private static long known(CutoverRecord record, Optional<Rollback> row) {
        return Math.max(record.epoch, row.map(r -> r.epoch).orElse(0L));
    }

    /** A message that contradicts the record (or has none to compare with): audited, counted, logged, ignored. */
    private void ignore(Rollback rb, String cutoverId, String leaseId, long epoch, String action, String messageId,
            String why) {
        audit.persist(auditLine(rb, cutoverId, leaseId, epoch, action, rb == null ? null : rb.state,
                rb == null ? null : rb.state, null, null, null, messageId, Redaction.redact(why)));
        metrics.counter("rollback.messages.refused", "action", action).increment();
        Log.warnf("cutover %s lease %s: %s %s: %s", cutoverId, leaseId, action, messageId, Redaction.redact(why));
    }

    @Transactional
    public void onStepResult(StepResult res) {
        if (res.messageId() == null || res.cutoverId() == null) {
            Log.warnf("StepResult without messageId or cutoverId dropped (lease %s)", res.leaseId());
            return;
        }
        Optional<Rollback> row = rollbacks.lockByCutoverId(res.cutoverId());
        CutoverRecord record = records.findById(res.cutoverId());
        String otherLease = record != null ? RecordCheck.contradiction(record, res)
                : row.isPresent() && !row.get().leaseId.equals(res.leaseId())
                        ? RollbackReasons.contradicts("lease", res.leaseId(), row.get().leaseId) : null;
        if (otherLease != null) {
            ignore(row.orElse(null), res.cutoverId(), res.leaseId(), res.epoch(), "RESULT_IGNORED", res.messageId(),
                    res.kind() + " " + res.outcome() + ": " + otherLease);
            return;
        }
        // defence in depth: the worker redacts; reasons that become audit rows, events and chat are redacted again
        StepResult safe = res.toBuilder().reason(Redaction.reason(res.reason())).facts(Redaction.facts(res.facts()))
                .evidence(Redaction.evidence(res.evidence())).build();
        run(res.cutoverId(), new RollbackInput.StepFinished(safe, Instant.now()));
    }

    /** Watchdog entry: the outstanding command of this cutover may be overdue; if it still is, it TIMED_OUT. */
    @Transactional
    public void onDeadlinePassed(String cutoverId, Instant cutoff) {
        run(cutoverId, new RollbackInput.DeadlinePassed(cutoverId, cutoff, Instant.now()));
    }

    // ---------------------------------------------------------------- load, decide, apply

    private void run(String cutoverId, RollbackInput input) {
        Optional<Rollback> found = rollbacks.lockByCutoverId(cutoverId);
        RollbackSnapshot snapshot = found.map(RollbackService::snapshot).orElse(null);
        Rollback rb = found.orElse(null);
        try (Scope trace = observed.enter(rb)) {
            apply(rb, snapshot, input);
        }
    }

    private void apply(Rollback rb, RollbackSnapshot snapshot, RollbackInput input) {
        RollbackState before = rb == null ? null : rb.state;
        for (RollbackEffect effect : saga.decide(snapshot, input)) {
            if (effect instanceof RollbackEffect.SetState s) {
                rb = write(rb, snapshot, s.next(), input.at());
                snapshot = s.next();
            } else if (effect instanceof RollbackEffect.SendStep s) {
                send(rb, s.kind(), input.at());
            } else if (effect instanceof RollbackEffect.PublishEvent e) {
                outbox.enqueue(Topics.EVENTS, RollbackMessages.event(rb, e.type(), Redaction.reason(e.reason()),
                        input.at()));
            } else if (effect instanceof RollbackEffect.Audit a) {
                record(rb, a.action(), a.from(), a.kind(), a.outcome(), a.messageId(), Redaction.redact(a.detail()));
            } else if (effect instanceof RollbackEffect.AuditMessage a) {
                audit.persist(auditLine(rb, a.cutoverId(), a.leaseId(), a.epoch(), a.action(),
                        rb == null ? null : rb.state, rb == null ? null : rb.state, a.kind(), a.attempt(),
                        a.outcome(), a.messageId(), Redaction.redact(a.detail())));
            } else if (effect instanceof RollbackEffect.Count c) {
                metrics.counter(c.meter(), c.tags().toArray(String[]::new)).increment();
            } else if (effect instanceof RollbackEffect.LogLine l) {
                log(l);
            } else {
                throw new IllegalStateException("unknown rollback effect " + effect);
            }
        }
        if (rb != null && rb.state == RollbackState.ROLLED_BACK && before != RollbackState.ROLLED_BACK) {
            observed.rolledBack(rb, input.at());
        }
        if (rb != null && rb.traceParent == null) {
            rb.traceParent = MessageTracing.currentTraceparent(); // the trace of the message that reached it first
        }
    }

    /** The row as the saga sees it. */
    private static RollbackSnapshot snapshot(Rollback rb) {
        return new RollbackSnapshot(rb.cutoverId, rb.leaseId, rb.epoch, rb.state,
                new RollbackSnapshot.Request(rb.requestMessageId, rb.requestedBy, rb.reason, rb.ticketId,
                        rb.rollbackOwner, RollbackMessages.target(rb), rb.previousVersion, rb.candidateVersion,
                        new RollbackSnapshot.Hashes(rb.expectedPlistSha256, rb.expectedPackageSha256,
                                rb.expectedStateSha256, rb.expectedPackageStatSha256),
                        rb.requestedAt),
                new RollbackSnapshot.Found(new RollbackSnapshot.Hashes(rb.foundPlistSha256, rb.foundPackageSha256,
                        rb.foundStateSha256), rb.foundGatewayVersion),
                new RollbackSnapshot.Outstanding(rb.currentStep, rb.currentCommandId, rb.currentIdempotencyKey,
                        rb.commandDeadline),
                rb.attempt, rb.restoreAttempts, rb.failureReason, rb.updatedAt, rb.finishedAt, rb.matrixGreenAt,
                rb.matrixGreenRound);
    }

    /** Writes {@code next} onto the row (a new row when there is none); {@code previous} is what the row held. */
    private Rollback write(Rollback rb, RollbackSnapshot previous, RollbackSnapshot next, Instant now) {
        Rollback row = rb;
        if (row == null) {
            row = new Rollback();
            row.createdAt = now;
        }
        row.cutoverId = next.cutoverId();
        row.leaseId = next.leaseId();
        row.epoch = next.epoch();
        row.state = next.state();
        RollbackSnapshot.Request req = next.request();
        if (previous == null || !Objects.equals(previous.request(), req)) {
            row.requestMessageId = req.messageId();
            row.requestedBy = req.requestedBy();
            row.reason = Redaction.reason(req.reason());
            row.ticketId = req.ticketId();
            row.rollbackOwner = req.rollbackOwner();
            row.region = req.region();
            row.target = target(req.target());
            row.previousVersion = req.previousVersion();
            row.candidateVersion = req.candidateVersion();
            row.expectedPlistSha256 = req.expected().plist();
            row.expectedPackageSha256 = req.expected().packageTree();
            row.expectedStateSha256 = req.expected().state();
            row.expectedPackageStatSha256 = req.expected().packageStat();
            row.requestedAt = req.requestedAt();
        }
        row.foundPlistSha256 = next.found().hashes().plist();
        row.foundPackageSha256 = next.found().hashes().packageTree();
        row.foundStateSha256 = next.found().hashes().state();
        row.foundGatewayVersion = next.found().version();
        row.currentStep = next.outstanding().step();
        row.currentCommandId = next.outstanding().commandId();
        row.currentIdempotencyKey = next.outstanding().idempotencyKey();
        row.commandDeadline = next.outstanding().deadline();
        row.attempt = next.attempt();
        row.restoreAttempts = next.restoreAttempts();
        row.failureReason = Redaction.reason(next.failureReason());
        row.updatedAt = next.updatedAt();
        row.finishedAt = next.finishedAt();
        row.matrixGreenAt = next.matrixGreenAt();
        row.matrixGreenRound = next.matrixGreenRound();
        if (row.id == null) {
            rollbacks.persist(row);
        }
        return row;
    }

    private static String target(LeaseTarget target) {
        return target == null ? null : Json.write(target);
    }

    /** {@link RollbackEffect.SendStep}: build, record as outstanding, outbox, audit. */
    private void send(Rollback rb, StepKind kind, Instant now) {
        if (kind == StepKind.RESTORE) {
            sendRestore(rb, now);
        } else if (kind == StepKind.VALIDATE) {
            sendValidate(rb, now);
        } else {
            throw new IllegalArgumentException("rollback-service does not send " + kind);
        }
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

    private static void log(RollbackEffect.LogLine line) {
        switch (line.level()) {
            case INFO -> Log.info(Redaction.redact(line.message()));
            case WARN -> Log.warn(Redaction.redact(line.message()));
            case ERROR -> Log.error(Redaction.redact(line.message()));
        }
    }

    // ---------------------------------------------------------------- audit

    private void record(Rollback rb, String action, RollbackState from, StepKind kind,
                        StepOutcome outcome, String messageId, String detail) {
        audit.persist(auditLine(rb, rb.cutoverId, rb.leaseId, rb.epoch, action, from, rb.state, kind, rb.attempt,
                outcome, messageId, detail));
    }

    private static RollbackAudit auditLine(Rollback rb, String cutoverId, String leaseId, Long epoch, String action,
                                           RollbackState from, RollbackState to, StepKind kind, Integer attempt,
                                           StepOutcome outcome, String messageId,
                                           String detail) {
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
