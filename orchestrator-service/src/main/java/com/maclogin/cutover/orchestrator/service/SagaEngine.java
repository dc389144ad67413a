package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.ArtifactHashes;
import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RollbackPurpose;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.OutboxWriter;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.CutoverStep;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.StepState;
import com.maclogin.cutover.orchestrator.StreamEvents;
import com.maclogin.cutover.orchestrator.ValidationSettings;
import com.maclogin.cutover.orchestrator.api.BlastRadius;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.repository.AuditRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.CutoverStepRepository;
import com.maclogin.cutover.orchestrator.repository.EventLogRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseRepository;
import com.maclogin.cutover.orchestrator.saga.CutoverSaga;
import com.maclogin.cutover.orchestrator.saga.GateVerdict;
import com.maclogin.cutover.orchestrator.saga.Gates;
import com.maclogin.cutover.orchestrator.saga.LatencyBaseline;
import com.maclogin.cutover.orchestrator.saga.SagaData;
import com.maclogin.cutover.orchestrator.saga.SagaEffect;
import com.maclogin.cutover.orchestrator.saga.SagaInput;
import com.maclogin.cutover.orchestrator.saga.SagaSnapshot;
import com.maclogin.cutover.orchestrator.saga.ValidationPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import com.maclogin.cutover.orchestrator.metrics.OrchestratorMetrics;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Runs the cutover saga on a locked cutover row: turns what arrived into a {@link SagaInput}, asks
 * {@link CutoverSaga#decide} what to do, and applies the {@link SagaEffect}s in order (outbox commands and events,
 * step rows, audit lines). The only class that changes a cutover's state. Every method runs inside the caller's
 * transaction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class SagaEngine {

    private final CutoverStepRepository steps;
    private final CutoverRepository cutovers;
    private final LeaseRepository leases;
    private final AuditRepository audit;
    private final OutboxWriter outbox;
    private final OrchestratorConfig config;
    private final MeterRegistry meters;
    private final CutoverTrace cutoverTrace;
    private final OrchestratorMetrics metrics;
    private final EventLogRepository eventLog;
    private final LeaseWatchGates watch;

    public SagaEngine(CutoverStepRepository steps, CutoverRepository cutovers, LeaseRepository leases,
            AuditRepository audit, OutboxWriter outbox, OrchestratorConfig config, MeterRegistry meters,
            CutoverTrace cutoverTrace, OrchestratorMetrics metrics, EventLogRepository eventLog,
            LeaseWatchGates watch) {
        this.watch = watch;
        this.cutoverTrace = cutoverTrace;
        this.metrics = metrics;
        this.eventLog = eventLog;
        this.steps = steps;
        this.cutovers = cutovers;
        this.leases = leases;
        this.audit = audit;
        this.outbox = outbox;
        this.config = config;
        this.meters = meters;
    }

    /** A step's result as it arrived (or a TIMED_OUT at its deadline), stored on its row when the saga accepts it. */
    private record Arrived(CutoverStep row, StepOutcome outcome, String reason, Map<String, String> facts,
            List<Evidence> evidence, Long durationMillis, String workerId, String actor) {
    }

    /** A new cutover: PENDING at epoch 1, stored (the one-active-per-lease index speaks here). */
    public void create(Cutover c) {
        if (c.sagaData == null) {
            // stored from the start: data(c) then never derives it from the step rows (two queries per call)
            c.sagaData = Json.write(SagaData.EMPTY);
        }
        apply(c, new SagaInput.Requested(), null);
        cutovers.persist(c);
        cutovers.flush();
    }

    /**
     * Operator and lifecycle inputs (begin, pause, resume, abort, rollback, dispatched, rollback outcome). Returns the
     * saga's refusal when the input is not allowed in the cutover's state (nothing changed then).
     */
    public Optional<String> handle(Cutover c, SagaInput in) {
        return apply(c, in, null);
    }

    /**
     * A step's result (or a TIMED_OUT synthesised at the deadline, {@code messageId} null): the saga fences it (epoch,
     * step in flight), stores it on its step row and moves on.
     */
    public void applyResult(Cutover c, String messageId, String step, String idempotencyKey, long epoch,
            StepOutcome outcome, String reason, StepReport report, Map<String, String> facts, List<Evidence> evidence,
            Long durationMillis, String workerId, String actor) {
        CutoverStep row = idempotencyKey == null ? null : steps.byKey(idempotencyKey).orElse(null);
        boolean open = row != null && row.state == StepState.SENT && outcome != null;
        Map<String, String> f = facts == null ? Map.of() : facts;
        List<GateVerdict> gates = List.of();
        SagaData data = null;
        if (open && outcome == StepOutcome.SUCCEEDED) {
            data = SagaData.of(report);
            if (StepKind.INVENTORY.name().equals(row.kind)) {
                gates = inventoryGates(c, f);
            } else if (StepKind.INSTALL_CANDIDATE.name().equals(row.kind)) {
                gates = List.of(Gates.candidateEngines(
                        Collections.singletonMap(StepFacts.PLIST_NODE_VERSION, data(c).plistNodeVersion()), f));
            }
        }
        SagaInput in = new SagaInput.StepFinished(open ? row.kind : step, messageId, idempotencyKey, epoch, open,
                outcome, reason, gates, data, actor);
        apply(c, in, open ? new Arrived(row, outcome, reason, f, evidence, durationMillis, workerId, actor) : null);
    }

    /** A worker's ThresholdBreached (the caller checked it is complete and new). */
    public void applyBreach(Cutover c, ThresholdBreached b) {
        String numbers = b.numbers() == null || b.numbers().isEmpty() ? "" : " " + new TreeMap<>(b.numbers());
        String detail = b.trigger() + " action " + b.action() + " at epoch " + b.epoch() + ": " + b.observed()
                + " (threshold: " + b.threshold() + ")" + numbers + (b.observedAt() == null ? "" : ", observed at " + b.observedAt());
        Log.infof("cutover %s lease %s: breach %s (%s) at epoch %d: %s", c.id, c.leaseId, b.trigger(), b.action(),
                b.epoch(), b.observed());
        eventLog.append(c, StreamEvents.BREACH, EventLogRepository.fields("trigger", String.valueOf(b.trigger()),
                "action", String.valueOf(b.action()), "observed", b.observed(), "threshold", b.threshold(),
                "numbers", b.numbers() == null ? Map.of() : new TreeMap<>(b.numbers()), "epoch", b.epoch(),
                "observedAt", b.observedAt()));
        handle(c, new SagaInput.Breach(b.messageId(), b.epoch(), String.valueOf(b.trigger()), b.action(), b.observed(),
                detail, "worker:" + c.region.suffix()));
    }

    private Optional<String> apply(Cutover c, SagaInput in, Arrived arrived) {
        try (Scope trace = cutoverTrace.enter(c, in.getClass().getSimpleName())) { // one cutover, one trace
            return decideAndApply(c, in, arrived);
        }
    }

    private Optional<String> decideAndApply(Cutover c, SagaInput in, Arrived arrived) {
        List<SagaEffect> effects = CutoverSaga.decide(snapshot(c, in), in);
        // the reason this input sets, if any, goes with the state change it explains (whatever the effects' order)
        String newReason = effects.stream().filter(SagaEffect.SetReason.class::isInstance)
                .map(e -> ((SagaEffect.SetReason) e).reason()).reduce((x, y) -> y).orElse(null);
        for (SagaEffect e : effects) {
            if (e instanceof SagaEffect.Refuse r) {
                return Optional.of(r.reason());
            }
            CutoverState before = c.state;
            apply(c, e, arrived);
            if (e instanceof SagaEffect.SetState && c.state != before) {
                eventLog.append(c, StreamEvents.CUTOVER_STATE, EventLogRepository.fields("from", before, "to", c.state,
                        "epoch", c.epoch, "step", c.currentStep, "reason", newReason != null ? newReason : c.reason));
            }
        }
        if (!effects.isEmpty()) {
            c.updatedAt = Instant.now();
        }
        return Optional.empty();
    }

    private void apply(Cutover c, SagaEffect effect, Arrived arrived) {
        if (effect instanceof SagaEffect.SetState s) {
            if (c.state != s.state()) {
                Log.infof("cutover %s lease %s: %s -> %s", c.id, c.leaseId, c.state, s.state());
            }
            c.state = s.state();
        } else if (effect instanceof SagaEffect.SetReason r) {
            c.reason = r.reason();
        } else if (effect instanceof SagaEffect.End end) {
            c.endedAt = end.at() != null ? end.at() : Instant.now();
        } else if (effect instanceof SagaEffect.Reopen) {
            c.endedAt = null;
        } else if (effect instanceof SagaEffect.SetEpoch se) {
            c.epoch = se.epoch();
            if (data(c).stateArchiveSha256() != null) {
                arm(c); // rollback-service's record follows the epoch (it refuses breaches and requests above it)
            }
        } else if (effect instanceof SagaEffect.SupersedeInFlight) {
            supersedeInFlight(c);
        } else if (effect instanceof SagaEffect.SetResumeStep rs) {
            c.resumeStep = rs.step();
        } else if (effect instanceof SagaEffect.SendStep send) {
            send(c, CutoverSaga.step(send.step()), send.actor());
        } else if (effect instanceof SagaEffect.RunLocalStep local) {
            runLocal(c, local.step());
        } else if (effect instanceof SagaEffect.PublishEvent pe) {
            event(c, pe.type(), pe.reason());
        } else if (effect instanceof SagaEffect.RequestRollback rr) {
            requestRollback(c, rr.requestedBy(), rr.reason());
        } else if (effect instanceof SagaEffect.RecordResult) {
            recordResult(c, arrived);
        } else if (effect instanceof SagaEffect.RecordGates g) {
            recordGates(c, arrived, g.verdicts());
        } else if (effect instanceof SagaEffect.RecordData d) {
            boolean armed = data(c).stateArchiveSha256() != null;
            SagaData merged = data(c).merge(d.data());
            c.sagaData = Json.write(merged);
            if (d.gatesPassed()) {
                c.previousVersion = merged.previousVersion();
                c.startedAt = Instant.now();
            }
            if (!armed && merged.stateArchiveSha256() != null) {
                arm(c); // SNAPSHOT recorded the hashes: before anything of the lease's package or plist changes
            }
        } else if (effect instanceof SagaEffect.Audit a) {
            audit.record(c.id, a.actor(), a.action(), a.detail(), a.ref());
        } else {
            throw new IllegalStateException("unhandled saga effect " + effect);
        }
    }

    /** Writes the step's RunStep into the outbox and records it as the step in flight. */
    private void send(Cutover c, CutoverSaga.Step step, String actor) {
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
        Evidence baseline = step.kind() == StepKind.VALIDATE ? chooseLatencyBaseline(c) : null;
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
        if (baseline != null) {
            row.evidence = Json.write(List.of(baseline)); // kept when the result's evidence is stored
        }
        steps.persist(row);

        c.currentStep = step.name();
        c.inFlightKey = key;
        outbox.enqueue(Topics.stepCommands(c.region), cmd);
        eventLog.append(c, StreamEvents.STEP_STARTED, EventLogRepository.fields("step", step.name(), "attempt", attempt,
                "epoch", c.epoch, "deadline", deadline));
        audit.record(c.id, actor, Reasons.STEP_SENT, step.name() + " attempt " + attempt + " epoch " + c.epoch
                + ", deadline " + deadline, "step:" + key);
        Log.infof("cutover %s lease %s: sent %s attempt %d (epoch %d)", c.id, c.leaseId, step.name(), attempt, c.epoch);
    }

    /** The local COMMUNICATE step: a step row without a worker command. */
    private void runLocal(Cutover c, String step) {
        Instant now = Instant.now();
        CutoverStep local = new CutoverStep();
        local.cutoverId = c.id;
        local.kind = step;
        local.attempt = (int) steps.countKind(c.id, step) + 1;
        local.idempotencyKey = c.id + ":" + step + ":" + local.attempt;
        local.epoch = c.epoch;
        local.state = StepState.LOCAL;
        local.outcome = StepOutcome.SUCCEEDED;
        local.reason = "CUTOVER_GREEN published to " + Topics.EVENTS;
        local.createdAt = now;
        local.endedAt = now;
        local.durationMillis = 0L;
        steps.persist(local);
        c.currentStep = step;
        eventLog.append(c, StreamEvents.STEP_ENDED, EventLogRepository.fields("step", step, "attempt", local.attempt,
                "epoch", c.epoch, "outcome", local.outcome, "reason", local.reason, "durationMillis", 0L,
                "elapsedMillis", 0L));
    }

    private void recordResult(Cutover c, Arrived a) {
        Instant now = Instant.now();
        CutoverStep row = a.row();
        row.state = StepState.DONE;
        row.outcome = a.outcome();
        row.reason = a.reason();
        row.facts = Json.write(a.facts());
        List<Evidence> evidence = new ArrayList<>(StoredJson.evidence(row)); // the orchestrator's own (LATENCY baseline)
        evidence.addAll(a.evidence() == null ? List.of() : a.evidence());
        row.evidence = Json.write(evidence);
        row.durationMillis = a.durationMillis();
        row.workerId = a.workerId();
        row.endedAt = now;
        c.inFlightKey = null;
        Timer.builder("orchestrator.step.round.trip")
                .description("step command created -> result persisted")
                .tag("kind", row.kind)
                .tag("outcome", a.outcome().name())
                .register(meters)
                .record(Duration.between(row.createdAt, now));
        metrics.stepFinished(row.kind, row.dispatchedAt != null ? row.dispatchedAt : row.createdAt, now);
        eventLog.append(c, StreamEvents.STEP_ENDED, EventLogRepository.fields("step", row.kind, "attempt", row.attempt,
                "epoch", row.epoch, "outcome", a.outcome(), "reason", a.reason(), "durationMillis", a.durationMillis(),
                "elapsedMillis", Duration.between(row.createdAt, now).toMillis(), "evidence",
                a.evidence() == null ? List.of() : a.evidence().stream().map(Evidence::name).toList(),
                "workerId", a.workerId()));
        audit.record(c.id, a.actor(), Reasons.STEP_RESULT, row.kind + " attempt " + row.attempt + " " + a.outcome()
                + (a.reason() == null ? "" : ": " + a.reason()) + evidenceNames(a.evidence()), "step:" + row.idempotencyKey);
        Log.infof("cutover %s lease %s: %s %s", c.id, c.leaseId, row.kind, a.outcome());
    }

    /** The gate verdicts as evidence of the step that was checked, and one audit line each. */
    private void recordGates(Cutover c, Arrived a, List<GateVerdict> verdicts) {
        List<Evidence> evidence = new ArrayList<>(StoredJson.evidence(a.row()));
        for (GateVerdict v : verdicts) {
            evidence.add(Evidence.of("gate:" + v.gate(), null, v.passed() ? 0 : 1,
                    v.verdict() + ": " + v.reason() + "\n" + Json.write(v.evidence())));
            audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.GATE, v.gate() + " " + v.verdict() + ": " + v.reason(),
                    "step:" + a.row().idempotencyKey + "#gate:" + v.gate());
        }
        a.row().evidence = Json.write(evidence);
    }

    private List<GateVerdict> inventoryGates(Cutover c, Map<String, String> facts) {
        Lease lease = leases.findById(c.leaseId);
        List<GateVerdict> verdicts = new ArrayList<>(Gates.evaluate(new Gates.Input(facts, lease.gatewayPort,
                StoredJson.operators(c), c.createdAt.atZone(ZoneOffset.UTC).toLocalDate())));
        verdicts.add(Gates.stagingFirst(config.gates().stagingFirst(), lease.stage, c.candidateVersion,
                cutovers.firstGreenOnStaging(c.candidateVersion).map(g -> g.id).orElse(null), c.stagingOverride));
        verdicts.add(Gates.cliMatchesService(facts, c.cliOverride));
        verdicts.add(watch.leaseHealth(c, Instant.now()));
        return verdicts;
    }

    /**
     * The LATENCY trigger's baseline for the VALIDATE plan, chosen once per cutover (the watch's rolling P95 before the
     * cutover, else INVENTORY's) and kept in the saga data, audited; a re-sent VALIDATE carries the same choice.
     */
    private Evidence chooseLatencyBaseline(Cutover c) {
        SagaData data = data(c);
        if (data.latencyBaseline() == null) {
            LatencyBaseline chosen = watch.latencyBaseline(c, data.baselineP95Millis());
            data = data.withLatencyBaseline(chosen);
            c.sagaData = Json.write(data);
            audit.record(c.id, Reasons.ORCHESTRATOR, Reasons.LATENCY_BASELINE, chosen.summary(),
                    "evidence:" + LatencyBaseline.EVIDENCE);
            Log.infof("cutover %s lease %s: LATENCY baseline %s", c.id, c.leaseId, chosen.summary());
        }
        return data.latencyBaseline().evidence();
    }

    private static String evidenceNames(List<Evidence> evidence) {
        if (evidence == null || evidence.isEmpty()) {
            return "";
        }
        return "; evidence " + evidence.stream().map(Evidence::name).collect(Collectors.joining(", "));
    }

    /**
     * rollback-service's own record of the cutover ({@link RollbackPurpose#ARM}): what a restore needs, sent once
     * SNAPSHOT has recorded the hashes (before INSTALL_CANDIDATE and the plist flip change anything a rollback would
     * restore) and again on every later epoch change. rollback-service restores from this record alone and ignores a
     * breach or request that contradicts it.
     */
    private void arm(Cutover c) {
        Lease lease = leases.findById(c.leaseId);
        RollbackRequested armed = RollbackRequested.builder().cutoverId(c.id).leaseId(c.leaseId).epoch(c.epoch)
                .requestedBy(Reasons.ORCHESTRATOR).reason("armed").target(lease.target()).ticketId(c.ticketId)
                .previousVersion(c.previousVersion).candidateVersion(c.candidateVersion).rollbackOwner(c.rollbackOwner)
                .expectedSha256(expectedHashes(data(c))).purpose(RollbackPurpose.ARM).build();
        outbox.enqueue(Topics.ROLLBACK_REQUESTS, armed);
    }

    private static Map<String, String> expectedHashes(SagaData data) {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(ArtifactHashes.PLIST, data.plistSha256());
        expected.put(ArtifactHashes.PACKAGE, data.packageSha256());
        expected.put(ArtifactHashes.STATE, data.stateArchiveSha256());
        if (data.packageStatSha256() != null) {
            expected.put(ArtifactHashes.PACKAGE_STAT, data.packageStatSha256());
        }
        return expected;
    }

    /** RollbackRequested to rollback-service with the hashes the restore verifies; ROLLBACK_STARTED if configured. */
    private void requestRollback(Cutover c, String requestedBy, String reason) {
        Map<String, String> expected = expectedHashes(data(c));
        Lease lease = leases.findById(c.leaseId);
        RollbackRequested rr = new RollbackRequested(UUID.randomUUID().toString(), c.id, c.leaseId, Instant.now(),
                CutoverMessage.SCHEMA_VERSION, c.epoch, requestedBy, reason, lease.target(), c.ticketId,
                c.previousVersion, c.candidateVersion, c.rollbackOwner, expected);
        outbox.enqueue(Topics.ROLLBACK_REQUESTS, rr);
        Log.warnf("cutover %s lease %s ROLLING_BACK (epoch %d) by %s: %s", c.id, c.leaseId, c.epoch, requestedBy, reason);
        if (config.emitRollbackStarted()) {
            event(c, CutoverEventType.ROLLBACK_STARTED, reason);
        }
    }

    private void supersedeInFlight(Cutover c) {
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
    private void event(Cutover c, CutoverEventType type, String reason) {
        BlastRadius blast = Json.read(c.blastRadius, BlastRadius.class).normalised();
        CutoverEvent e = new CutoverEvent(UUID.randomUUID().toString(), c.id, c.leaseId, Instant.now(),
                CutoverMessage.SCHEMA_VERSION, c.epoch, type, c.region, c.ticketId, c.previousVersion,
                c.candidateVersion, c.rollbackOwner, blast.channels(), c.startedAt != null ? c.startedAt : c.createdAt,
                c.endedAt, reason, c.fleetId, c.wave);
        outbox.enqueue(Topics.EVENTS, e);
    }

    private SagaSnapshot snapshot(Cutover c, SagaInput in) {
        SagaSnapshot.AfterGreen afterGreen = null;
        if (c.state == CutoverState.GREEN && in instanceof SagaInput.Rollback) {
            afterGreen = new SagaSnapshot.AfterGreen(c.endedAt, cutovers.laterOnLease(c).map(l -> l.id).orElse(null),
                    config.greenRollbackRetention());
        }
        return new SagaSnapshot(c.state, c.currentStep, c.inFlightKey, c.resumeStep, c.epoch, c.canaryPort != null,
                data(c), afterGreen);
    }

    /** The cutover's saga data; for a cutover started before it was stored, derived once from the stored facts. */
    SagaData data(Cutover c) {
        if (c.sagaData != null) {
            return Json.read(c.sagaData, SagaData.class);
        }
        if (c.id == null) {
            return SagaData.EMPTY;
        }
        return SagaData.EMPTY
                .merge(steps.lastSucceeded(c.id, StepKind.INVENTORY.name())
                        .map(s -> SagaData.of(StepReport.Inventory.fromFacts(StoredJson.facts(s)))).orElse(null))
                .merge(steps.lastSucceeded(c.id, StepKind.SNAPSHOT.name())
                        .map(s -> SagaData.of(StepReport.Snapshot.fromFacts(StoredJson.facts(s)))).orElse(null));
    }

    CutoverSaga.Context context(Cutover c) {
        SagaData data = data(c);
        Map<String, String> expected = new LinkedHashMap<>();
        if (data.plistSha256() != null) {
            expected.put(ArtifactHashes.PLIST, data.plistSha256());
        }
        if (data.packageSha256() != null) {
            expected.put(ArtifactHashes.PACKAGE, data.packageSha256());
        }
        if (data.packageStatSha256() != null) {
            expected.put(ArtifactHashes.PACKAGE_STAT, data.packageStatSha256());
        }
        // after SNAPSHOT: the state/config archive's hash, so a breach raised by VALIDATE carries it to the restore
        if (data.stateArchiveSha256() != null) {
            expected.put(ArtifactHashes.STATE, data.stateArchiveSha256());
        }
        ValidationSettings settings = settings(c);
        Lease lease = leases.findById(c.leaseId);
        return new CutoverSaga.Context(c.candidateVersion, c.previousVersion, c.ticketId, CutoverSaga.tag(c.createdAt),
                expected, settings.windowSeconds(), settings.intervalMillis(),
                ValidationPolicy.plan(settings, lease.tlsEndpoint, config.validation().tlsMinValidDays(),
                        data.planBaselineP95Millis(), c.rollbackOwner), c.candidateSha256,
                c.canaryPort, c.canarySeconds);
    }

    /** Allowed canary ports and window of a request ({@code orchestrator.canary.*}). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public InputValidator.CanaryLimits canaryLimits() {
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
    ValidationSettings settings(Cutover c) {
        return StoredJson.settings(c, validationDefaults());
    }
}
