package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.orchestrator.AuditEvent;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.CutoverStep;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.orchestrator.ProbeResultRecord;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.ValidationSettings;
import com.maclogin.cutover.orchestrator.api.ActionRequest;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.AuditView;
import com.maclogin.cutover.orchestrator.api.BlastRadius;
import com.maclogin.cutover.orchestrator.api.CanaryRequest;
import com.maclogin.cutover.orchestrator.api.CutoverRequest;
import com.maclogin.cutover.orchestrator.api.CutoverView;
import com.maclogin.cutover.orchestrator.api.Operator;
import com.maclogin.cutover.orchestrator.api.PendingOverride;
import com.maclogin.cutover.orchestrator.api.ProbeResultView;
import com.maclogin.cutover.orchestrator.api.StepView;
import com.maclogin.cutover.orchestrator.repository.AuditRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverStepRepository;
import com.maclogin.cutover.orchestrator.repository.IdempotencyRecord;
import com.maclogin.cutover.orchestrator.repository.IdempotencyRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseRepository;
import com.maclogin.cutover.orchestrator.repository.ProbeResultRepository;
import com.maclogin.cutover.orchestrator.saga.SagaInput;
import com.maclogin.cutover.orchestrator.saga.ValidationPolicy;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;
import org.hibernate.exception.ConstraintViolationException;

/** Starting, reading, rolling back and aborting cutovers. */
@ApplicationScoped
public class CutoverService {

    /** A created (or idempotently replayed) cutover. */
    public record Created(CutoverView cutover, boolean created) {
    }

    private static final String ONE_ACTIVE_INDEX = "cutover_one_active_per_lease";
    private static final String UNIQUE_VIOLATION = "23505";

    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final LeaseRepository leases;
    private final AuditRepository audit;
    private final IdempotencyRepository idempotency;
    private final SagaEngine saga;
    private final ProbeResultRepository probes;

    public CutoverService(CutoverRepository cutovers, CutoverStepRepository steps, LeaseRepository leases,
            AuditRepository audit, IdempotencyRepository idempotency, SagaEngine saga, ProbeResultRepository probes) {
        this.probes = probes;
        this.cutovers = cutovers;
        this.steps = steps;
        this.leases = leases;
        this.audit = audit;
        this.idempotency = idempotency;
        this.saga = saga;
    }

