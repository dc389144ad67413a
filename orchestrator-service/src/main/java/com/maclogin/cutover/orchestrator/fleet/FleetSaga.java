package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.FleetEventType;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.CutoverState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fleet saga, pure: {@link #decide} maps (snapshot, input) to effects; the engine applies them in one transaction.
 * It sits above unchanged per-lease cutovers: it only starts, rolls back or aborts them and reads how they ended.
 *
 * <p>Rules, in the order they apply after every input:
 * <ul>
 * <li>Waves run one after another. In the running wave, leases start (id order) while fewer than {@code maxParallel}
 * of the wave are in flight AND fewer than {@code maxUnavailable} of the fleet are not GREEN-and-serving.</li>
 * <li>A wave ends when every started lease has an outcome (leases of a paused region are left unstarted); then its
 * bake runs; then the next wave starts by itself ({@code autoPromote}) or waits for a promote.</li>
 * <li>A wave starts only when the deployment window of every region of its leases is open, or the plan carries a
 * {@code windowOverride} (audited at each such start). At request time a closed window refuses the fleet (409);
 * later, the fleet waits in WAITING_WINDOW until it opens.</li>
 * <li>Failure budget: a failed lease counts once, when its cutover has ended (a cutover still in flight is not yet a
 * failure; when it ends it is counted, even after the fleet stopped). REACHING {@code perWave} in a wave or
 * {@code total} in the fleet stops it as {@code onFailure} says. Outcomes not counted: GREEN, ABORTED, leases the fleet
 * itself rolled back, and region faults.</li>
 * <li>Before a failed lease is counted, up to two untouched leases of its region get a quick probe round (when
 * {@code controlChecks}); if they fail too the region is paused (REGION_PAUSED), the lease is a region fault, nothing
 * is rolled back because of it, and the fleet pauses unless {@code continueOtherRegions}.</li>
 * <li>Progress deadline: with leases of the running wave in flight and none turning GREEN for
 * {@code progressDeadlineSeconds} (since the wave started, the last GREEN or a resume), the fleet stops as
 * {@code onFailure} says.</li>
 * </ul>
 */
public final class FleetSaga {

    public static final String ORCHESTRATOR = "orchestrator";

    private FleetSaga() {
    }

    public static List<FleetEffect> decide(FleetSnapshot s, FleetInput in) {
        Work w = new Work(s);
        Instant now = in.now();
        if (in instanceof FleetInput.Requested r) {
            requested(w, r);
        } else if (in instanceof FleetInput.LeaseEnded e) {
            leaseEnded(w, e);
        } else if (in instanceof FleetInput.ControlCheckResult c) {
            controlResult(w, c);
        } else if (in instanceof FleetInput.Pause p) {
            pause(w, p);
        } else if (in instanceof FleetInput.Resume r) {
            resume(w, r);
        } else if (in instanceof FleetInput.Promote p) {
            promote(w, p);
        } else if (in instanceof FleetInput.Abort a) {
            abort(w, a);
        } else if (in instanceof FleetInput.Rollback r) {
            rollback(w, r.actor(), "operator rollback: " + r.reason(), now);
        } else if (in instanceof FleetInput.Extend e) {
            extend(w, e);
        }
        if (!w.refused) {
            advance(w, now);
        }
        return w.effects;
    }

    /** The snapshot after the effects (what the engine's writes amount to); used by tests and simulations. */
    public static FleetSnapshot evolve(FleetSnapshot s, List<FleetEffect> effects) {
        Work w = new Work(s);
        effects.forEach(w::mutate);
        return w.snapshot();
    }

    // ---------------------------------------------------------------- inputs

    private static void requested(Work w, FleetInput.Requested r) {
        if (w.state != FleetState.PENDING) {
            return;
        }
        if (w.waves.isEmpty()) {
            w.refuse("no lease selected");
            return;
        }
        Optional<String> closed = closedReason(w, 0, r.now());
        if (closed.isPresent() && w.plan.windowOverride() == null) {
            w.refuse(closed.get() + "; a plan.windowOverride {approver, reason} lets it start anyway");
            return;
        }
        w.emit(new FleetEffect.SetState(FleetState.RUNNING, null));
        w.emit(new FleetEffect.Audit(r.actor(), "FLEET_STARTED", w.waves.size() + " waves "
                + w.waves.stream().map(x -> x.name() + "(" + x.leaseIds().size() + ")").toList() + "; " + w.plan.summary()));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_STARTED, null, null, null, null));
        startWave(w, 0, r.now(), r.actor());
    }

    private static void leaseEnded(Work w, FleetInput.LeaseEnded e) {
        FleetLease l = w.leases.get(e.leaseId());
        if (l == null || l.outcome() != null || !e.state().isTerminal()) {
            return; // recorded already: the budget counts it once
        }
        w.leases.put(l.leaseId(), l.withCutover(l.cutoverId(), e.state()));
        if (e.state() == CutoverState.GREEN) {
            w.emit(new FleetEffect.RecordOutcome(l.leaseId(), LeaseOutcome.GREEN, null));
            w.emit(new FleetEffect.SetProgressMark(e.now()));
            return;
        }
        if (e.state() == CutoverState.ABORTED) {
            w.emit(new FleetEffect.RecordOutcome(l.leaseId(), LeaseOutcome.ABORTED, e.reason()));
            return;
        }
        if (l.rollbackRequested()) {
            w.emit(new FleetEffect.RecordOutcome(l.leaseId(), LeaseOutcome.ROLLED_BACK_BY_FLEET, e.reason()));
            return;
        }
        String reason = e.state() + (e.reason() == null ? "" : ": " + e.reason());
        if (w.pausedRegions.contains(l.region())) {
            w.emit(new FleetEffect.RecordOutcome(l.leaseId(), LeaseOutcome.REGION_FAULT, "region " + l.region()
                    + " is paused (its path is broken); " + reason));
            return;
        }
        List<String> controls = w.controlCandidates.getOrDefault(l.region(), List.of()).stream().limit(2).toList();
        if (w.plan.controlChecks() && !controls.isEmpty()) {
            w.emit(new FleetEffect.RecordOutcome(l.leaseId(), LeaseOutcome.CONTROL_CHECK, reason));
            w.emit(new FleetEffect.StartControlCheck(l.region(), l.leaseId(), controls));
            w.emit(new FleetEffect.Audit(ORCHESTRATOR, "CONTROL_CHECK_STARTED", "lease " + l.leaseId() + " " + reason
                    + "; probing control leases " + controls + " of region " + l.region()
                    + " before counting it against the candidate"));
            return;
        }
        countFailure(w, l.leaseId(), reason, e.now());
    }

    private static void controlResult(Work w, FleetInput.ControlCheckResult c) {
        FleetLease l = w.leases.get(c.subjectLeaseId());
        if (l == null || l.outcome() != LeaseOutcome.CONTROL_CHECK) {
            return;
        }
        if (!c.controlsFailed()) {
            countFailure(w, l.leaseId(), "control leases of " + l.region() + " are healthy, so the candidate is blamed: "
                    + c.detail(), c.now());
            return;
        }
        String reason = "region " + l.region() + " paused: its untouched control leases failed too (" + c.detail()
                + "), so its path is broken, not the candidate; lease " + l.leaseId() + " is not counted and nothing is"
                + " rolled back because of it";
        w.emit(new FleetEffect.RecordOutcome(l.leaseId(), LeaseOutcome.REGION_FAULT, reason));
        if (!w.pausedRegions.contains(l.region())) {
            w.emit(new FleetEffect.PauseRegion(l.region(), reason));
            w.emit(new FleetEffect.Audit(ORCHESTRATOR, "REGION_PAUSED", reason));
            w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.REGION_PAUSED, w.currentWave, l.region(),
                    l.leaseId(), reason));
        }
        if (!w.plan.continueOtherRegions() && FleetState.MOVING.contains(w.state) && w.state != FleetState.PAUSED) {
            w.emit(new FleetEffect.SetState(FleetState.PAUSED, w.state));
            w.emit(new FleetEffect.Audit(ORCHESTRATOR, "FLEET_PAUSED", "plan.continueOtherRegions is false: the fleet"
                    + " waits for an operator (resume carries on in the other regions)"));
            w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_PAUSED, w.currentWave, l.region(), null,
                    "region " + l.region() + " paused; the plan does not continue elsewhere without an operator"));
        }
    }

    private static void pause(Work w, FleetInput.Pause p) {
        if (!FleetState.MOVING.contains(w.state) || w.state == FleetState.PAUSED) {
            w.refuse("cannot pause a fleet that is " + w.state);
            return;
        }
        w.emit(new FleetEffect.SetState(FleetState.PAUSED, w.state));
        w.emit(new FleetEffect.Audit(p.actor(), "FLEET_PAUSED", p.reason()));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_PAUSED, w.currentWave, null, null,
                "paused by " + p.actor() + ": " + p.reason()));
        w.emit(new FleetEffect.ScheduleNext(null, null));
    }

    private static void resume(Work w, FleetInput.Resume r) {
        if (w.state != FleetState.PAUSED && w.state != FleetState.HALTED) {
            w.refuse("cannot resume a fleet that is " + w.state);
            return;
        }
        FleetState back = w.state == FleetState.PAUSED && w.resumeState != null ? w.resumeState : FleetState.RUNNING;
        w.emit(new FleetEffect.SetState(back, null));
        if (back == FleetState.RUNNING && w.currentWave >= 0 && w.currentWave < w.waves.size()
                && w.waves.get(w.currentWave).state() == WaveState.STOPPED) {
            w.emit(new FleetEffect.SetWave(w.currentWave, WaveState.RUNNING, null, null, null));
        }
        w.emit(new FleetEffect.SetProgressMark(r.now()));
        w.emit(new FleetEffect.Audit(r.actor(), "FLEET_RESUMED", (w.pausedRegions.isEmpty() ? ""
                : "regions " + w.pausedRegions + " stay paused; ") + r.reason()));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_RESUMED, w.currentWave, null, null,
                "resumed by " + r.actor() + ": " + r.reason()));
    }

    private static void promote(Work w, FleetInput.Promote p) {
        if (w.state == FleetState.AWAITING_PROMOTE) {
            w.emit(new FleetEffect.Audit(p.actor(), "PROMOTED", "wave " + (w.currentWave + 1) + " promoted: " + p.reason()));
            w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_RESUMED, w.currentWave, null, null,
                    "promoted by " + p.actor() + ": " + p.reason()));
            startWave(w, w.currentWave + 1, p.now(), p.actor());
        } else if (w.state == FleetState.BAKING) {
            w.emit(new FleetEffect.Audit(p.actor(), "PROMOTED", "bake of wave " + w.currentWave + " cut short: "
                    + p.reason()));
            endWave(w, w.currentWave, p.now(), p.actor(), true);
        } else {
            w.refuse("nothing to promote: the fleet is " + w.state);
        }
    }

    private static void abort(Work w, FleetInput.Abort a) {
        if (!w.state.isActive() || w.state == FleetState.ROLLING_BACK) {
            w.refuse("cannot abort a fleet that is " + w.state);
            return;
        }
        for (FleetLease l : sorted(w.leases.values())) {
            if (l.inFlight()) {
                w.emit(new FleetEffect.AbortLease(l.leaseId(), "fleet aborted by " + a.actor() + ": " + a.reason()));
            }
        }
        stopWave(w, a.now());
        w.emit(new FleetEffect.SetState(FleetState.ABORTED, null));
        w.emit(new FleetEffect.ScheduleNext(null, null));
        w.emit(new FleetEffect.Audit(a.actor(), "FLEET_ABORTED", a.reason()));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_ENDED, w.currentWave, null, null,
                "aborted by " + a.actor() + ": " + a.reason()));
    }

    private static void rollback(Work w, String actor, String reason, Instant now) {
        if (w.state == FleetState.ROLLING_BACK || w.state == FleetState.ROLLED_BACK || w.state == FleetState.PENDING) {
            w.refuse("cannot roll back a fleet that is " + w.state);
            return;
        }
        stopWave(w, now);
        w.emit(new FleetEffect.SetRollbackScope(-1));
        w.emit(new FleetEffect.SetState(FleetState.ROLLING_BACK, null));
        w.emit(new FleetEffect.Audit(actor, "FLEET_ROLLBACK", "every lease this fleet changed: " + reason));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_HALTED, w.currentWave, null, null, reason));
    }

    private static void extend(Work w, FleetInput.Extend e) {
        if (w.state != FleetState.DONE) {
            w.refuse("only a DONE fleet can be extended; this one is " + w.state);
            return;
        }
        List<LeaseCandidate> fresh = e.leases().stream().filter(l -> !w.leases.containsKey(l.id())
                || !w.leases.get(l.id()).started()).toList();
        if (fresh.isEmpty()) {
            w.refuse("no lease is behind the fleet's target");
            return;
        }
        int first = w.waves.size();
        List<Wave> added = FleetWaves.build(fresh, w.plan, first);
        List<FleetLease> leases = new ArrayList<>();
        for (Wave wave : added) {
            for (String id : wave.leaseIds()) {
                Region r = fresh.stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow().region();
                leases.add(new FleetLease(id, r, wave.index(), null, null, null, false));
            }
        }
        w.emit(new FleetEffect.AddWaves(added, leases));
        w.emit(new FleetEffect.SetState(FleetState.RUNNING, null));
        w.emit(new FleetEffect.Audit(e.actor(), "FLEET_EXTENDED", leases.size() + " leases behind the target join in "
                + added.stream().map(x -> x.name() + "(" + x.leaseIds().size() + ")").toList()));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_RESUMED, null, null, null,
                "extended by " + e.actor() + " with " + leases.size() + " leases behind the target"));
        startWave(w, first, e.now(), e.actor());
    }

    // ---------------------------------------------------------------- the level-triggered part

    private static void advance(Work w, Instant now) {
        switch (w.state) {
            case RUNNING -> running(w, now);
            case BAKING -> {
                Wave wave = w.waves.get(w.currentWave);
                if (!now.isBefore(wave.bakeUntil())) {
                    endWave(w, w.currentWave, now, ORCHESTRATOR, false);
                }
            }
            case WAITING_WINDOW -> startWave(w, w.currentWave, now, ORCHESTRATOR);
            case ROLLING_BACK -> rollingBack(w);
            default -> {
            }
        }
    }

    private static void running(Work w, Instant now) {
        int i = w.currentWave;
        List<FleetLease> wave = w.waveLeases(i);
        boolean inFlight = wave.stream().anyMatch(FleetLease::inFlight);
        if (inFlight && w.progressMark != null
                && !now.isBefore(w.progressMark.plusSeconds(w.plan.progressDeadlineSeconds()))) {
            stop(w, "progress deadline of " + w.plan.progressDeadlineSeconds() + " s passed in wave " + i
                    + " with no lease turning GREEN", now);
            return;
        }
        int waveInFlight = (int) wave.stream().filter(FleetLease::inFlight).count();
        int unavailable = (int) w.leases.values().stream().filter(FleetLease::unavailable).count();
        for (FleetLease l : wave) {
            if (l.started() || w.pausedRegions.contains(l.region())) {
                continue;
            }
            if (waveInFlight >= w.plan.maxParallel() || unavailable >= w.plan.maxUnavailable()) {
                break;
            }
            w.emit(new FleetEffect.StartLease(l.leaseId(), i));
            waveInFlight++;
            unavailable++;
        }
        boolean done = w.waveLeases(i).stream().allMatch(l -> l.started()
                ? l.outcome() != null && l.outcome() != LeaseOutcome.CONTROL_CHECK
                : w.pausedRegions.contains(l.region()));
        if (done) {
            Wave x = w.waves.get(i);
            if (x.bakeSeconds() > 0) {
                Instant until = now.plusSeconds(x.bakeSeconds());
                w.emit(new FleetEffect.SetWave(i, WaveState.BAKING, null, until, null));
                w.emit(new FleetEffect.SetState(FleetState.BAKING, null));
                w.emit(new FleetEffect.ScheduleNext("end the bake of wave " + i + " (" + x.name() + ")", until));
                w.emit(new FleetEffect.Audit(ORCHESTRATOR, "BAKE_STARTED", "wave " + i + " (" + x.name() + "): every lease"
                        + " ended; bake " + x.bakeSeconds() + " s until " + until));
            } else {
                endWave(w, i, now, ORCHESTRATOR, false);
            }
        } else if (inFlight || waveInFlight > 0) {
            w.emit(new FleetEffect.ScheduleNext("progress deadline of wave " + i,
                    w.progressMark == null ? null : w.progressMark.plusSeconds(w.plan.progressDeadlineSeconds())));
        }
    }

    private static void rollingBack(Work w) {
        for (FleetLease l : sorted(w.leases.values())) {
            boolean inScope = w.rollbackScope != null && (w.rollbackScope == -1 || l.wave() == w.rollbackScope);
            if (inScope && l.started() && !l.rollbackRequested()
                    && (l.outcome() == null || l.outcome() == LeaseOutcome.GREEN)) {
                w.emit(new FleetEffect.RollbackLease(l.leaseId(), "fleet rollback"
                        + (w.rollbackScope == -1 ? " (every wave)" : " (wave " + w.rollbackScope + ")")));
            }
        }
        boolean busy = w.leases.values().stream().anyMatch(l -> l.started()
                && (l.outcome() == null || l.outcome() == LeaseOutcome.CONTROL_CHECK
                || l.cutoverState() != null && l.cutoverState().isActive()));
        if (!busy) {
            w.emit(new FleetEffect.SetState(FleetState.ROLLED_BACK, null));
            w.emit(new FleetEffect.ScheduleNext(null, null));
            w.emit(new FleetEffect.Audit(ORCHESTRATOR, "FLEET_ROLLED_BACK", "every rollback the fleet asked for ended"));
            w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_ENDED, w.currentWave, null, null,
                    "rolled back"));
        } else {
            w.emit(new FleetEffect.ScheduleNext("wait for the rollbacks to end", null));
        }
    }

    // ---------------------------------------------------------------- waves

    private static void startWave(Work w, int i, Instant now, String actor) {
        while (i < w.waves.size() && w.waveLeases(i).stream().allMatch(l -> w.pausedRegions.contains(l.region()))) {
            w.emit(new FleetEffect.SetWave(i, WaveState.DONE, now, null, now));
            w.emit(new FleetEffect.Audit(ORCHESTRATOR, "WAVE_SKIPPED", "wave " + i + " (" + w.waves.get(i).name()
                    + "): every lease is in a paused region " + w.pausedRegions));
            i++;
        }
        if (i >= w.waves.size()) {
            finish(w, now);
            return;
        }
        Optional<String> closed = closedReason(w, i, now);
        if (closed.isPresent() && w.plan.windowOverride() == null) {
            if (w.state != FleetState.WAITING_WINDOW) {
                w.emit(new FleetEffect.SetCurrentWave(i));
                w.emit(new FleetEffect.SetState(FleetState.WAITING_WINDOW, null));
                w.emit(new FleetEffect.Audit(ORCHESTRATOR, "WINDOW_CLOSED", "wave " + i + " waits: " + closed.get()));
            }
            w.emit(new FleetEffect.ScheduleNext("start wave " + i + " when the window opens", nextOpen(w, i, now)));
            return;
        }
        if (closed.isPresent()) {
            FleetPlan.WindowOverride o = w.plan.windowOverride();
            w.emit(new FleetEffect.Audit(o.approver(), "WINDOW_OVERRIDE", "wave " + i + " starts although " + closed.get()
                    + "; approved by " + o.approver() + ": " + o.reason()));
        }
        Wave wave = w.waves.get(i);
        w.emit(new FleetEffect.SetCurrentWave(i));
        w.emit(new FleetEffect.SetWave(i, WaveState.RUNNING, now, null, null));
        w.emit(new FleetEffect.SetState(FleetState.RUNNING, null));
        w.emit(new FleetEffect.SetProgressMark(now));
        w.emit(new FleetEffect.Audit(actor, "WAVE_STARTED", "wave " + i + " (" + wave.name() + "): "
                + wave.leaseIds()));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.WAVE_STARTED, i, wave.region(), null, null));
        running(w, now); // fill the new wave's slots now (an empty-handed wave ends at once)
    }

    private static void endWave(Work w, int i, Instant now, String actor, boolean promoted) {
        Wave wave = w.waves.get(i);
        w.emit(new FleetEffect.SetWave(i, WaveState.DONE, null, null, now));
        w.emit(new FleetEffect.Audit(actor, "WAVE_ENDED", "wave " + i + " (" + wave.name() + ") ended"));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.WAVE_ENDED, i, wave.region(), null, null));
        if (i + 1 >= w.waves.size()) {
            finish(w, now);
        } else if (w.plan.autoPromote() || promoted) {
            startWave(w, i + 1, now, actor);
        } else {
            w.emit(new FleetEffect.SetState(FleetState.AWAITING_PROMOTE, null));
            w.emit(new FleetEffect.ScheduleNext("operator promote of wave " + (i + 1), null));
            w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_PAUSED, i, null, null, "wave " + i
                    + " done; wave " + (i + 1) + " (" + w.waves.get(i + 1).name() + ") waits for an operator promote"));
        }
    }

    private static void finish(Work w, Instant now) {
        w.emit(new FleetEffect.SetState(FleetState.DONE, null));
        w.emit(new FleetEffect.ScheduleNext(null, null));
        w.emit(new FleetEffect.Audit(ORCHESTRATOR, "FLEET_DONE", "every wave ended"));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_ENDED, null, null, null, "every wave ended"));
    }

    /** A counted failure; reaching the budget stops the fleet (unless it stopped already). */
    private static void countFailure(Work w, String leaseId, String reason, Instant now) {
        FleetLease l = w.leases.get(leaseId);
        w.emit(new FleetEffect.RecordOutcome(leaseId, LeaseOutcome.FAILED, reason));
        int inWave = w.failures(l.wave());
        int total = w.failures();
        w.emit(new FleetEffect.Audit(ORCHESTRATOR, "LEASE_FAILED", "lease " + leaseId + " (wave " + l.wave() + ", "
                + l.region() + "): " + reason + "; failure budget used " + inWave + "/" + w.plan.perWaveBudget()
                + " in the wave, " + total + "/" + w.plan.totalBudget() + " in total"));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.LEASE_INCIDENT, l.wave(), l.region(), leaseId, reason));
        if (FleetState.MOVING.contains(w.state)
                && (inWave >= w.plan.perWaveBudget() || total >= w.plan.totalBudget())) {
            stop(w, "failure budget reached: " + inWave + "/" + w.plan.perWaveBudget() + " in wave " + l.wave() + ", "
                    + total + "/" + w.plan.totalBudget() + " in total (last: lease " + leaseId + ")", now);
        }
    }

    /** The budget is reached or the progress deadline passed: halt, roll back the wave or roll back everything. */
    private static void stop(Work w, String reason, Instant now) {
        OnFailure f = w.plan.onFailure();
        stopWave(w, now);
        if (f == OnFailure.HALT) {
            w.emit(new FleetEffect.SetState(FleetState.HALTED, null));
            w.emit(new FleetEffect.ScheduleNext(null, null));
        } else {
            w.emit(new FleetEffect.SetRollbackScope(f == OnFailure.ROLLBACK_ALL ? -1 : w.currentWave));
            w.emit(new FleetEffect.SetState(FleetState.ROLLING_BACK, null));
        }
        // after the state change, so the event carries the fleet's new state (HALTED or ROLLING_BACK)
        w.emit(new FleetEffect.Audit(ORCHESTRATOR, "FLEET_HALTED", reason + "; onFailure " + f.json));
        w.emit(new FleetEffect.PublishFleetEvent(FleetEventType.FLEET_HALTED, w.currentWave, null, null,
                reason + "; onFailure " + f.json));
    }

    private static void stopWave(Work w, Instant now) {
        if (w.currentWave >= 0 && w.currentWave < w.waves.size()) {
            WaveState s = w.waves.get(w.currentWave).state();
            if (s == WaveState.RUNNING || s == WaveState.BAKING) {
                w.emit(new FleetEffect.SetWave(w.currentWave, WaveState.STOPPED, null, null, now));
            }
        }
    }

    private static Optional<String> closedReason(Work w, int wave, Instant now) {
        for (Region r : w.regionsOf(wave)) {
            Optional<String> closed = w.plan.windows().get(r).closedReason(now);
            if (closed.isPresent()) {
                return closed;
            }
        }
        return Optional.empty();
    }

    /** The first moment every region of the wave is open (tried on each region's next opening). */
    private static Instant nextOpen(Work w, int wave, Instant now) {
        Instant t = now;
        for (int guard = 0; guard < 50; guard++) {
            Instant at = t;
            Optional<Instant> later = Optional.empty();
            for (Region r : w.regionsOf(wave)) {
                Optional<Instant> open = w.plan.windows().get(r).nextOpen(at);
                if (open.isEmpty()) {
                    return null;
                }
                if (open.get().isAfter(at) && (later.isEmpty() || open.get().isAfter(later.get()))) {
                    later = open;
                }
            }
            if (later.isEmpty()) {
                return at;
            }
            t = later.get();
        }
        return null;
    }

    private static List<FleetLease> sorted(java.util.Collection<FleetLease> leases) {
        List<FleetLease> l = new ArrayList<>(leases);
        l.sort(Comparator.comparing(FleetLease::leaseId));
        return l;
    }

    /** The fleet as it is being decided: a copy of the snapshot that every emitted effect updates. */
    private static final class Work {
        final String id;
        final FleetPlan.Resolved plan;
        final List<FleetEffect> effects = new ArrayList<>();
        FleetState state;
        FleetState resumeState;
        final List<Wave> waves;
        int currentWave;
        final Map<String, FleetLease> leases = new LinkedHashMap<>();
        final Set<Region> pausedRegions = EnumSet.noneOf(Region.class);
        final Map<Region, List<String>> controlCandidates;
        Instant progressMark;
        Integer rollbackScope;
        boolean refused;

        Work(FleetSnapshot s) {
            id = s.id();
            plan = s.plan();
            state = s.state();
            resumeState = s.resumeState();
            waves = new ArrayList<>(s.waves());
            currentWave = s.currentWave();
            s.leases().forEach(l -> leases.put(l.leaseId(), l));
            pausedRegions.addAll(s.pausedRegions());
            controlCandidates = new HashMap<>(s.controlCandidates());
            progressMark = s.progressMark();
            rollbackScope = s.rollbackScope();
        }

        void refuse(String reason) {
            effects.clear();
            effects.add(new FleetEffect.Refuse(reason));
            refused = true;
        }

        void emit(FleetEffect e) {
            effects.add(e);
            mutate(e);
        }

        void mutate(FleetEffect e) {
            if (e instanceof FleetEffect.SetState s) {
                state = s.state();
                resumeState = s.resumeState();
            } else if (e instanceof FleetEffect.SetCurrentWave c) {
                currentWave = c.wave();
            } else if (e instanceof FleetEffect.SetWave sw) {
                Wave x = waves.get(sw.wave());
                waves.set(sw.wave(), x.with(sw.state(), sw.startedAt() != null ? sw.startedAt() : x.startedAt(),
                        sw.bakeUntil() != null ? sw.bakeUntil() : x.bakeUntil(),
                        sw.endedAt() != null ? sw.endedAt() : x.endedAt()));
            } else if (e instanceof FleetEffect.StartLease sl) {
                FleetLease l = leases.get(sl.leaseId());
                leases.put(l.leaseId(), l.withCutover("(starting)", CutoverState.PENDING));
            } else if (e instanceof FleetEffect.RollbackLease rb) {
                leases.put(rb.leaseId(), leases.get(rb.leaseId()).withRollbackRequested());
            } else if (e instanceof FleetEffect.AbortLease ab) {
                leases.put(ab.leaseId(), leases.get(ab.leaseId()).withRollbackRequested());
            } else if (e instanceof FleetEffect.RecordOutcome ro) {
                leases.put(ro.leaseId(), leases.get(ro.leaseId()).withOutcome(ro.outcome()));
            } else if (e instanceof FleetEffect.StartControlCheck cc) {
                List<String> left = new ArrayList<>(controlCandidates.getOrDefault(cc.region(), List.of()));
                left.removeAll(cc.controlLeaseIds());
                controlCandidates.put(cc.region(), left);
            } else if (e instanceof FleetEffect.PauseRegion pr) {
                pausedRegions.add(pr.region());
            } else if (e instanceof FleetEffect.SetProgressMark pm) {
                progressMark = pm.at();
            } else if (e instanceof FleetEffect.SetRollbackScope rs) {
                rollbackScope = rs.scope();
            } else if (e instanceof FleetEffect.AddWaves aw) {
                waves.addAll(aw.waves());
                aw.leases().forEach(l -> leases.put(l.leaseId(), l));
            }
        }

        List<FleetLease> waveLeases(int i) {
            if (i < 0 || i >= waves.size()) {
                return List.of();
            }
            return waves.get(i).leaseIds().stream().map(leases::get).toList();
        }

        List<Region> regionsOf(int wave) {
            return waveLeases(wave).stream().map(FleetLease::region).filter(r -> !pausedRegions.contains(r)).distinct()
                    .sorted().toList();
        }

        int failures(int wave) {
            return (int) leases.values().stream().filter(l -> l.wave() == wave && l.outcome() == LeaseOutcome.FAILED).count();
        }

        int failures() {
            return (int) leases.values().stream().filter(l -> l.outcome() == LeaseOutcome.FAILED).count();
        }

        FleetSnapshot snapshot() {
            return new FleetSnapshot(id, state, resumeState, plan, waves, currentWave, new ArrayList<>(leases.values()),
                    pausedRegions, controlCandidates, progressMark, rollbackScope);
        }
    }
}
