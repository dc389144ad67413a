package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.FleetEvent;
import com.maclogin.cutover.contracts.FleetEventType;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.messaging.OutboxWriter;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.Fleet;
import com.maclogin.cutover.orchestrator.StreamEvents;
import com.maclogin.cutover.orchestrator.FleetControlCheck;
import com.maclogin.cutover.orchestrator.FleetLeaseRecord;
import com.maclogin.cutover.orchestrator.FleetWaveRecord;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.orchestrator.api.FleetRequest;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.fleet.FleetEffect;
import com.maclogin.cutover.orchestrator.fleet.FleetInput;
import com.maclogin.cutover.orchestrator.fleet.FleetLease;
import com.maclogin.cutover.orchestrator.fleet.FleetPlan;
import com.maclogin.cutover.orchestrator.fleet.FleetSaga;
import com.maclogin.cutover.orchestrator.fleet.FleetSnapshot;
import com.maclogin.cutover.orchestrator.fleet.FleetState;
import com.maclogin.cutover.orchestrator.fleet.LeaseOutcome;
import com.maclogin.cutover.orchestrator.fleet.Wave;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.EventLogRepository;
import com.maclogin.cutover.orchestrator.repository.FleetRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseRepository;
import com.maclogin.cutover.orchestrator.saga.ValidationPolicy;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Runs the fleet saga on a fleet row locked {@code FOR UPDATE}: loads a {@link FleetSnapshot} from PostgreSQL (every
 * lease's cutover state included), asks {@link FleetSaga#decide} and applies the {@link FleetEffect}s in the caller's
 * transaction. Leases start through {@link CutoverService#startForFleet} (the single-cutover path: same gates, steps,
 * triggers and rollback), and the fleet-lease row records the cutover id in the same commit; events go through the
 * outbox on {@code fleet.events}; every transition is audited with its actor. The fleet never writes a cutover's state.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class FleetEngine {

    static final String FLEET_ACTOR_PREFIX = "fleet:";

    private final FleetRepository fleets;
    private final CutoverRepository cutovers;
    private final LeaseRepository leases;
    private final CutoverService cutoverService;
    private final SagaEngine saga;
    private final OutboxWriter outbox;
    private final OrchestratorConfig config;
    private final EventLogRepository eventLog;

    public FleetEngine(FleetRepository fleets, CutoverRepository cutovers, LeaseRepository leases,
            CutoverService cutoverService, SagaEngine saga, OutboxWriter outbox, OrchestratorConfig config,
            EventLogRepository eventLog) {
        this.eventLog = eventLog;
        this.fleets = fleets;
        this.cutovers = cutovers;
        this.leases = leases;
        this.cutoverService = cutoverService;
        this.saga = saga;
        this.outbox = outbox;
        this.config = config;
    }

    /** Decides and applies one input on the locked fleet; the saga's refusal (nothing applied) when it refuses. */
    public Optional<String> apply(Fleet f, FleetInput in) {
        FleetSnapshot s = snapshot(f, in);
        List<FleetEffect> effects = FleetSaga.decide(s, in);
        if (!effects.isEmpty() && effects.get(0) instanceof FleetEffect.Refuse r) {
            return Optional.of(r.reason());
        }
        Map<String, FleetLeaseRecord> rows = new LinkedHashMap<>();
        fleets.leases(f.id).forEach(l -> rows.put(l.leaseId, l));
        Map<Integer, FleetWaveRecord> waves = new HashMap<>();
        fleets.waves(f.id).forEach(w -> waves.put(w.idx, w));
        boolean changed = false;
        for (FleetEffect e : effects) {
            if (e instanceof FleetEffect.ScheduleNext n && java.util.Objects.equals(n.action(), f.nextAction)
                    && java.util.Objects.equals(n.at(), f.nextAt)) {
                continue; // the same next action every tick: no write
            }
            applyEffect(f, e, rows, waves, in.now());
            changed = true;
        }
        if (changed) {
            f.updatedAt = Instant.now();
        }
        return Optional.empty();
    }

    /**
     * One reconcile of a locked fleet: every cutover that ended since is reported once (its outcome row is written in
     * this transaction), overdue control checks are closed, then the clock ticks.
     */
    public void reconcile(Fleet f, Instant now) {
        if (!f.state.isActive() || f.state == FleetState.PENDING) {
            return;
        }
        for (FleetLeaseRecord row : fleets.leases(f.id)) {
            if (row.cutoverId == null || row.outcome != null) {
                continue;
            }
            Cutover c = cutovers.findById(row.cutoverId);
            if (c != null && c.state.isTerminal()) {
                apply(f, new FleetInput.LeaseEnded(row.leaseId, c.state, c.reason, now));
            }
        }
        for (FleetControlCheck chk : fleets.overdueChecks(f.id, now)) {
            Map<String, String> results = results(chk);
            for (String id : controlIds(chk)) {
                results.putIfAbsent(id, "FAILED: no answer before the deadline " + chk.deadline);
            }
            chk.results = Json.write(results);
            finishCheck(f, chk, now);
        }
        apply(f, new FleetInput.Tick(now));
    }

    /** A control lease answered (or breached): stored; when every control lease answered, the fleet is told. */
    void controlAnswer(Fleet f, FleetControlCheck chk, String leaseId, boolean passed, String detail, Instant now) {
        if (!FleetControlCheck.PENDING.equals(chk.state) || !controlIds(chk).contains(leaseId)) {
            return;
        }
        Map<String, String> results = results(chk);
        String before = results.get(leaseId);
        if (before != null && before.startsWith("FAILED")) {
            return; // a breach already failed it; the step's later SUCCEEDED does not undo that
        }
        results.put(leaseId, passed ? "PASSED" : "FAILED: " + detail);
        chk.results = Json.write(results);
        if (results.keySet().containsAll(controlIds(chk))) {
            finishCheck(f, chk, now);
        }
    }

    private void finishCheck(Fleet f, FleetControlCheck chk, Instant now) {
        Map<String, String> results = results(chk);
        boolean allFailed = !results.isEmpty() && results.values().stream().allMatch(v -> v.startsWith("FAILED"));
        chk.state = FleetControlCheck.DONE;
        chk.controlsFailed = allFailed;
        chk.endedAt = now;
        String detail = new TreeMap<>(results).toString();
        fleets.audit(f.id, FleetSaga.ORCHESTRATOR, "CONTROL_CHECK_ENDED", "control check " + chk.id + " of region "
                + chk.region + " for lease " + chk.subjectLeaseId + ": " + detail);
        apply(f, new FleetInput.ControlCheckResult(chk.id, chk.subjectLeaseId, chk.region, allFailed, detail, now));
    }

    // ------------------------------------------------------------------ snapshot

    FleetSnapshot snapshot(Fleet f, FleetInput in) {
        FleetPlan.Resolved plan = plan(f).resolved();
        List<FleetLeaseRecord> rows = fleets.leases(f.id);
        List<FleetLease> fl = new ArrayList<>();
        for (FleetLeaseRecord r : rows) {
            CutoverState cs = r.cutoverId == null ? null : cutovers.findByIdOptional(r.cutoverId).map(c -> c.state).orElse(null);
            fl.add(new FleetLease(r.leaseId, r.region, r.wave, r.cutoverId, cs, r.outcome, r.rollbackRequested));
        }
        List<Wave> waves = new ArrayList<>();
        for (FleetWaveRecord w : fleets.waves(f.id)) {
            List<String> ids = rows.stream().filter(r -> r.wave == w.idx).map(r -> r.leaseId).toList();
            waves.add(new Wave(w.idx, w.name, w.kind, w.region, ids, w.bakeSeconds, w.state, w.startedAt, w.bakeUntil,
                    w.endedAt));
        }
        Map<Region, List<String>> controls = new EnumMap<>(Region.class);
        if (plan.controlChecks() && in instanceof FleetInput.LeaseEnded le && le.state() != CutoverState.GREEN
                && le.state() != CutoverState.ABORTED) {
            Set<String> mine = rows.stream().map(r -> r.leaseId).collect(Collectors.toSet());
            rows.stream().filter(r -> r.leaseId.equals(le.leaseId())).findFirst().ifPresent(r -> {
                List<String> untouched = leases.list("region = ?1 order by id", r.region).stream().map(l -> l.id)
                        .filter(id -> !mine.contains(id) && cutovers.findActive(id).isEmpty()).toList();
                // preferred: leases still on another version (a lease already on the candidate tells less apart)
                List<String> ordered = new ArrayList<>(untouched.stream()
                        .filter(id -> !runsCandidate(id, f.candidateVersion)).toList());
                untouched.stream().filter(id -> !ordered.contains(id)).forEach(ordered::add);
                controls.put(r.region, ordered);
            });
        }
        return new FleetSnapshot(f.id, f.state, f.resumeState, plan, waves, f.currentWave, fl, pausedRegions(f),
                controls, f.progressMark, f.rollbackScope);
    }

    /** A lease whose newest ended cutover went GREEN to the candidate runs it: a control of last resort only. */
    private boolean runsCandidate(String leaseId, String candidate) {
        return cutovers.find("leaseId = ?1 and endedAt is not null order by createdAt desc", leaseId)
                .firstResultOptional().filter(c -> c.state == CutoverState.GREEN && candidate.equals(c.candidateVersion))
                .isPresent();
    }

    static FleetPlan plan(Fleet f) {
        return Json.read(f.plan, FleetPlan.class);
    }

    static FleetRequest template(Fleet f) {
        return Json.read(f.template, FleetRequest.class);
    }

    static Set<Region> pausedRegions(Fleet f) {
        Set<Region> s = EnumSet.noneOf(Region.class);
        if (f.pausedRegions != null && !f.pausedRegions.isBlank()) {
            Arrays.stream(f.pausedRegions.split(",")).forEach(r -> s.add(Region.parse(r)));
        }
        return s;
    }

    // ------------------------------------------------------------------ effects

    private void applyEffect(Fleet f, FleetEffect effect, Map<String, FleetLeaseRecord> rows,
            Map<Integer, FleetWaveRecord> waves, Instant now) {
        String actor = FLEET_ACTOR_PREFIX + f.id;
        if (effect instanceof FleetEffect.SetState s) {
            if (f.state != s.state()) {
                Log.infof("fleet %s: %s -> %s", f.id, f.state, s.state());
                eventLog.append(StreamEvents.FLEET_STATE, null, f.id, null, null,
                        EventLogRepository.fields("from", f.state, "to", s.state()));
            }
            f.state = s.state();
            f.resumeState = s.resumeState();
            if (!s.state().isActive()) {
                f.endedAt = now;
                fleets.flush();
                fleets.release(f.id);
                rows.values().forEach(r -> fleets.getEntityManager().refresh(r));
            } else {
                f.endedAt = null;
            }
        } else if (effect instanceof FleetEffect.SetCurrentWave c) {
            f.currentWave = c.wave();
        } else if (effect instanceof FleetEffect.SetWave sw) {
            FleetWaveRecord w = waves.get(sw.wave());
            w.state = sw.state();
            if (sw.startedAt() != null) {
                w.startedAt = sw.startedAt();
            }
            if (sw.bakeUntil() != null) {
                w.bakeUntil = sw.bakeUntil();
            }
            if (sw.endedAt() != null) {
                w.endedAt = sw.endedAt();
            }
        } else if (effect instanceof FleetEffect.StartLease sl) {
            FleetLeaseRecord row = rows.get(sl.leaseId());
            if (row.cutoverId != null) {
                return; // never twice: the row already names its cutover
            }
            Optional<String> id = cutoverService.startForFleet(template(f).cutoverFor(sl.leaseId()), f.id, sl.wave(),
                    f.requestedBy);
            if (id.isPresent()) {
                row.cutoverId = id.get();
                fleets.flush();
                Log.infof("fleet %s wave %d: lease %s started as cutover %s", f.id, sl.wave(), sl.leaseId(), id.get());
            } else {
                Log.infof("fleet %s wave %d: lease %s has an active cutover of its own; tried again next tick", f.id,
                        sl.wave(), sl.leaseId());
            }
        } else if (effect instanceof FleetEffect.RollbackLease rb) {
            FleetLeaseRecord row = rows.get(rb.leaseId());
            row.rollbackRequested = true;
            if (row.cutoverId != null) {
                cutoverService.rollbackForFleet(row.cutoverId, actor, rb.reason()).ifPresent(refusal -> fleets.audit(f.id,
                        FleetSaga.ORCHESTRATOR, "LEASE_ROLLBACK_REFUSED", "lease " + rb.leaseId() + " cutover "
                                + row.cutoverId + ": " + refusal));
                fleets.audit(f.id, FleetSaga.ORCHESTRATOR, "LEASE_ROLLBACK", "lease " + rb.leaseId() + " cutover "
                        + row.cutoverId + ": " + rb.reason());
            }
        } else if (effect instanceof FleetEffect.AbortLease ab) {
            FleetLeaseRecord row = rows.get(ab.leaseId());
            row.rollbackRequested = true;
            if (row.cutoverId != null) {
                Optional<String> refused = cutoverService.abortForFleet(row.cutoverId, actor, ab.reason());
                fleets.audit(f.id, FleetSaga.ORCHESTRATOR, "LEASE_ABORT", "lease " + ab.leaseId() + " cutover "
                        + row.cutoverId + refused.map(r -> ": not aborted (" + r + "), it finishes on its own")
                        .orElse(": aborted"));
            }
        } else if (effect instanceof FleetEffect.RecordOutcome ro) {
            FleetLeaseRecord row = rows.get(ro.leaseId());
            row.outcome = ro.outcome();
            row.outcomeReason = ro.reason();
        } else if (effect instanceof FleetEffect.StartControlCheck cc) {
            startControlCheck(f, cc);
        } else if (effect instanceof FleetEffect.PauseRegion pr) {
            Set<Region> paused = pausedRegions(f);
            paused.add(pr.region());
            f.pausedRegions = paused.stream().map(Region::name).sorted().collect(Collectors.joining(","));
        } else if (effect instanceof FleetEffect.SetProgressMark pm) {
            f.progressMark = pm.at();
        } else if (effect instanceof FleetEffect.SetRollbackScope rs) {
            f.rollbackScope = rs.scope();
        } else if (effect instanceof FleetEffect.AddWaves aw) {
            for (Wave w : aw.waves()) {
                FleetWaveRecord r = waveRecord(f.id, w);
                fleets.getEntityManager().persist(r);
                waves.put(r.idx, r);
            }
            for (FleetLease l : aw.leases()) {
                FleetLeaseRecord existing = rows.get(l.leaseId());
                if (existing != null) {
                    fleets.getEntityManager().remove(existing); // an unstarted lease of a paused region joins anew
                    fleets.flush();
                }
                FleetLeaseRecord r = leaseRecord(f.id, l);
                fleets.getEntityManager().persist(r);
                rows.put(r.leaseId, r);
            }
            fleets.flush();
        } else if (effect instanceof FleetEffect.ScheduleNext n) {
            f.nextAction = n.action();
            f.nextAt = n.at();
        } else if (effect instanceof FleetEffect.PublishFleetEvent pe) {
            publish(f, pe, rows, waves, now);
        } else if (effect instanceof FleetEffect.Audit a) {
            fleets.audit(f.id, a.actor(), a.action(), a.detail());
        } else {
            throw new IllegalStateException("unhandled fleet effect " + effect);
        }
    }

    static FleetWaveRecord waveRecord(String fleetId, Wave w) {
        FleetWaveRecord r = new FleetWaveRecord();
        r.fleetId = fleetId;
        r.idx = w.index();
        r.name = w.name();
        r.kind = w.kind();
        r.region = w.region();
        r.bakeSeconds = w.bakeSeconds();
        r.state = w.state();
        return r;
    }

    static FleetLeaseRecord leaseRecord(String fleetId, FleetLease l) {
        FleetLeaseRecord r = new FleetLeaseRecord();
        r.fleetId = fleetId;
        r.leaseId = l.leaseId();
        r.region = l.region();
        r.wave = l.wave();
        r.active = true;
        return r;
    }

    /**
     * The quick probe round: one short read-only VALIDATE per control lease (every trigger OBSERVE, no restart drill,
     * no hashes: nothing on the lease changes), its cutoverId the control check's id.
     */
    private void startControlCheck(Fleet f, FleetEffect.StartControlCheck cc) {
        Instant now = Instant.now();
        Duration window = config.fleet().controlWindow();
        FleetControlCheck chk = new FleetControlCheck();
        chk.id = "ctl-" + UUID.randomUUID();
        chk.fleetId = f.id;
        chk.region = cc.region();
        chk.subjectLeaseId = cc.subjectLeaseId();
        chk.controlLeaseIds = String.join(",", cc.controlLeaseIds());
        chk.state = FleetControlCheck.PENDING;
        chk.createdAt = now;
        chk.deadline = now.plus(window).plus(config.fleet().controlGrace());
        fleets.getEntityManager().persist(chk);
        Map<TriggerKind, TriggerAction> observe = new EnumMap<>(TriggerKind.class);
        for (TriggerKind k : TriggerKind.values()) {
            observe.put(k, TriggerAction.OBSERVE);
        }
        for (String leaseId : cc.controlLeaseIds()) {
            Lease lease = leases.findById(leaseId);
            ProbePlan plan = ValidationPolicy.plan(ValidationPolicy.defaults(saga.validationDefaults()), lease.tlsEndpoint,
                    config.validation().tlsMinValidDays(), null, f.rollbackOwner).toBuilder()
                    .windowSeconds((int) Math.max(1, window.toSeconds())).restartDrillAtSecond(null).actions(observe)
                    .build();
            StepCommand.Validate cmd = new StepCommand.Validate(null, null, f.ticketId, Map.of(),
                    (int) Math.max(1, window.toSeconds()), plan.intervalMillis(), plan);
            RunStep step = new RunStep(UUID.randomUUID().toString(), chk.id, leaseId, now, CutoverMessage.SCHEMA_VERSION,
                    1, StepKind.VALIDATE, 1, chk.id + ":" + leaseId, Topics.STEP_RESULTS, lease.target(), cmd,
                    chk.deadline);
            outbox.enqueue(Topics.stepCommands(cc.region()), step);
        }
        Log.infof("fleet %s: control check %s on %s for lease %s", f.id, chk.id, cc.controlLeaseIds(),
                cc.subjectLeaseId());
    }

    static Map<String, String> results(FleetControlCheck chk) {
        return new LinkedHashMap<>(StoredJson.map(chk.results));
    }

    static List<String> controlIds(FleetControlCheck chk) {
        return List.of(chk.controlLeaseIds.split(","));
    }

    // ------------------------------------------------------------------ events

    private void publish(Fleet f, FleetEffect.PublishFleetEvent pe, Map<String, FleetLeaseRecord> rows,
            Map<Integer, FleetWaveRecord> waves, Instant now) {
        FleetRequest t = template(f);
        FleetWaveRecord wave = pe.wave() == null ? null : waves.get(pe.wave());
        Map<String, Integer> counts = counts(rows.values());
        String summary = null;
        if (pe.type() == FleetEventType.FLEET_STARTED) {
            summary = rows.size() + " leases in " + waves.size() + " waves " + waves.values().stream()
                    .sorted((a, b) -> Integer.compare(a.idx, b.idx)).map(w -> w.name).toList() + "; "
                    + plan(f).resolved().summary();
        } else if (pe.type() == FleetEventType.FLEET_ENDED) {
            summary = counts.getOrDefault("GREEN", 0) + " GREEN, " + counts.getOrDefault("ROLLED_BACK", 0)
                    + " rolled back, " + counts.getOrDefault("FAILED", 0) + " failed, " + counts.getOrDefault("PENDING", 0)
                    + " not started; fleet " + f.state + " after " + Duration.between(f.createdAt, now).toSeconds()
                    + " s; rollback owner " + f.rollbackOwner;
        }
        String subjectCutover = pe.leaseId() == null || rows.get(pe.leaseId()) == null ? null
                : rows.get(pe.leaseId()).cutoverId;
        FleetEvent e = new FleetEvent(UUID.randomUUID().toString(), f.id, now, CutoverMessage.SCHEMA_VERSION, pe.type(),
                f.ticketId, f.candidateVersion, f.rollbackOwner,
                t.blastRadius() == null ? List.of() : t.blastRadius().normalised().channels(), pe.wave(),
                wave == null ? null : wave.name, pe.region(), pe.leaseId(), subjectCutover, counts, summary, pe.reason(),
                f.state.name(), f.createdAt, f.endedAt);
        outbox.enqueue(Topics.FLEET_EVENTS, e);
        eventLog.append(pe.type().name(), null, f.id, pe.leaseId(), pe.region() == null ? null : pe.region().name(),
                EventLogRepository.fields("wave", pe.wave(), "waveName", e.waveName(), "subjectLeaseId", pe.leaseId(),
                        "subjectCutoverId", subjectCutover, "counts", counts, "reason", pe.reason(), "summary", summary,
                        "state", f.state.name()));
    }

    /** Lease counts by state: PENDING (not started), IN_FLIGHT (active cutover), else the cutover's end state. */
    Map<String, Integer> counts(java.util.Collection<FleetLeaseRecord> rows) {
        Map<String, Integer> counts = new TreeMap<>();
        for (FleetLeaseRecord r : rows) {
            counts.merge(stateKey(r), 1, Integer::sum);
        }
        return counts;
    }

    String stateKey(FleetLeaseRecord r) {
        if (r.cutoverId == null) {
            return r.outcome == null ? "PENDING" : r.outcome.name();
        }
        CutoverState s = cutovers.findByIdOptional(r.cutoverId).map(c -> c.state).orElse(null);
        return s == null || s.isActive() ? "IN_FLIGHT" : s.name();
    }

    /** Failures counted against the candidate (the budget). */
    static int failures(java.util.Collection<FleetLeaseRecord> rows, Integer wave) {
        return (int) rows.stream().filter(r -> r.outcome == LeaseOutcome.FAILED && (wave == null || r.wave == wave))
                .count();
    }
}
