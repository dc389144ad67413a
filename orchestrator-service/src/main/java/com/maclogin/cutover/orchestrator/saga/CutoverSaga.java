package com.maclogin.cutover.orchestrator.saga;

import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.Compensation.NONE;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.Compensation.ROLLBACK;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.Compensation.UNFREEZE;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.OnSuccess.ADVANCE;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.OnSuccess.CHECK_CANDIDATE;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.OnSuccess.EVALUATE_GATES;
import static com.maclogin.cutover.orchestrator.saga.CutoverSaga.OnSuccess.FINISH;

import com.maclogin.cutover.contracts.CanaryPlan;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.Reasons;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

    /** What the saga does with a result. */
    public enum Action {
        EVALUATE_GATES,
        /** Check the candidate's engines.node against the plist's node; refused: FAILED and UNFREEZE, else go on. */
        CHECK_CANDIDATE,
        /** Send the next step's command. */
        SEND_NEXT,
        /** Run COMMUNICATE: state GREEN, CUTOVER_GREEN event, then send UNFREEZE as clean-up. */
        GO_GREEN,
        /** FAILED, nothing to undo. */
        FAIL,
        /** FAILED, and lift the freeze marker. */
        FAIL_AND_UNFREEZE,
        /** ROLLING_BACK: automatic rollback request. */
        ROLLBACK,
        /** PAUSED: the step finished; remember the next one for resume and send nothing. */
        HOLD,
        /** The final UNFREEZE answered; only recorded. */
        RECORD_ONLY,
        /** Not applicable to the cutover's state (e.g. a rollback owns the lease now). */
        IGNORE
    }

    public record Decision(Action action, Step next) {
    }

    /** The transition table of a cutover without a canary. */
    public static Decision onResult(CutoverState state, String stepName, StepOutcome outcome) {
        return onResult(state, stepName, outcome, false);
    }

    /**
     * The transition table. {@code stepName} is the step whose result arrived (or timed out); {@code canary}: the
     * cutover asked for the PARALLEL_RUN canary.
     */
    public static Decision onResult(CutoverState state, String stepName, StepOutcome outcome, boolean canary) {
        Step step = step(stepName);
        if (step.kind() == StepKind.UNFREEZE) {
            return new Decision(Action.RECORD_ONLY, null);
        }
        if (state == CutoverState.ROLLING_BACK || state.isTerminal()) {
            return new Decision(Action.IGNORE, null);
        }
        if (outcome == StepOutcome.SUCCEEDED) {
            if (step.onSuccess() == EVALUATE_GATES) {
                return new Decision(Action.EVALUATE_GATES, next(step, canary));
            }
            if (step.onSuccess() == CHECK_CANDIDATE) {
                return new Decision(Action.CHECK_CANDIDATE, next(step, canary)); // the engine holds afterwards when PAUSED
            }
            Step next = next(step, canary);
            if (state == CutoverState.PAUSED) {
                return new Decision(Action.HOLD, next);
            }
            return next.local() ? new Decision(Action.GO_GREEN, next) : new Decision(Action.SEND_NEXT, next);
        }
        return switch (step.compensation()) {
            case NONE -> new Decision(Action.FAIL, null);
            case UNFREEZE -> new Decision(Action.FAIL_AND_UNFREEZE, step(StepKind.UNFREEZE.name()));
            case ROLLBACK -> new Decision(Action.ROLLBACK, null);
        };
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