    /**
     * Validates, then in ONE transaction stores the cutover (PENDING, epoch 1), its INVENTORY command in the outbox
     * and the Idempotency-Key. The database's partial unique index decides between concurrent requests for a lease.
     */
    public Created create(CutoverRequest request, String idempotencyKey, String operatorHeader, String caller) {
        ValidationPolicy.Result policy = InputValidator.cutover(request, saga.validationDefaults(),
                saga.canaryLimits());
        String key = InputValidator.idempotencyKey(idempotencyKey);
        String header = InputValidator.operatorHeader(operatorHeader);
        String hash = sha256(Json.write(request));
        if (key != null) {
            Optional<Created> replay = replay(key, hash);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        try {
            String id = QuarkusTransaction.requiringNew().call(() -> insert(request, policy, key, hash,
                    caller != null ? caller : header, null, null));
            return new Created(get(id).orElseThrow(), true);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            if (key != null) {
                Optional<Created> replay = replay(key, hash);
                if (replay.isPresent()) {
                    return replay.get();
                }
            }
            throw activeConflict(request.leaseId());
        }
    }

    private Optional<Created> replay(String key, String hash) {
        return QuarkusTransaction.requiringNew().call(() -> {
            IdempotencyRecord r = idempotency.findById(key);
            if (r == null) {
                return Optional.<Created>empty();
            }
            if (!r.requestHash.equals(hash)) {
                throw ApiException.conflict(Reasons.IDEMPOTENCY_MISMATCH);
            }
            return Optional.of(new Created(view(cutovers.findById(r.cutoverId), true), false));
        });
    }

    private ApiException activeConflict(String leaseId) {
        String active = QuarkusTransaction.requiringNew().call(
                () -> cutovers.findActive(leaseId).map(c -> c.id).orElse("(just finished)"));
        return ApiException.conflict(Reasons.activeCutoverExists(leaseId, active));
    }

    /**
     * A fleet starts one lease's cutover: the same validation, gates, steps and rollback as {@link #create}, inside the
     * fleet engine's transaction (so the fleet-lease row records the cutover id in the same commit). Returns the new
     * cutover's id, or empty when the lease has an active cutover right now (the fleet tries again on its next tick).
     * A request the validation refuses throws (the fleet validated the same template when it was created).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> startForFleet(CutoverRequest r, String fleetId, int wave, String requestedBy) {
        ValidationPolicy.Result policy = InputValidator.cutover(r, saga.validationDefaults(), saga.canaryLimits());
        if (cutovers.findActive(r.leaseId()).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(insert(r, policy, null, null, requestedBy, fleetId, wave));
    }

    private String insert(CutoverRequest r, ValidationPolicy.Result policy, String key, String hash, String header,
            String fleetId, Integer wave) {
        // FOR SHARE: a lease change (FOR UPDATE) waits until this cutover is stored, then sees it and is refused
        Lease lease = leases.findById(r.leaseId(), jakarta.persistence.LockModeType.PESSIMISTIC_READ);
        if (lease == null) {
            throw ApiException.invalid("leaseId", "lease '" + r.leaseId() + "' is not registered");
        }
        if (r.canary() != null) {
            String clash = InputValidator.canaryPortVersusGateway(r.canary().port(), lease.gatewayPort);
            if (clash != null) {
                throw ApiException.invalid("canary.port", clash);
            }
        }
        Optional<Cutover> active = cutovers.findActive(lease.id);
        if (active.isPresent()) {
            throw ApiException.conflict(Reasons.activeCutoverExists(lease.id, active.get().id));
        }
        Operator owner = r.operators().stream().filter(Operator::isRollbackOwner).findFirst().orElseThrow();
        Instant now = Instant.now();
        Cutover c = new Cutover();
        c.id = UUID.randomUUID().toString();
        c.leaseId = lease.id;
        c.region = lease.region;
        c.candidateVersion = r.candidateVersion();
        c.candidateSha256 = r.candidateSha256();
        if (r.canary() != null) {
            c.canaryPort = r.canary().port();
            c.canarySeconds = r.canary().seconds() != null ? r.canary().seconds() : saga.canaryLimits().defaultSeconds();
        }
        c.ticketId = r.ticketId();
        c.operators = Json.write(r.operators().stream()
                .map(o -> new Operator(o.name(), o.timeZone(), o.isRollbackOwner())).toList());
        c.rollbackOwner = owner.name();
        c.blastRadius = Json.write(r.blastRadius().normalised());
        c.requestedBy = header != null ? header : owner.name() != null ? owner.name() : Reasons.ANONYMOUS;
        c.createdAt = now;
        c.updatedAt = now;
        c.validationPlan = Json.write(policy.settings());
        boolean awaitingApproval = !policy.overrides().isEmpty();
        if (awaitingApproval && fleetId != null) {
            throw ApiException.invalid("overrides", Reasons.FLEET_OVERRIDES);
        }
        c.overridesPending = awaitingApproval ? Json.write(policy.overrides()) : null;
        c.fleetId = fleetId;
        c.wave = wave;
        saga.create(c); // stored PENDING: the partial unique index speaks here, before anything else is written
        audit.record(c.id, c.requestedBy, Reasons.CUTOVER_REQUESTED, "candidate " + c.candidateVersion
                + (c.candidateSha256 == null ? "" : " (tarball sha256 " + c.candidateSha256 + ")")
                + (c.canaryPort == null ? "" : ", canary on port " + c.canaryPort + " for " + c.canarySeconds + " s")
                + ", ticket "
                + c.ticketId + ", rollback owner " + c.rollbackOwner + (key == null ? "" : ", Idempotency-Key " + key)
                + (fleetId == null ? "" : ", fleet " + fleetId + " wave " + wave));
        for (ValidationPolicy.AppliedOverride o : policy.overrides()) {
            audit.record(c.id, c.requestedBy, Reasons.OVERRIDE_REQUESTED, o.field() + ": " + o.from() + " -> " + o.to()
                    + " requested by " + c.requestedBy + ", waiting for a second operator's approval: " + o.reason());
        }
        ValidationSettings vs = policy.settings();
        audit.record(c.id, c.requestedBy, Reasons.VALIDATION_PLAN, "window " + vs.windowSeconds() + " s, interval "
                + vs.intervalMillis() + " ms, restart drill " + (vs.restartDrillAtSecond() == null ? "none"
                : "at " + vs.restartDrillAtSecond() + " s") + ", thresholds " + vs.thresholds() + ", actions "
                + new TreeMap<>(vs.actions()));
        if (!awaitingApproval) {
            saga.handle(c, new SagaInput.Begin(c.requestedBy));
        }
        if (key != null) {
            IdempotencyRecord rec = new IdempotencyRecord();
            rec.key = key;
            rec.requestHash = hash;
            rec.cutoverId = c.id;
            rec.createdAt = now;
            idempotency.persist(rec);
        }
        cutovers.flush();
        Log.infof("cutover %s lease %s requested by %s: candidate %s", c.id, c.leaseId, c.requestedBy, c.candidateVersion);
        return c.id;
    }

    /**
     * A second operator approves the loosenings a PENDING cutover waits for: each is audited as OVERRIDE (requester,
     * approver, reason), then the cutover begins (gates, then the steps). 403 when the approver is the requester, 409
     * when nothing waits for approval or the cutover is no longer PENDING.
     */
    @Transactional
    public CutoverView approveOverrides(String id, String approver) {
        Cutover c = cutovers.findByIdOptional(id).orElseThrow(() -> ApiException.notFound("cutover " + id + " not found"));
        if (c.overridesPending == null) {
            throw ApiException.conflict(Reasons.noOverridesPending(id));
        }
        if (c.state != CutoverState.PENDING) {
            throw ApiException.conflict(Reasons.notActive(c.state));
        }
        if (approver == null || approver.equals(c.requestedBy)) {
            throw ApiException.forbidden(Reasons.selfApproval(c.requestedBy));
        }
        List<ValidationPolicy.AppliedOverride> pending = StoredJson.overrides(c.overridesPending);
        for (ValidationPolicy.AppliedOverride o : pending) {
            audit.record(c.id, approver, Reasons.OVERRIDE, o.field() + ": " + o.from() + " -> " + o.to() + " approved by "
                    + approver + ", requested by " + c.requestedBy + ": " + o.reason(), LeaseWatchGates.overrideRef(o.field()));
            if (ValidationPolicy.STAGING_FIRST.equals(o.field())) {
                c.stagingOverride = approver + ": " + o.reason();
            } else if (ValidationPolicy.CLI_MATCHES_SERVICE.equals(o.field())) {
                c.cliOverride = approver + ": " + o.reason();
            }
        }
        c.overridesPending = null;
        Log.infof("cutover %s lease %s: %d overrides requested by %s approved by %s", c.id, c.leaseId, pending.size(),
                c.requestedBy, approver);
        saga.handle(c, new SagaInput.Begin(c.requestedBy));
        cutovers.flush();
        return view(c, true);
    }

    @Transactional
    public Optional<CutoverView> get(String id) {
        return cutovers.findByIdOptional(id).map(c -> view(c, true));
    }

    @Transactional
    public List<CutoverView> list(String lease, String state, Integer limit) {
        String leaseId = InputValidator.leaseFilter(lease);
        CutoverState s = InputValidator.stateFilter(state);
        int n = InputValidator.limit(limit);
        return cutovers.search(leaseId, s, n).stream().map(c -> view(c, false)).toList();
    }

    /** Operator rollback: allowed while RUNNING, VALIDATING or PAUSED; ROLLING_BACK, epoch + 1, RollbackRequested. */
    @Transactional
    public CutoverView rollback(String id, ActionRequest request, String operatorHeader, String caller) {
        return operatorAction("roll back", id, request, operatorHeader, caller, SagaInput.Rollback::new);
    }

    /** Operator abort: allowed before the plist flip; ABORTED, CUTOVER_ABORTED, UNFREEZE. */
    @Transactional
    public CutoverView abort(String id, ActionRequest request, String operatorHeader, String caller) {
        return operatorAction("abort", id, request, operatorHeader, caller, SagaInput.Abort::new);
    }

    /** Operator pause: allowed while RUNNING or VALIDATING; the step in flight finishes, the next one waits. */
    @Transactional
    public CutoverView pause(String id, ActionRequest request, String operatorHeader, String caller) {
        return operatorAction("pause", id, request, operatorHeader, caller, SagaInput.Pause::new);
    }

    /** Operator resume of a PAUSED cutover: the held or interrupted step is sent with a new attempt at the current epoch. */
    @Transactional
    public CutoverView resume(String id, ActionRequest request, String operatorHeader, String caller) {
        return operatorAction("resume", id, request, operatorHeader, caller, SagaInput.Resume::new);
    }

    /** Operator: UNFREEZE again for an ended cutover whose freeze marker is still on the lease (stale freeze). */
    @Transactional
    public CutoverView liftFreeze(String id, ActionRequest request, String operatorHeader, String caller) {
        return operatorAction("lift the freeze of", id, request, operatorHeader, caller, SagaInput.LiftFreeze::new);
    }

    /**
     * A fleet rolls one of its cutovers back (before GREEN, or a GREEN one within its retention), inside the fleet
     * engine's transaction. Never throws for a refusal (that would mark the fleet's transaction rollback-only): the
     * saga's refusal is returned instead. An abort is tried when the cutover is still before its flip.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> rollbackForFleet(String cutoverId, String actor, String reason) {
        Optional<Cutover> c = cutovers.lock(cutoverId);
        if (c.isEmpty()) {
            return Optional.of("cutover " + cutoverId + " not found");
        }
        Optional<String> refused = saga.handle(c.get(), new SagaInput.Rollback(actor, reason));
        if (refused.isPresent() && c.get().state.isActive()) {
            Optional<String> abortRefused = saga.handle(c.get(), new SagaInput.Abort(actor, reason));
            return abortRefused.map(a -> refused.get() + "; abort: " + a);
        }
        return refused;
    }

    /** A fleet aborts one of its cutovers where it still allows it (before the flip); the refusal otherwise. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> abortForFleet(String cutoverId, String actor, String reason) {
        return cutovers.lock(cutoverId).map(c -> saga.handle(c, new SagaInput.Abort(actor, reason)))
                .orElse(Optional.of("cutover " + cutoverId + " not found"));
    }

    /**
     * One operator action on a locked cutover: the request is validated, the actor resolved, the cutover locked and
     * the saga asked; its refusal (the state does not allow it) is a 409 naming the verb and the reason.
     */
    private CutoverView operatorAction(String verb, String id, ActionRequest request, String operatorHeader,
            String caller, BiFunction<String, String, SagaInput> input) {
        InputValidator.action(request);
        String actor = actor(request, operatorHeader, caller);
        Cutover c = cutovers.lock(id).orElseThrow(() -> ApiException.notFound("cutover " + id + " not found"));
        saga.handle(c, input.apply(actor, request.reason())).ifPresent(refusal -> {
            throw ApiException.conflict("cannot " + verb + " cutover " + id + ": " + refusal);
        });
        try {
            cutovers.flush(); // a GREEN cutover rolled back becomes active again: the one-active index speaks here
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                throw ApiException.conflict("cannot " + verb + " cutover " + id + ": "
                        + Reasons.activeCutoverExists(c.leaseId, "(another)"));
            }
            throw e;
        }
        return view(c, true);
    }

