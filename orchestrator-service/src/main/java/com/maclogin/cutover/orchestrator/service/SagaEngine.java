package com.maclogin.cutover.orchestrator.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.CutoverStep;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.StepState;
import com.maclogin.cutover.orchestrator.api.BlastRadius;
import com.maclogin.cutover.orchestrator.api.Operator;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.repository.AuditRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverStepRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseRepository;
import com.maclogin.cutover.orchestrator.saga.CutoverSaga;
import com.maclogin.cutover.orchestrator.saga.CutoverSaga.Decision;
import com.maclogin.cutover.orchestrator.saga.Gates;
import com.maclogin.cutover.orchestrator.saga.GateVerdict;
import com.maclogin.cutover.orchestrator.saga.ValidationPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Carries out the decisions of {@link CutoverSaga} on a locked cutover row: sends commands through the outbox,
 * records results, gates and audit lines, and starts compensations. Every method runs inside the caller's
 * transaction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class SagaEngine {

    /** Keys of {@code expectedSha256} (RunStep parameters, RollbackRequested). */
    public static final String HASH_PLIST = "plist";
    public static final String HASH_PACKAGE = "package";
    /** The SNAPSHOT's state/config archive ({@code state.tgz}). */
    public static final String HASH_STATE = "state";
    /** The SNAPSHOT fact with the state archive's sha256. */
    public static final String FACT_STATE_ARCHIVE = "stateArchiveSha256";

    static final TypeReference<Map<String, String>> FACTS = new TypeReference<>() {
    };
    static final TypeReference<List<Evidence>> EVIDENCE = new TypeReference<>() {
    };
    static final TypeReference<List<Operator>> OPERATORS = new TypeReference<>() {
    };

    private final CutoverStepRepository steps;
    private final com.maclogin.cutover.orchestrator.repository.CutoverRepository cutovers;
    private final LeaseRepository leases;
    private final AuditRepository audit;
    private final OutboxService outbox;
    private final OrchestratorConfig config;
    private final MeterRegistry meters;

    public SagaEngine(CutoverStepRepository steps, LeaseRepository leases, AuditRepository audit, OutboxService outbox,
            OrchestratorConfig config, MeterRegistry meters,
            com.maclogin.cutover.orchestrator.repository.CutoverRepository cutovers) {
        this.steps = steps;
        this.cutovers = cutovers;
        this.leases = leases;
        this.audit = audit;
        this.outbox = outbox;
        this.config = config;
        this.meters = meters;
    }

    /** Writes the step's RunStep into the outbox and records it as the step in flight. */
    public void send(Cutover c, CutoverSaga.Step step, String actor) {
        Lease lease = leases.findById(c.leaseId);
        Instant now = Instant.now();
        int attempt = (int) steps.countKind(c.id, step.name()) + 1;
        String key = RunStep.idempotencyKey(c.id, step.kind(), attempt);
        Duration timeout = config.timeoutFor(step.name());
        if (step.kind() == StepKind.VALIDATE) {
            timeout = Duration.ofSeconds(settings(c).windowSeconds()).plus(timeout);
        }
        if (step.kind() == StepKind.PARALLEL_RUN && c.canarySeconds != null) {
            timeout = Duration.ofSeconds(c.canarySeconds).plus(config.canary().startStopAllowance()).plus(timeout);
        }
        Instant deadline = now.plus(timeout);
        RunStep cmd = new RunStep(UUID.randomUUID().toString(), c.id, c.leaseId, now, CutoverMessage.SCHEMA_VERSION,
                c.epoch, step.kind(), attempt, key, Topics.STEP_RESULTS, lease.target(), step.command().apply(context(c)),
                deadline);

        CutoverStep row = new CutoverStep();
        row.cutoverId = c.id;
        row.kind = step.name();
        row.attempt = attempt;
        row.idempotencyKey = key;
        row.commandMessageId = cmd.messageId();
        row.epoch = c.epoch;
        row.state = StepState.SENT;
        row.createdAt = now;
        row.deadline = deadline;
        steps.persist(row);

        c.currentStep = step.name();
        c.inFlightKey = key;
        if (c.state.isActive() && c.state != CutoverState.ROLLING_BACK) {
            CutoverState next = CutoverSaga.stateWhileRunning(step);
            if (!(next == CutoverState.PENDING && c.state == CutoverState.GATING)) {
                c.state = next;
            }
        }
        c.updatedAt = now;
        outbox.write(Topics.stepCommands(c.region), cmd);
        audit.record(c.id, actor, Reasons.STEP_SENT, step.name() + " attempt " + attempt + " epoch " + c.epoch
                + ", deadline " + deadline, "step:" + key);
        Log.infof("cutover %s lease %s: sent %s attempt %d (epoch %d)", c.id, c.leaseId, step.name(), attempt, c.epoch);
    }

    /** Stores a result (real or a TIMED_OUT synthesised at the deadline) and moves the saga on. */
    public void applyResult(Cutover c, CutoverStep row, StepOutcome outcome, String reason, Map<String, String> facts,
            List<Evidence> evidence, Long durationMillis, String workerId, String actor) {
        Instant now = Instant.now();
        row.state = StepState.DONE;
        row.outcome = outcome;
        row.reason = reason;
        row.facts = Json.write(facts == null ? Map.of() : facts);
        row.evidence = Json.write(evidence == null ? List.of() : evidence);
        row.durationMillis = durationMillis;
        row.workerId = workerId;
        row.endedAt = now;
        c.inFlightKey = null;
        c.updatedAt = now;
        Timer.builder("orchestrator.step.round.trip")
                .description("step command created -> result persisted")
                .tag("kind", row.kind)
                .tag("outcome", outcome.name())
                .register(meters)
                .record(Duration.between(row.createdAt, now));
        audit.record(c.id, actor, Reasons.STEP_RESULT, row.kind + " attempt " + row.attempt + " " + outcome
                + (reason == null ? "" : ": " + reason) + evidenceNames(evidence), "step:" + row.idempotencyKey);
        Log.infof("cutover %s lease %s: %s %s", c.id, c.leaseId, row.kind, outcome);

        Decision d = CutoverSaga.onResult(c.state, row.kind, outcome, c.canaryPort != null);
        String failure = Reasons.stepFailed(row.kind, outcome, reason);
        switch (d.action()) {
            case EVALUATE_GATES -> evaluateGates(c, row, facts == null ? Map.of() : facts, d.next());
            case CHECK_CANDIDATE -> checkCandidate(c, row, facts == null ? Map.of() : facts, d.next());
            case SEND_NEXT -> send(c, d.next(), Reasons.ORCHESTRATOR);
            case GO_GREEN -> goGreen(c, d.next());
            case HOLD -> hold(c, d.next());
            case FAIL -> fail(c, failure);
            case FAIL_AND_UNFREEZE -> {
                fail(c, failure);
                send(c, d.next(), Reasons.ORCHESTRATOR);
            }
            case ROLLBACK -> requestRollback(c, Reasons.ORCHESTRATOR, failure);
            case RECORD_ONLY -> {
                if (outcome != StepOutcome.SUCCEEDED) {
                    audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.STEP_RESULT, Reasons.UNFREEZE_FAILED_AFTER_END + ": " + failure);
                }
            }
            case IGNORE -> audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.RESULT_IGNORED, row.kind + " result while " + c.state);
        }
    }

    private void evaluateGates(Cutover c, CutoverStep row, Map<String, String> facts, CutoverSaga.Step next) {
        Lease lease = leases.findById(c.leaseId);
        List<GateVerdict> verdicts = new ArrayList<>(Gates.evaluate(new Gates.Input(facts, lease.gatewayPort,
                operators(c), c.createdAt.atZone(ZoneOffset.UTC).toLocalDate())));
        verdicts.add(Gates.stagingFirst(config.gates().stagingFirst(), lease.stage, c.candidateVersion,
                cutovers.firstGreenOnStaging(c.candidateVersion).map(g -> g.id).orElse(null), c.stagingOverride));
        List<Evidence> evidence = new ArrayList<>(readEvidence(row));
        for (GateVerdict v : verdicts) {
            evidence.add(Evidence.of("gate:" + v.gate(), null, v.passed() ? 0 : 1,
                    v.verdict() + ": " + v.reason() + "\n" + Json.write(v.evidence())));
            audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.GATE, v.gate() + " " + v.verdict() + ": " + v.reason(),
                    "step:" + row.idempotencyKey + "#gate:" + v.gate());
        }
        row.evidence = Json.write(evidence);
        String refused = verdicts.stream().filter(v -> !v.passed()).map(v -> v.gate() + ": " + v.reason())
                .collect(Collectors.joining("; "));
        if (!refused.isEmpty()) {
            fail(c, Reasons.gatesRefused(refused));
            return;
        }
        c.previousVersion = facts.get("gatewayVersion");
        c.startedAt = Instant.now();
        c.state = CutoverState.RUNNING;
        audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.STATE, "gates passed: RUNNING");
        event(c, CutoverEventType.CUTOVER_STARTED, null);
        send(c, next, Reasons.ORCHESTRATOR);
    }

    /** After INSTALL_CANDIDATE: the candidate engines.node gate; refused → FAILED and UNFREEZE (nothing to restore). */
    private void checkCandidate(Cutover c, CutoverStep row, Map<String, String> facts, CutoverSaga.Step next) {
        GateVerdict v = Gates.candidateEngines(inventoryFacts(c), facts);
        List<Evidence> evidence = new ArrayList<>(readEvidence(row));
        evidence.add(Evidence.of("gate:" + v.gate(), null, v.passed() ? 0 : 1,
                v.verdict() + ": " + v.reason() + "\n" + Json.write(v.evidence())));
        row.evidence = Json.write(evidence);
        audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.GATE, v.gate() + " " + v.verdict() + ": " + v.reason(),
                "step:" + row.idempotencyKey + "#gate:" + v.gate());
        if (!v.passed()) {
            fail(c, Reasons.candidateEnginesRefused(v.reason()));
            send(c, CutoverSaga.step(StepKind.UNFREEZE.name()), Reasons.ORCHESTRATOR);
            return;
        }
        advance(c, next);
    }

    /** Sends the next step, runs COMMUNICATE, or holds it when the cutover is PAUSED. */
    private void advance(Cutover c, CutoverSaga.Step next) {
        if (c.state == CutoverState.PAUSED) {
            hold(c, next);
        } else if (next.local()) {
            goGreen(c, next);
        } else {
            send(c, next, Reasons.ORCHESTRATOR);
        }
    }

    /** PAUSED and the step in flight finished: remember the next step for resume. */
    private void hold(Cutover c, CutoverSaga.Step next) {
        c.resumeStep = next.name();
        c.updatedAt = Instant.now();
        audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.HELD, "PAUSED: " + next.name() + " waits for resume");
        Log.infof("cutover %s lease %s: paused, holding %s", c.id, c.leaseId, next.name());
    }

    /** Operator pause: the step in flight finishes, nothing further is sent until resume. */
    public void pause(Cutover c, String actor, String reason) {
        c.state = CutoverState.PAUSED;
        c.resumeStep = c.inFlightKey == null ? c.currentStep : null;
        c.updatedAt = Instant.now();
        audit.record(c.id, actor, Reasons.PAUSE_REQUESTED, reason + (c.inFlightKey == null ? ""
                : " (" + c.currentStep + " in flight finishes first)"));
        Log.infof("cutover %s lease %s PAUSED by %s", c.id, c.leaseId, actor);
    }

    /** Resume: with a step still in flight just carry on; else (re-)send the held or interrupted step. */
    public void resume(Cutover c, String actor, String reason) {
        String step = c.inFlightKey != null ? c.currentStep : c.resumeStep;
        audit.record(c.id, actor, Reasons.RESUME_REQUESTED, reason + " (epoch " + c.epoch + ", "
                + (c.inFlightKey != null ? step + " still in flight" : "sending " + step) + ")");
        Log.infof("cutover %s lease %s resumed by %s at %s", c.id, c.leaseId, actor, step);
        CutoverSaga.Step s = CutoverSaga.step(step);
        c.resumeStep = null;
        c.state = CutoverSaga.stateWhileRunning(s);
        c.updatedAt = Instant.now();
        if (c.inFlightKey != null) {
            return;
        }
        if (s.local()) {
            goGreen(c, s);
        } else {
            send(c, s, actor);
        }
    }

    /**
     * A breached trigger. ROLLBACK: ROLLING_BACK at {@code breach.epoch + 1} (rollback-service acts on the breach
     * itself, nothing is published); before the plist flip ABORTED instead (nothing to restore). PAUSE: PAUSED at
     * {@code breach.epoch + 1}, CUTOVER_PAUSED; resume re-sends the interrupted step. OBSERVE: audit only.
     */
    public void applyBreach(Cutover c, ThresholdBreached b) {
        String actor = "worker:" + c.region.suffix();
        String numbers = b.numbers() == null || b.numbers().isEmpty() ? "" : " " + new java.util.TreeMap<>(b.numbers());
        String detail = b.trigger() + " action " + b.action() + " at epoch " + b.epoch() + ": " + b.observed()
                + " (threshold: " + b.threshold() + ")" + numbers + (b.observedAt() == null ? "" : ", observed at " + b.observedAt());
        String ref = "breach:" + b.messageId();
        boolean actionable = c.state == CutoverState.RUNNING || c.state == CutoverState.VALIDATING
                || c.state == CutoverState.PAUSED;
        if (b.epoch() < c.epoch || !actionable) {
            audit.record(c.id, actor, Reasons.BREACH, detail + "; not applied: " + (b.epoch() < c.epoch
                    ? Reasons.staleEpoch(b.epoch(), c.epoch) : "cutover is " + c.state), ref);
            Log.infof("cutover %s lease %s: breach %s not applied (epoch %d, cutover epoch %d, %s)", c.id, c.leaseId,
                    b.trigger(), b.epoch(), c.epoch, c.state);
            return;
        }
        audit.record(c.id, actor, Reasons.BREACH, detail, ref);
        Log.warnf("cutover %s lease %s: breach %s (%s): %s", c.id, c.leaseId, b.trigger(), b.action(), b.observed());
        String reason = Reasons.breach(b.trigger(), b.action(), b.observed());
        TriggerAction action = b.action() == null ? TriggerAction.ROLLBACK : b.action();
        switch (action) {
            case OBSERVE -> {
            }
            case PAUSE -> {
                String interrupted = c.inFlightKey != null ? c.currentStep : c.resumeStep != null ? c.resumeStep : c.currentStep;
                supersedeInFlight(c);
                c.epoch = Math.max(c.epoch, b.epoch()) + 1;
                c.state = CutoverState.PAUSED;
                c.resumeStep = interrupted;
                c.reason = reason;
                c.updatedAt = Instant.now();
                audit.record(c.id, actor, Reasons.STATE, "PAUSED (epoch " + c.epoch + "): " + interrupted
                        + " is re-sent on resume", ref);
                event(c, CutoverEventType.CUTOVER_PAUSED, reason);
            }
            case ROLLBACK -> {
                if (!CutoverSaga.flipReached(c.currentStep)) {
                    c.epoch = Math.max(c.epoch, b.epoch());
                    abort(c, actor, reason);
                    return;
                }
                supersedeInFlight(c);
                c.epoch = Math.max(c.epoch, b.epoch()) + 1;
                c.state = CutoverState.ROLLING_BACK;
                c.resumeStep = null;
                c.reason = reason;
                c.updatedAt = Instant.now();
                audit.record(c.id, actor, Reasons.STATE, "ROLLING_BACK (epoch " + c.epoch
                        + "): rollback-service restores the lease on the breach itself", ref);
            }
        }
    }

    private static String evidenceNames(List<Evidence> evidence) {
        if (evidence == null || evidence.isEmpty()) {
            return "";
        }
        return "; evidence " + evidence.stream().map(Evidence::name).collect(Collectors.joining(", "));
    }

    private void goGreen(Cutover c, CutoverSaga.Step communicate) {
        Instant now = Instant.now();
        CutoverStep local = new CutoverStep();
        local.cutoverId = c.id;
        local.kind = communicate.name();
        local.attempt = (int) steps.countKind(c.id, communicate.name()) + 1;
        local.idempotencyKey = c.id + ":" + communicate.name() + ":" + local.attempt;
        local.epoch = c.epoch;
        local.state = StepState.LOCAL;
        local.outcome = StepOutcome.SUCCEEDED;
        local.reason = "CUTOVER_GREEN published to " + Topics.EVENTS;
        local.createdAt = now;
        local.endedAt = now;
        local.durationMillis = 0L;
        steps.persist(local);
        c.currentStep = communicate.name();
        c.state = CutoverState.GREEN;
        c.endedAt = now;
        c.updatedAt = now;
        audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.STEP_LOCAL, communicate.name() + ": cutover green");
        event(c, CutoverEventType.CUTOVER_GREEN, null);
        send(c, CutoverSaga.next(communicate), Reasons.ORCHESTRATOR);
    }

    /** FAILED (nothing restored) with an incident-free event. */
    public void fail(Cutover c, String reason) {
        c.state = CutoverState.FAILED;
        c.reason = reason;
        c.endedAt = Instant.now();
        c.updatedAt = c.endedAt;
        c.inFlightKey = null;
        audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.STATE, "FAILED: " + reason);
        Log.warnf("cutover %s lease %s FAILED: %s", c.id, c.leaseId, reason);
        event(c, CutoverEventType.CUTOVER_FAILED, reason);
    }

    /** ROLLING_BACK: fences every command in flight (epoch + 1) and asks rollback-service to restore the lease. */
    public void requestRollback(Cutover c, String requestedBy, String reason) {
        supersedeInFlight(c);
        c.epoch++;
        c.resumeStep = null;
        c.state = CutoverState.ROLLING_BACK;
        c.reason = reason;
        c.updatedAt = Instant.now();
        Map<String, String> inventory = inventoryFacts(c);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(HASH_PLIST, inventory.get("plistSha256"));
        expected.put(HASH_PACKAGE, inventory.get("packageSha256"));
        expected.put(HASH_STATE, snapshotFacts(c).get(FACT_STATE_ARCHIVE));
        Lease lease = leases.findById(c.leaseId);
        RollbackRequested rr = new RollbackRequested(UUID.randomUUID().toString(), c.id, c.leaseId, Instant.now(),
                CutoverMessage.SCHEMA_VERSION, c.epoch, requestedBy, reason, lease.target(), c.ticketId,
                c.previousVersion, c.candidateVersion, c.rollbackOwner, expected);
        outbox.write(Topics.ROLLBACK_REQUESTS, rr);
        audit.record(c.id, requestedBy, Reasons.ROLLBACK_REQUESTED, reason + " (epoch " + c.epoch + ")");
        Log.warnf("cutover %s lease %s ROLLING_BACK (epoch %d) by %s: %s", c.id, c.leaseId, c.epoch, requestedBy, reason);
        if (config.emitRollbackStarted()) {
            event(c, CutoverEventType.ROLLBACK_STARTED, reason);
        }
    }

    /** ABORTED before the flip: fences commands in flight, announces it and lifts the freeze marker. */
    public void abort(Cutover c, String requestedBy, String reason) {
        supersedeInFlight(c);
        c.epoch++;
        c.resumeStep = null;
        c.state = CutoverState.ABORTED;
        c.reason = reason;
        c.endedAt = Instant.now();
        c.updatedAt = c.endedAt;
        audit.record(c.id, requestedBy, Reasons.ABORT_REQUESTED, reason + " (epoch " + c.epoch + ")");
        Log.warnf("cutover %s lease %s ABORTED by %s: %s", c.id, c.leaseId, requestedBy, reason);
        event(c, CutoverEventType.CUTOVER_ABORTED, reason);
        send(c, CutoverSaga.step(StepKind.UNFREEZE.name()), requestedBy);
    }

    void supersedeInFlight(Cutover c) {
        if (c.inFlightKey != null) {
            steps.byKey(c.inFlightKey).ifPresent(s -> {
                if (s.state == StepState.SENT) {
                    s.state = StepState.SUPERSEDED;
                    s.endedAt = Instant.now();
                }
            });
            c.inFlightKey = null;
        }
    }

    /** A lifecycle event through the outbox, with what every CutoverEvent carries. */
    public void event(Cutover c, CutoverEventType type, String reason) {
        BlastRadius blast = Json.read(c.blastRadius, BlastRadius.class).normalised();
        CutoverEvent e = new CutoverEvent(UUID.randomUUID().toString(), c.id, c.leaseId, Instant.now(),
                CutoverMessage.SCHEMA_VERSION, c.epoch, type, c.region, c.ticketId, c.previousVersion,
                c.candidateVersion, c.rollbackOwner, blast.channels(), c.startedAt != null ? c.startedAt : c.createdAt,
                c.endedAt, reason);
        outbox.write(Topics.EVENTS, e);
    }

    CutoverSaga.Context context(Cutover c) {
        Map<String, String> inventory = inventoryFacts(c);
        Map<String, String> expected = new LinkedHashMap<>();
        if (inventory.get("plistSha256") != null) {
            expected.put(HASH_PLIST, inventory.get("plistSha256"));
        }
        if (inventory.get("packageSha256") != null) {
            expected.put(HASH_PACKAGE, inventory.get("packageSha256"));
        }
        // after SNAPSHOT: the state/config archive's hash, so a breach raised by VALIDATE carries it to the restore
        String state = snapshotFacts(c).get(FACT_STATE_ARCHIVE);
        if (state != null) {
            expected.put(HASH_STATE, state);
        }
        ValidationPolicy.Settings settings = settings(c);
        Lease lease = leases.findById(c.leaseId);
        return new CutoverSaga.Context(c.candidateVersion, c.previousVersion, c.ticketId, CutoverSaga.tag(c.createdAt),
                expected, settings.windowSeconds(), settings.intervalMillis(),
                ValidationPolicy.plan(settings, lease.tlsEndpoint, config.validation().tlsMinValidDays(),
                        decimal(inventory.get("baselineP95Millis")), c.rollbackOwner), c.candidateSha256,
                c.canaryPort, c.canarySeconds);
    }

    /** Allowed canary ports and window of a request ({@code orchestrator.canary.*}). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public com.maclogin.cutover.orchestrator.service.InputValidator.CanaryLimits canaryLimits() {
        return new InputValidator.CanaryLimits(config.canary().minPort(), config.canary().maxPort(),
                config.canary().defaultSeconds(), config.canary().maxSeconds());
    }

    /** Configuration defaults of the validation window (needs no transaction). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ValidationPolicy.Defaults validationDefaults() {
        return validationDefaults(config);
    }

    public static ValidationPolicy.Defaults validationDefaults(OrchestratorConfig config) {
        return new ValidationPolicy.Defaults((int) config.validation().window().toSeconds(),
                (int) config.validation().probeInterval().toMillis(),
                config.validation().restartDrillAt().map(d -> (int) d.toSeconds()).orElse(null));
    }

    /** The cutover's stored validation settings, or the configuration defaults for a cutover without any. */
    ValidationPolicy.Settings settings(Cutover c) {
        return settingsOf(c, validationDefaults());
    }

    static ValidationPolicy.Settings settingsOf(Cutover c, ValidationPolicy.Defaults defaults) {
        if (c.validationPlan != null) {
            return Json.read(c.validationPlan, ValidationPolicy.Settings.class);
        }
        return ValidationPolicy.defaults(defaults);
    }

    private static Double decimal(String s) {
        try {
            return s == null || s.isBlank() ? null : Double.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Facts of the cutover's last successful SNAPSHOT (empty before it). */
    Map<String, String> snapshotFacts(Cutover c) {
        return steps.lastSucceeded(c.id, StepKind.SNAPSHOT.name())
                .map(SagaEngine::readFacts)
                .orElse(Map.of());
    }

    Map<String, String> inventoryFacts(Cutover c) {
        return steps.lastSucceeded(c.id, StepKind.INVENTORY.name())
                .map(SagaEngine::readFacts)
                .orElse(Map.of());
    }

    static List<Operator> operators(Cutover c) {
        try {
            return Json.MAPPER.readValue(c.operators, OPERATORS);
        } catch (Exception e) {
            throw new IllegalStateException("stored operators of cutover " + c.id + " unreadable", e);
        }
    }

    static Map<String, String> readFacts(CutoverStep s) {
        return readMap(s.facts);
    }

    static Map<String, String> readMap(String json) {
        try {
            return Json.MAPPER.readValue(json, FACTS);
        } catch (Exception e) {
            return Map.of();
        }
    }

    static List<Evidence> readEvidence(CutoverStep s) {
        try {
            return Json.MAPPER.readValue(s.evidence, EVIDENCE);
        } catch (Exception e) {
            return List.of();
        }
    }
}
