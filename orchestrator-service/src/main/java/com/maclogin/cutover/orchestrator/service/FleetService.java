package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.Fleet;
import com.maclogin.cutover.orchestrator.FleetLeaseRecord;
import com.maclogin.cutover.orchestrator.FleetWaveRecord;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.orchestrator.LeaseStage;
import com.maclogin.cutover.orchestrator.Reasons;
import com.maclogin.cutover.orchestrator.api.ActionRequest;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.AuditView;
import com.maclogin.cutover.orchestrator.api.FieldError;
import com.maclogin.cutover.orchestrator.api.FleetRequest;
import com.maclogin.cutover.orchestrator.api.FleetView;
import com.maclogin.cutover.orchestrator.api.Operator;
import com.maclogin.cutover.orchestrator.fleet.FieldProblem;
import com.maclogin.cutover.orchestrator.fleet.FleetInput;
import com.maclogin.cutover.orchestrator.fleet.FleetLease;
import com.maclogin.cutover.orchestrator.fleet.FleetPlan;
import com.maclogin.cutover.orchestrator.fleet.FleetSelector;
import com.maclogin.cutover.orchestrator.fleet.FleetState;
import com.maclogin.cutover.orchestrator.fleet.FleetWaves;
import com.maclogin.cutover.orchestrator.fleet.LeaseCandidate;
import com.maclogin.cutover.orchestrator.fleet.Wave;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.FleetRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseRepository;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The fleet API: create (validation, 400/409, Idempotency-Key), read, operator actions, audit, extend. */
@ApplicationScoped
public class FleetService {

    /** A created (or idempotently replayed) fleet. */
    public record Created(FleetView fleet, boolean created) {
    }

    /** Operator actions on a fleet. */
    public enum Action { PAUSE, RESUME, PROMOTE, ABORT, ROLLBACK, EXTEND }

    private final FleetRepository fleets;
    private final CutoverRepository cutovers;
    private final LeaseRepository leases;
    private final FleetEngine engine;
    private final SagaEngine saga;

    public FleetService(FleetRepository fleets, CutoverRepository cutovers, LeaseRepository leases, FleetEngine engine,
            SagaEngine saga) {
        this.fleets = fleets;
        this.cutovers = cutovers;
        this.leases = leases;
        this.engine = engine;
        this.saga = saga;
    }

    /**
     * Validates everything (400 naming the field), then in ONE transaction: checks no selected lease is in an active
     * cutover or fleet (409 naming it), stores the fleet, its waves and leases, and starts it (the first leases'
     * cutovers are created in the same commit). A closed deployment window without an override is a 409 with its reason.
     */
    public Created create(FleetRequest r, String idempotencyKey, String operatorHeader, String caller) {
        if (r == null) {
            throw ApiException.invalid("body", "a JSON body is required");
        }
        if (!InputValidator.cutover(r.cutoverFor("fleet-template"), saga.validationDefaults(), saga.canaryLimits())
                .overrides().isEmpty()) {
            throw ApiException.invalid("overrides", Reasons.FLEET_OVERRIDES);
        }
        List<FieldError> errors = new ArrayList<>();
        if (r.selector() == null) {
            errors.add(new FieldError("selector", "selector is required: leaseIds, or regions/stage/labels"));
        } else {
            r.selector().validate().forEach(p -> errors.add(fieldError(p)));
        }
        FleetPlan plan = r.plan() != null ? r.plan()
                : new FleetPlan(null, null, null, null, null, null, null, null, null, null, null, null, null);
        plan.validate(Set.of()).forEach(p -> errors.add(fieldError(p)));
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        String key = InputValidator.idempotencyKey(idempotencyKey);
        String header = InputValidator.operatorHeader(operatorHeader);
        String actor = caller != null ? caller : header != null ? header
                : r.operators().stream().filter(Operator::isRollbackOwner).findFirst().map(Operator::name).orElse(Reasons.ANONYMOUS);
        FleetRequest stored = new FleetRequest(r.candidateVersion(), r.candidateSha256(), r.ticketId(), r.operators(),
                r.blastRadius(), r.validation(), r.thresholds(), r.triggerActions(), r.overrides(), r.canary(),
                r.selector(), plan);
        String hash = CutoverService.sha256(Json.write(stored));
        if (key != null) {
            Optional<Created> replay = replay(key, hash);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        try {
            String id = QuarkusTransaction.requiringNew().call(() -> insert(stored, key, hash, actor));
            return new Created(get(id).orElseThrow(), true);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!CutoverService.isUniqueViolation(e)) {
                throw e;
            }
            if (key != null) {
                Optional<Created> replay = replay(key, hash);
                if (replay.isPresent()) {
                    return replay.get();
                }
            }
            throw ApiException.conflict("a selected lease was just taken by another fleet or cutover; try again");
        }
    }