    /** The audit trail of a cutover, oldest first. */
    @Transactional
    public Optional<List<AuditView>> audit(String id) {
        return cutovers.findByIdOptional(id).map(c -> audit.forCutover(c.id).stream().map(CutoverService::auditView).toList());
    }

    /** Stored probe results of a cutover, newest first, optionally of one layer. */
    @Transactional
    public Optional<List<ProbeResultView>> probeResults(String id, String layer, Integer limit) {
        ProbeLayer l = InputValidator.layerFilter(layer);
        int n = InputValidator.limit(limit);
        return cutovers.findByIdOptional(id).map(c -> probes.forCutover(c.id, l, n).stream().map(CutoverService::probeView).toList());
    }

    static AuditView auditView(AuditEvent a) {
        return new AuditView(a.at, a.actor, a.action, a.detail, a.evidenceRef);
    }

    static ProbeResultView probeView(ProbeResultRecord p) {
        return new ProbeResultView(p.messageId, p.epoch, p.commandMessageId, p.round, p.layer, p.verdict, p.latencyMillis,
                p.detail, StoredJson.map(p.observed), p.probedAt, p.receivedAt);
    }

    private static String actor(ActionRequest r, String header, String caller) {
        if (caller != null) {
            InputValidator.operatorHeader(header);
            return caller;
        }
        if (r.requestedBy() != null && !r.requestedBy().isBlank()) {
            return r.requestedBy();
        }
        String h = InputValidator.operatorHeader(header);
        return h != null ? h : Reasons.ANONYMOUS;
    }

