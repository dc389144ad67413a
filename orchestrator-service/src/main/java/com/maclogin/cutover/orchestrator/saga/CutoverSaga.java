package com.maclogin.cutover.orchestrator.saga;

import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.Compensation.NONE;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.Compensation.ROLLBACK;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.Compensation.UNFREEZE;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.OnSuccess.ADVANCE;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.OnSuccess.CHECK_CANDIDATE;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.OnSuccess.EVALUATE_GATES;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.OnSuccess.FINISH;

import com.maclogin.cutover.contracts.CanaryPlan;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.Reasons;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cutover saga, in one place: the steps in order, each with the command it sends (a typed {@link StepCommand},
 * never shell text), its compensation when it fails or times out, and what its success leads to. {@link #onResult} is the whole
 * transition table; the services only carry its decisions out.
 *
 * <pre>
 * INVENTORY ─gates─> FREEZE ─> SNAPSHOT ─> INSTALL_CANDIDATE ─engines─> [PARALLEL_RUN] ─> FLIP_PLIST ─> RELOAD ─> VALIDATE ─> COMMUNICATE ─> UNFREEZE
 * failure:  FAILED   FAILED+UNFREEZE .................................................. │ ROLLING_BACK (RollbackRequested) .......│
 * </pre>
 * PARALLEL_RUN (the canary) runs only when the request asked for one; its compensation, UNFREEZE, is fixed before it
 * is sent and also stops a canary the worker left running (the worker always stops it itself at the end of the step).
 * While PAUSED the step in flight finishes (its failure still compensates) but the next one is not sent (HOLD);
 * resume sends it.
 */
public final class CutoverSaga {

    /** The local step that announces "cutover green" (CutoverEvent CUTOVER_GREEN through the outbox). */
    public static final String COMMUNICATE = "COMMUNICATE";

    /** What undoes a failed or timed-out step. */
    public enum Compensation {
        /** Nothing changed on the lease: the cutover FAILS. */
        NONE,
        /** Before the plist flip: the cutover FAILS and the freeze marker is lifted (RunStep UNFREEZE). */
        UNFREEZE,
        /** From the flip on: automatic rollback (RollbackRequested to rollback-service). */
        ROLLBACK
    }

    /** What a successful result leads to. */
    public enum OnSuccess { EVALUATE_GATES, CHECK_CANDIDATE, ADVANCE, FINISH }

    /** Values the command builders draw from: the request, the INVENTORY facts and configuration. */
    public record Context(String candidateVersion, String previousVersion, String ticketId, String tag,
            Map<String, String> expectedSha256, int validationSeconds, int probeIntervalMillis, ProbePlan probePlan,
            String candidateSha256, Integer canaryPort, Integer canarySeconds) {

        /** Context without a canary. */
        public Context(String candidateVersion, String previousVersion, String ticketId, String tag,
                Map<String, String> expectedSha256, int validationSeconds, int probeIntervalMillis, ProbePlan probePlan,
                String candidateSha256) {
            this(candidateVersion, previousVersion, ticketId, tag, expectedSha256, validationSeconds,
                    probeIntervalMillis, probePlan, candidateSha256, null, null);
        }

        public boolean canary() {
            return canaryPort != null;
        }

        /** PARALLEL_RUN's command: the candidate and its {@link CanaryPlan} (port and window). */
        public StepCommand.ParallelRun canaryCommand() {
            return new StepCommand.ParallelRun(candidateVersion, new CanaryPlan(canaryPort, canarySeconds), null);
        }
    }

    /** One step: its name, the worker command kind ({@code null} for a local step) and its handling. */
    public record Step(String name, StepKind kind, Compensation compensation, OnSuccess onSuccess,
            Function<Context, StepCommand> command) {

        public boolean local() {
            return kind == null;
        }
    }

    public static final List<Step> STEPS = List.of(
            remote(StepKind.INVENTORY, NONE, EVALUATE_GATES, c -> new StepCommand.Inventory()),
            remote(StepKind.FREEZE, UNFREEZE, ADVANCE, c -> new StepCommand.Freeze(c.ticketId(), c.tag())),
            remote(StepKind.SNAPSHOT, UNFREEZE, ADVANCE, c -> new StepCommand.Snapshot()),
            // with a tarball hash the worker verifies `npm pack` output before installing anything
            remote(StepKind.INSTALL_CANDIDATE, UNFREEZE, CHECK_CANDIDATE,
                    c -> new StepCommand.InstallCandidate(c.candidateVersion(), c.candidateSha256())),
            // optional canary: only sent when the request asked for one (see next(step, canary))
            remote(StepKind.PARALLEL_RUN, UNFREEZE, ADVANCE, Context::canaryCommand),
            remote(StepKind.FLIP_PLIST, ROLLBACK, ADVANCE, c -> new StepCommand.FlipPlist(c.candidateVersion())),
            remote(StepKind.RELOAD, ROLLBACK, ADVANCE, c -> new StepCommand.Reload(c.candidateVersion())),
            // VALIDATE carries the gate hashes: a breach the worker raises must hold everything the restore needs
            remote(StepKind.VALIDATE, ROLLBACK, ADVANCE,
                    c -> new StepCommand.Validate(c.candidateVersion(), c.previousVersion(), c.ticketId(),
                            c.expectedSha256(), c.validationSeconds(), c.probeIntervalMillis(), c.probePlan())),
            new Step(COMMUNICATE, null, NONE, ADVANCE, c -> null),
            remote(StepKind.UNFREEZE, NONE, FINISH, c -> new StepCommand.Unfreeze()));

    private static final DateTimeFormatter TAG_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private CutoverSaga() {
    }

    private static Step remote(StepKind kind, Compensation compensation, OnSuccess onSuccess,
            Function<Context, StepCommand> command) {
        return new Step(kind.name(), kind, compensation, onSuccess, command);
    }

    public static Step step(String name) {
        for (Step s : STEPS) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown saga step " + name);
    }

    public static Step first() {
        return STEPS.get(0);
    }

    /** The step after {@code step} in a cutover without a canary. */
    public static Step next(Step step) {
        return next(step, false);
    }

    /** The step after {@code step}; PARALLEL_RUN is skipped unless the cutover asked for a canary. */
    public static Step next(Step step, boolean canary) {
        int i = STEPS.indexOf(step) + 1;
        while (i < STEPS.size() && !canary && STEPS.get(i).kind() == StepKind.PARALLEL_RUN) {
            i++;
        }
        return i < STEPS.size() ? STEPS.get(i) : null;
    }

    static int index(String name) {
        return STEPS.indexOf(step(name));
    }

    /** The release tag written by FREEZE: {@code oc-cutover-YYYYMMDD} of the cutover's creation (UTC). */
    public static String tag(Instant createdAt) {
        return "oc-cutover-" + TAG_DATE.format(createdAt);
    }

    /** The cutover state while a step's command is in flight. */
    public static CutoverState stateWhileRunning(Step step) {
        if (step.kind() == StepKind.INVENTORY) {
            return CutoverState.PENDING;
        }
        return step.kind() == StepKind.VALIDATE ? CutoverState.VALIDATING : CutoverState.RUNNING;
    }

    /**
     * The whole transition table: what the saga does when {@code in} reaches a cutover that is in {@code s}. Pure: the
     * engine applies the effects in order (see {@link SagaEffect}); nothing else changes a cutover.
     */
    public static List<SagaEffect> decide(SagaSnapshot s, SagaInput in) {
        Effects e = new Effects(s);
        if (in instanceof SagaInput.Requested) {
            e.state(CutoverState.PENDING).add(new SagaEffect.SetEpoch(1));
        } else if (in instanceof SagaInput.Begin b) {
            e.send(first().name(), b.actor());
        } else if (in instanceof SagaInput.Dispatched d) {
            if (s.state() == CutoverState.PENDING && dispatchMovesTheSaga(d.step())) {
                e.state(CutoverState.GATING);
            }
        } else if (in instanceof SagaInput.StepFinished f) {
            stepFinished(e, f);
        } else if (in instanceof SagaInput.Breach b) {
            breach(e, b);
        } else if (in instanceof SagaInput.Pause p) {
            String refusal = pauseRefusal(s.state());
            if (refusal != null) {
                return e.refuse(refusal);
            }
            e.state(CutoverState.PAUSED).add(new SagaEffect.SetResumeStep(s.inFlight() ? null : s.currentStep()));
            e.audit(p.actor(), Reasons.PAUSE_REQUESTED, p.reason() + (s.inFlight()
                    ? " (" + s.currentStep() + " in flight finishes first)" : ""));
        } else if (in instanceof SagaInput.Resume r) {
            String refusal = resumeRefusal(s.state());
            if (refusal != null) {
                return e.refuse(refusal);
            }
            String step = s.inFlight() ? s.currentStep() : s.resumeStep();
            e.audit(r.actor(), Reasons.RESUME_REQUESTED, r.reason() + " (epoch " + s.epoch() + ", "
                    + (s.inFlight() ? step + " still in flight" : "sending " + step) + ")");
            e.add(new SagaEffect.SetResumeStep(null)).state(stateWhileRunning(step(step)));
            if (!s.inFlight()) {
                e.advanceTo(step(step), r.actor());
            }
        } else if (in instanceof SagaInput.Abort a) {
            String refusal = abortRefusal(s.state(), s.currentStep());
            if (refusal != null) {
                return e.refuse(refusal);
            }
            e.abort(a.actor(), a.reason(), s.epoch() + 1);
        } else if (in instanceof SagaInput.Rollback r) {
            String refusal = s.state() == CutoverState.GREEN ? afterGreenRefusal(s.afterGreen(), r.at())
                    : rollbackRefusal(s.state());
            if (refusal != null) {
                return e.refuse(refusal);
            }
            if (s.state() == CutoverState.GREEN) {
                e.add(new SagaEffect.Reopen());
                e.audit(r.actor(), Reasons.STATE, "ROLLING_BACK after GREEN (ended " + s.afterGreen().endedAt()
                        + "): the rollback kit restores the previous package, plist and state");
            }
            e.rollback(r.actor(), r.reason(), s.epoch() + 1);
        } else if (in instanceof SagaInput.LiftFreeze l) {
            if (s.state().isActive()) {
                return e.refuse(Reasons.freezeLiftWhileActive(s.state()));
            }
            e.audit(l.actor(), Reasons.FREEZE_LIFT_REQUESTED, l.reason() + " (cutover " + s.state() + ", epoch "
                    + s.epoch() + ")");
            e.send(StepKind.UNFREEZE.name(), l.actor());
        } else if (in instanceof SagaInput.RollbackOutcome o) {
            rollbackOutcome(e, o);
        }
        return e.effects;
    }

    /** Whether the dispatch of this step's command is an input of the saga (INVENTORY's: PENDING -> GATING). */
    public static boolean dispatchMovesTheSaga(String step) {
        return StepKind.INVENTORY.name().equals(step);
    }

    private static void stepFinished(Effects e, SagaInput.StepFinished f) {
        SagaSnapshot s = e.snapshot;
        String result = f.step() + " result " + f.messageId() + ": ";
        if (f.epoch() < s.epoch()) {
            e.audit(f.actor(), Reasons.RESULT_REFUSED, result + Reasons.staleEpoch(f.epoch(), s.epoch()));
            return;
        }
        if (f.epoch() > s.epoch()) { // no command of this cutover carried it: forged
            e.audit(f.actor(), Reasons.RESULT_REFUSED, result + Reasons.futureEpoch(f.epoch(), s.epoch()));
            return;
        }
        if (f.idempotencyKey() == null || !f.idempotencyKey().equals(s.inFlightKey())) {
            e.audit(f.actor(), Reasons.RESULT_IGNORED, result + Reasons.notInFlight(f.idempotencyKey(), s.inFlightKey()));
            return;
        }
        if (!f.open()) {
            e.audit(f.actor(), Reasons.RESULT_IGNORED, result + "no open step or no outcome");
            return;
        }
        e.add(new SagaEffect.RecordResult());
        Step step = step(f.step());
        String failure = Reasons.stepFailed(f.step(), f.outcome(), f.reason());
        if (step.kind() == StepKind.UNFREEZE) {
            if (f.outcome() != StepOutcome.SUCCEEDED) {
                e.audit(Reasons.ORCHESTRATOR, Reasons.STEP_RESULT, Reasons.UNFREEZE_FAILED_AFTER_END + ": " + failure);
            }
            return;
        }
        if (s.state() == CutoverState.ROLLING_BACK || s.state().isTerminal()) {
            e.audit(Reasons.ORCHESTRATOR, Reasons.RESULT_IGNORED, f.step() + " result while " + s.state());
            return;
        }
        if (f.outcome() != StepOutcome.SUCCEEDED) {
            switch (step.compensation()) {
                case NONE -> e.fail(failure);
                case UNFREEZE -> e.fail(failure).send(StepKind.UNFREEZE.name(), Reasons.ORCHESTRATOR);
                case ROLLBACK -> e.rollback(Reasons.ORCHESTRATOR, failure, s.epoch() + 1);
            }
            return;
        }
        Step next = next(step, s.canary());
        if (step.onSuccess() == EVALUATE_GATES) {
            e.add(new SagaEffect.RecordGates(f.gates()));
            String refused = refusals(f.gates());
            if (!refused.isEmpty()) {
                e.fail(Reasons.gatesRefused(refused));
                return;
            }
            e.add(new SagaEffect.RecordData(f.data(), true)).state(CutoverState.RUNNING);
            e.audit(Reasons.ORCHESTRATOR, Reasons.STATE, "gates passed: RUNNING");
            e.add(new SagaEffect.PublishEvent(CutoverEventType.CUTOVER_STARTED, null));
            e.send(next.name(), Reasons.ORCHESTRATOR);
            return;
        }
        if (f.data() != null) {
            e.add(new SagaEffect.RecordData(f.data(), false));
        }
        if (step.onSuccess() == CHECK_CANDIDATE) {
            e.add(new SagaEffect.RecordGates(f.gates()));
            String refused = f.gates().stream().filter(v -> !v.passed()).map(GateVerdict::reason)
                    .collect(Collectors.joining("; "));
            if (!refused.isEmpty()) {
                e.fail(Reasons.candidateEnginesRefused(refused)).send(StepKind.UNFREEZE.name(), Reasons.ORCHESTRATOR);
                return;
            }
        }
        if (s.state() == CutoverState.PAUSED) {
            e.add(new SagaEffect.SetResumeStep(next.name()));
            e.audit(Reasons.ORCHESTRATOR, Reasons.HELD, "PAUSED: " + next.name() + " waits for resume");
            return;
        }
        e.advanceTo(next, Reasons.ORCHESTRATOR);
    }

    /**
     * A breached trigger. ROLLBACK: ROLLING_BACK at {@code breach.epoch + 1} (rollback-service acts on the breach
     * itself, nothing is published); before the plist flip ABORTED instead (nothing to restore). PAUSE: PAUSED at
     * {@code breach.epoch + 1}, CUTOVER_PAUSED; resume re-sends the interrupted step. OBSERVE: audit only. A breach
     * of an older epoch, one of a newer epoch than the cutover's (no command carried it: forged), or one that reaches a cutover that is not RUNNING, VALIDATING or PAUSED, is only audited.
     */
    private static void breach(Effects e, SagaInput.Breach b) {
        SagaSnapshot s = e.snapshot;
        String ref = "breach:" + b.messageId();
        boolean actionable = s.state() == CutoverState.RUNNING || s.state() == CutoverState.VALIDATING
                || s.state() == CutoverState.PAUSED;
        if (b.epoch() < s.epoch() || b.epoch() > s.epoch() || !actionable) {
            e.add(new SagaEffect.Audit(b.actor(), Reasons.BREACH, b.detail() + "; not applied: " + (b.epoch() < s.epoch()
                    ? Reasons.staleEpoch(b.epoch(), s.epoch()) : b.epoch() > s.epoch()
                    ? Reasons.futureEpoch(b.epoch(), s.epoch()) : "cutover is " + s.state()), ref));
            return;
        }
        e.add(new SagaEffect.Audit(b.actor(), Reasons.BREACH, b.detail(), ref));
        String reason = Reasons.breach(b.trigger(), b.action(), b.observed());
        TriggerAction action = b.action() == null ? TriggerAction.ROLLBACK : b.action();
        long fenced = s.epoch() + 1;
        switch (action) {
            case OBSERVE -> {
            }
            case PAUSE -> {
                String interrupted = s.inFlight() ? s.currentStep()
                        : s.resumeStep() != null ? s.resumeStep() : s.currentStep();
                e.add(new SagaEffect.SupersedeInFlight()).add(new SagaEffect.SetEpoch(fenced)).state(CutoverState.PAUSED)
                        .add(new SagaEffect.SetResumeStep(interrupted)).add(new SagaEffect.SetReason(reason));
                e.add(new SagaEffect.Audit(b.actor(), Reasons.STATE, "PAUSED (epoch " + fenced + "): " + interrupted
                        + " is re-sent on resume", ref));
                e.add(new SagaEffect.PublishEvent(CutoverEventType.CUTOVER_PAUSED, reason));
            }
            case ROLLBACK -> {
                if (!flipReached(s.currentStep())) {
                    e.abort(b.actor(), reason, fenced);
                    return;
                }
                e.add(new SagaEffect.SupersedeInFlight()).add(new SagaEffect.SetEpoch(fenced))
                        .state(CutoverState.ROLLING_BACK).add(new SagaEffect.SetResumeStep(null))
                        .add(new SagaEffect.SetReason(reason));
                e.add(new SagaEffect.Audit(b.actor(), Reasons.STATE, "ROLLING_BACK (epoch " + fenced
                        + "): rollback-service restores the lease on the breach itself", ref));
            }
        }
    }

    /**
     * rollback-service's outcome ends a ROLLING_BACK cutover. An outcome of a newer epoch also ends a RUNNING,
     * VALIDATING or PAUSED one: rollback-service acts on a worker's breach (epoch breach + 1) by itself, and breaches and
     * outcomes travel on different topics, so the outcome can arrive before the breach (e.g. after a restart that finds
     * both waiting); the breach, when it comes, finds a terminal cutover and is only audited.
     */
    private static void rollbackOutcome(Effects e, SagaInput.RollbackOutcome o) {
        SagaSnapshot s = e.snapshot;
        String type = o.rolledBack() ? "ROLLED_BACK" : "ROLLBACK_FAILED";
        if (o.epoch() < s.epoch()) {
            e.audit(Reasons.ROLLBACK_SERVICE, Reasons.EVENT_REFUSED, type + " " + o.messageId() + ": "
                    + Reasons.staleEpoch(o.epoch(), s.epoch()));
            return;
        }
        boolean overtakes = s.state() != CutoverState.ROLLING_BACK;
        if (overtakes && !(o.epoch() > s.epoch() && OVERTAKABLE.contains(s.state()))) {
            e.audit(Reasons.ROLLBACK_SERVICE, Reasons.EVENT_REFUSED, type + " " + o.messageId() + ": cutover is "
                    + s.state() + ", not ROLLING_BACK");
            return;
        }
        if (overtakes) {
            e.audit(Reasons.ROLLBACK_SERVICE, Reasons.STATE, "ROLLING_BACK (epoch " + o.epoch() + ", from "
                    + s.state() + " at epoch " + s.epoch() + "): rollback-service's outcome arrived before the breach");
            e.add(new SagaEffect.SupersedeInFlight()).add(new SagaEffect.SetEpoch(o.epoch()))
                    .add(new SagaEffect.SetResumeStep(null));
        }
        CutoverState end = o.rolledBack() ? CutoverState.ROLLED_BACK : CutoverState.ROLLBACK_FAILED;
        e.state(end).add(new SagaEffect.End(o.endedAt()));
        if (o.reason() != null && !o.reason().isBlank()) {
            e.add(new SagaEffect.SetReason(o.reason()));
        }
        e.audit(Reasons.ROLLBACK_SERVICE, Reasons.ROLLBACK_OUTCOME, end + (o.reason() == null ? "" : ": " + o.reason()));
    }

    /** States a rollback outcome of a newer epoch may end although the saga has not seen the rollback start. */
    static final Set<CutoverState> OVERTAKABLE = EnumSet.of(CutoverState.RUNNING, CutoverState.VALIDATING,
            CutoverState.PAUSED);

    private static String refusals(List<GateVerdict> gates) {
        return gates.stream().filter(v -> !v.passed()).map(v -> v.gate() + ": " + v.reason())
                .collect(Collectors.joining("; "));
    }

    /** The effects of one decision, tracking the state they lead to (a send's state depends on it). */
    private static final class Effects {
        final SagaSnapshot snapshot;
        final List<SagaEffect> effects = new ArrayList<>();
        CutoverState state;
        long epoch;

        Effects(SagaSnapshot snapshot) {
            this.snapshot = snapshot;
            this.state = snapshot.state();
            this.epoch = snapshot.epoch();
        }

        Effects add(SagaEffect effect) {
            effects.add(effect);
            if (effect instanceof SagaEffect.SetEpoch se) {
                epoch = se.epoch();
            }
            return this;
        }

        Effects state(CutoverState next) {
            state = next;
            return add(new SagaEffect.SetState(next));
        }

        Effects audit(String actor, String action, String detail) {
            return add(new SagaEffect.Audit(actor, action, detail));
        }

        List<SagaEffect> refuse(String reason) {
            effects.clear();
            effects.add(new SagaEffect.Refuse(reason));
            return effects;
        }

        /** Sends a step; while active (and not rolling back) the state follows the step (GATING stays GATING). */
        Effects send(String stepName, String actor) {
            if (state != null && state.isActive() && state != CutoverState.ROLLING_BACK) {
                CutoverState running = stateWhileRunning(step(stepName));
                if (running != state && !(running == CutoverState.PENDING && state == CutoverState.GATING)) {
                    state(running);
                }
            }
            return add(new SagaEffect.SendStep(stepName, actor));
        }

        /** Sends {@code next}, or for the local COMMUNICATE: GREEN, CUTOVER_GREEN, then UNFREEZE as clean-up. */
        Effects advanceTo(Step next, String actor) {
            if (!next.local()) {
                return send(next.name(), actor);
            }
            add(new SagaEffect.RunLocalStep(next.name())).state(CutoverState.GREEN).add(new SagaEffect.End(null));
            audit(Reasons.ORCHESTRATOR, Reasons.STEP_LOCAL, next.name() + ": cutover green");
            add(new SagaEffect.PublishEvent(CutoverEventType.CUTOVER_GREEN, null));
            return send(CutoverSaga.next(next).name(), Reasons.ORCHESTRATOR);
        }

        /** FAILED (nothing to restore), CUTOVER_FAILED. */
        Effects fail(String reason) {
            state(CutoverState.FAILED).add(new SagaEffect.SetReason(reason)).add(new SagaEffect.End(null));
            audit(Reasons.ORCHESTRATOR, Reasons.STATE, "FAILED: " + reason);
            return add(new SagaEffect.PublishEvent(CutoverEventType.CUTOVER_FAILED, reason));
        }

        /** ROLLING_BACK at {@code fenced}: commands in flight are fenced, rollback-service is asked to restore. */
        Effects rollback(String requestedBy, String reason, long fenced) {
            add(new SagaEffect.SupersedeInFlight()).add(new SagaEffect.SetEpoch(fenced))
                    .add(new SagaEffect.SetResumeStep(null)).state(CutoverState.ROLLING_BACK)
                    .add(new SagaEffect.SetReason(reason));
            add(new SagaEffect.RequestRollback(requestedBy, reason));
            return audit(requestedBy, Reasons.ROLLBACK_REQUESTED, reason + " (epoch " + fenced + ")");
        }

        /** ABORTED before the flip at {@code fenced}: CUTOVER_ABORTED, and the freeze marker is lifted. */
        Effects abort(String requestedBy, String reason, long fenced) {
            add(new SagaEffect.SupersedeInFlight()).add(new SagaEffect.SetEpoch(fenced))
                    .add(new SagaEffect.SetResumeStep(null)).state(CutoverState.ABORTED)
                    .add(new SagaEffect.SetReason(reason)).add(new SagaEffect.End(null));
            audit(requestedBy, Reasons.ABORT_REQUESTED, reason + " (epoch " + fenced + ")");
            add(new SagaEffect.PublishEvent(CutoverEventType.CUTOVER_ABORTED, reason));
            return send(StepKind.UNFREEZE.name(), requestedBy);
        }
    }

    /** Null when an operator may abort now, else why not. Abort is possible before the plist flip only. */
    public static String abortRefusal(CutoverState state, String currentStep) {
        if (!state.isActive()) {
            return Reasons.notActive(state);
        }
        if (state == CutoverState.ROLLING_BACK) {
            return Reasons.alreadyRollingBack();
        }
        if (currentStep != null && index(currentStep) >= index(StepKind.FLIP_PLIST.name())) {
            return Reasons.USE_ROLLBACK;
        }
        return null;
    }

    /** Null when an operator may request a rollback now (active, after the inventory gate), else why not. */
    public static String rollbackRefusal(CutoverState state) {
        return switch (state) {
            case RUNNING, VALIDATING, PAUSED -> null;
            case PENDING, GATING -> Reasons.USE_ABORT;
            case ROLLING_BACK -> Reasons.alreadyRollingBack();
            default -> Reasons.notActive(state);
        };
    }

    /**
     * Null when a GREEN cutover may still be rolled back at {@code at}: it is the lease's latest cutover and its kit's
     * retention has not passed; else why not.
     */
    public static String afterGreenRefusal(SagaSnapshot.AfterGreen g, Instant at) {
        if (g == null || g.endedAt() == null) {
            return Reasons.notActive(CutoverState.GREEN);
        }
        if (g.laterCutoverId() != null) {
            return Reasons.laterCutoverOnLease(g.laterCutoverId());
        }
        if (g.retention() != null && at.isAfter(g.endedAt().plus(g.retention()))) {
            return Reasons.greenRollbackRetentionPassed(g.endedAt(), g.retention());
        }
        return null;
    }

    /** Null when an operator may pause now (RUNNING or VALIDATING), else why not. */
    public static String pauseRefusal(CutoverState state) {
        return switch (state) {
            case RUNNING, VALIDATING -> null;
            case PENDING, GATING -> Reasons.USE_ABORT;
            case PAUSED -> Reasons.ALREADY_PAUSED;
            case ROLLING_BACK -> Reasons.alreadyRollingBack();
            default -> Reasons.notActive(state);
        };
    }

    /** Null when an operator may resume now (PAUSED only), else why not. */
    public static String resumeRefusal(CutoverState state) {
        return state == CutoverState.PAUSED ? null : Reasons.notPaused(state);
    }

    /** Whether the plist flip has been sent (from then on a failure rolls back instead of failing/aborting). */
    public static boolean flipReached(String currentStep) {
        return currentStep != null && index(currentStep) >= index(StepKind.FLIP_PLIST.name());
    }
}