    private Optional<Created> replay(String key, String hash) {
        return QuarkusTransaction.requiringNew().call(() -> fleets.byIdempotencyKey(key).map(f -> {
            if (!hash.equals(f.requestHash)) {
                throw ApiException.conflict(Reasons.IDEMPOTENCY_MISMATCH);
            }
            return new Created(view(f, true), false);
        }));
    }

    private String insert(FleetRequest r, String key, String hash, String actor) {
        List<LeaseCandidate> all = leases.listOrdered().stream().map(FleetService::candidate).toList();
        FleetSelector sel = r.selector();
        List<FieldError> errors = new ArrayList<>();
        if (sel.leaseIds() != null) {
            Set<String> known = all.stream().map(LeaseCandidate::id).collect(Collectors.toSet());
            for (int i = 0; i < sel.leaseIds().size(); i++) {
                if (!known.contains(sel.leaseIds().get(i))) {
                    errors.add(new FieldError("selector.leaseIds[" + i + "]", "lease '" + sel.leaseIds().get(i)
                            + "' is not registered"));
                }
            }
        }
        List<LeaseCandidate> selected = all.stream().filter(sel::matches).toList();
        if (errors.isEmpty() && selected.isEmpty()) {
            errors.add(new FieldError("selector", "no registered lease matches the selector"));
        }
        Set<Region> productionRegions = selected.stream().filter(l -> !l.staging()).map(LeaseCandidate::region)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Region.class)));
        r.plan().validate(productionRegions).forEach(p -> errors.add(fieldError(p)));
        if (r.canary() != null) {
            for (LeaseCandidate l : selected) {
                String clash = InputValidator.canaryPortVersusGateway(r.canary().port(), leases.findById(l.id()).gatewayPort);
                if (clash != null) {
                    errors.add(new FieldError("canary.port", "lease " + l.id() + ": " + clash));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        for (LeaseCandidate l : selected) {
            Optional<Cutover> active = cutovers.findActive(l.id());
            if (active.isPresent()) {
                throw ApiException.conflict(Reasons.activeCutoverExists(l.id(), active.get().id));
            }
            Optional<String> fleet = fleets.activeFleetOf(l.id());
            if (fleet.isPresent()) {
                throw ApiException.conflict("lease " + l.id() + " is already in active fleet cutover " + fleet.get());
            }
        }
        Instant now = Instant.now();
        Fleet f = new Fleet();
        f.id = UUID.randomUUID().toString();
        f.state = FleetState.PENDING;
        f.candidateVersion = r.candidateVersion();
        f.ticketId = r.ticketId();
        f.rollbackOwner = r.operators().stream().filter(Operator::isRollbackOwner).findFirst().orElseThrow().name();
        f.requestedBy = actor;
        f.template = Json.write(r);
        f.selector = Json.write(sel);
        f.plan = Json.write(r.plan());
        f.idempotencyKey = key;
        f.requestHash = hash;
        f.createdAt = now;
        f.updatedAt = now;
        fleets.persist(f);
        fleets.flush();
        List<Wave> waves = FleetWaves.build(selected, r.plan().resolved(), 0);
        for (Wave w : waves) {
            fleets.getEntityManager().persist(FleetEngine.waveRecord(f.id, w));
            for (String id : w.leaseIds()) {
                Region region = selected.stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow().region();
                fleets.getEntityManager().persist(FleetEngine.leaseRecord(f.id,
                        new FleetLease(id, region, w.index(), null, null, null, false)));
            }
        }
        fleets.flush(); // the one-active-fleet-per-lease index speaks here
        fleets.audit(f.id, actor, "FLEET_REQUESTED", "candidate " + f.candidateVersion + ", ticket " + f.ticketId
                + ", rollback owner " + f.rollbackOwner + ", " + selected.size() + " leases"
                + (key == null ? "" : ", Idempotency-Key " + key));
        engine.apply(f, new FleetInput.Requested(actor, now)).ifPresent(refusal -> {
            throw ApiException.conflict("fleet cutover refused: " + refusal);
        });
        Log.infof("fleet %s requested by %s: %d leases in %d waves, candidate %s", f.id, actor, selected.size(),
                waves.size(), f.candidateVersion);
        return f.id;
    }

    /** An operator action on the locked fleet; the saga's refusal is a 409 naming the action and the reason. */
    public FleetView act(String id, Action action, ActionRequest request, String operatorHeader, String caller) {
        InputValidator.action(request);
        String actor = caller != null ? caller : request.requestedBy() != null && !request.requestedBy().isBlank()
                ? request.requestedBy() : Optional.ofNullable(InputValidator.operatorHeader(operatorHeader)).orElse(Reasons.ANONYMOUS);
        if (caller != null) {
            InputValidator.operatorHeader(operatorHeader);
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Fleet f = fleets.lock(id).orElseThrow(() -> ApiException.notFound("fleet cutover " + id + " not found"));
            Instant now = Instant.now();
            FleetInput in = switch (action) {
                case PAUSE -> new FleetInput.Pause(actor, request.reason(), now);
                case RESUME -> new FleetInput.Resume(actor, request.reason(), now);
                case PROMOTE -> new FleetInput.Promote(actor, request.reason(), now);
                case ABORT -> new FleetInput.Abort(actor, request.reason(), now);
                case ROLLBACK -> new FleetInput.Rollback(actor, request.reason(), now);
                case EXTEND -> new FleetInput.Extend(actor, behindCandidates(f), now);
            };
            engine.apply(f, in).ifPresent(refusal -> {
                throw ApiException.conflict("cannot " + action.name().toLowerCase() + " fleet cutover " + id + ": " + refusal);
            });
        });
        return get(id).orElseThrow();
    }

    @Transactional
    public Optional<FleetView> get(String id) {
        return fleets.findByIdOptional(id).map(f -> view(f, true));
    }

    @Transactional
    public List<FleetView> list(String state, Integer limit) {
        FleetState s = null;
        if (state != null && !state.isBlank()) {
            try {
                s = FleetState.valueOf(state.trim());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("state", "unknown state, expected one of " + List.of(FleetState.values()));
            }
        }
        return fleets.search(s, InputValidator.limit(limit)).stream().map(f -> view(f, false)).toList();
    }

    @Transactional
    public Optional<List<AuditView>> audit(String id) {
        return fleets.findByIdOptional(id).map(f -> fleets.auditOf(f.id).stream()
                .map(a -> new AuditView(a.at, a.actor, a.action, a.detail, null)).toList());
    }

    /**
     * Leases "behind" the fleet's target: matching its selector, in no active fleet and no active cutover, and whose
     * newest ended cutover is not a GREEN one to the target version.
     */
    private List<LeaseCandidate> behindCandidates(Fleet f) {
        FleetSelector sel = Json.read(f.selector, FleetSelector.class);
        List<LeaseCandidate> out = new ArrayList<>();
        for (Lease l : leases.listOrdered()) {
            LeaseCandidate c = candidate(l);
            if (sel.matches(c) && fleets.activeFleetOf(l.id).isEmpty() && cutovers.findActive(l.id).isEmpty()
                    && !f.candidateVersion.equals(lastGreenVersion(l.id))) {
                out.add(c);
            }
        }
        return out;
    }

    /** The version of the lease's newest cutover when that ended GREEN; null when unknown. */
    private String lastGreenVersion(String leaseId) {
        return cutovers.find("leaseId = ?1 and endedAt is not null order by createdAt desc", leaseId).firstResultOptional()
                .filter(c -> c.state == CutoverState.GREEN).map(c -> c.candidateVersion).orElse(null);
    }

    static LeaseCandidate candidate(Lease l) {
        return new LeaseCandidate(l.id, l.region, l.stage == LeaseStage.STAGING, StoredJson.labels(l.labels));
    }

    static FieldError fieldError(FieldProblem p) {
        return new FieldError(p.field(), p.message());
    }

    FleetView view(Fleet f, boolean detail) {
        List<FleetLeaseRecord> rows = fleets.leases(f.id);
        List<FleetWaveRecord> waves = fleets.waves(f.id);
        FleetPlan plan = FleetEngine.plan(f);
        FleetPlan.Resolved resolved = plan.resolved();
        Map<String, Integer> counts = engine.counts(rows);
        Map<Region, Map<String, Integer>> byRegion = new EnumMap<>(Region.class);
        Map<String, String> keys = new LinkedHashMap<>();
        for (FleetLeaseRecord r : rows) {
            String k = engine.stateKey(r);
            keys.put(r.leaseId, k);
            byRegion.computeIfAbsent(r.region, x -> new TreeMap<>()).merge(k, 1, Integer::sum);
        }
        FleetWaveRecord current = waves.stream().filter(w -> w.idx == f.currentWave).findFirst().orElse(null);
        FleetView.Budget budget = new FleetView.Budget(FleetEngine.failures(rows, f.currentWave), resolved.perWaveBudget(),
                FleetEngine.failures(rows, null), resolved.totalBudget());
        List<FleetView.WaveView> waveViews = null;
        List<FleetView.LeaseView> leaseViews = null;
        List<FleetView.Behind> behind = null;
        if (detail) {
            waveViews = waves.stream().map(w -> new FleetView.WaveView(w.idx, w.name, w.kind, w.region, w.state,
                    w.bakeSeconds, rows.stream().filter(r -> r.wave == w.idx).map(r -> r.leaseId).toList(), w.startedAt,
                    w.bakeUntil, w.endedAt)).toList();
            Function<String, CutoverState> state = id -> id == null ? null
                    : cutovers.findByIdOptional(id).map(c -> c.state).orElse(null);
            leaseViews = rows.stream().map(r -> new FleetView.LeaseView(r.leaseId, r.region, r.wave, r.cutoverId,
                    state.apply(r.cutoverId), r.outcome, r.outcomeReason, r.rollbackRequested)).toList();
            behind = f.state.isActive() ? List.of() : behindCandidates(f).stream()
                    .map(c -> new FleetView.Behind(c.id(), c.region(), lastGreenVersion(c.id()))).toList();
        }
        return new FleetView(f.id, f.state, f.candidateVersion, f.ticketId, f.rollbackOwner, f.requestedBy,
                Json.read(f.selector, FleetSelector.class), plan, resolved.summary(),
                f.currentWave < 0 ? null : f.currentWave, current == null ? null : current.name, counts, byRegion, budget,
                new FleetView.Next(f.nextAction, f.nextAt), List.copyOf(FleetEngine.pausedRegions(f)), waveViews,
                leaseViews, behind, f.createdAt, f.updatedAt, f.endedAt);
    }
}