    CutoverView view(Cutover c, boolean detail) {
        List<StepView> stepViews = null;
        List<AuditView> auditViews = null;
        if (detail) {
            stepViews = steps.forCutover(c.id).stream().map(CutoverService::stepView).toList();
            auditViews = audit.forCutover(c.id).stream().map(CutoverService::auditView).toList();
        }
        return new CutoverView(c.id, c.leaseId, c.region, c.state, c.currentStep, c.epoch, c.candidateVersion,
                c.candidateSha256, c.canaryPort == null ? null : new CanaryRequest(c.canaryPort, c.canarySeconds),
                c.previousVersion, c.ticketId, StoredJson.operators(c), c.rollbackOwner,
                Json.read(c.blastRadius, BlastRadius.class), c.requestedBy, c.createdAt, c.updatedAt, c.startedAt,
                c.endedAt, c.reason, c.state == CutoverState.PAUSED ? c.resumeStep : null,
                detail ? StoredJson.settings(c, saga.validationDefaults()) : null, stepViews, auditViews, c.fleetId,
                c.wave, c.overridesPending == null ? null : StoredJson.overrides(c.overridesPending).stream()
                        .map(o -> new PendingOverride(o.field(), o.from(), o.to(), o.reason())).toList());
    }

    static StepView stepView(CutoverStep s) {
        return new StepView(s.kind, s.attempt, s.idempotencyKey, s.epoch, s.state.name(), s.outcome, s.reason,
                s.createdAt, s.deadline, s.endedAt, s.durationMillis, s.workerId, StoredJson.facts(s),
                StoredJson.evidence(s));
    }

    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
            if (t instanceof ConstraintViolationException cv
                    && (cv.getConstraintName() == null || cv.getConstraintName().contains(ONE_ACTIVE_INDEX)
                    || cv.getConstraintName().contains("idempotency"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
