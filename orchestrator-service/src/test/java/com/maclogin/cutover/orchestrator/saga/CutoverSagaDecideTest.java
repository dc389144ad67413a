package com.maclogin.cutover.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.orchestrator.CutoverState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cutover state machine of docs/architecture.md, one table per input kind. Each row is a cutover in a state (at
 * epoch 3), an input, and every effect the saga decides, in order, written as tokens: {@code result} store the result,
 * {@code state:X}, {@code send:STEP}, {@code local:STEP}, {@code event:TYPE}, {@code rollback} (RollbackRequested),
 * {@code supersede}, {@code epoch:N}, {@code resume:STEP} ({@code resume:-} clears it), {@code reason}, {@code end},
 * {@code gates}, {@code data} ({@code data+start} with the gate pass), {@code audit:ACTION}, {@code refuse}.
 */
class CutoverSagaDecideTest {

    static final long EPOCH = 3;
    static final String KEY = "c1:STEP:1";

    static SagaSnapshot snapshot(CutoverState state, String step, boolean inFlight, String resumeStep, boolean canary) {
        return new SagaSnapshot(state, step, inFlight ? KEY : null, resumeStep, EPOCH, canary, SagaData.EMPTY);
    }

    static String tokens(List<SagaEffect> effects) {
        return effects.stream().map(CutoverSagaDecideTest::token).collect(Collectors.joining(" "));
    }

    static String token(SagaEffect e) {
        if (e instanceof SagaEffect.SetState s) {
            return "state:" + s.state();
        } else if (e instanceof SagaEffect.SendStep s) {
            return "send:" + s.step();
        } else if (e instanceof SagaEffect.RunLocalStep s) {
            return "local:" + s.step();
        } else if (e instanceof SagaEffect.PublishEvent p) {
            return "event:" + p.type();
        } else if (e instanceof SagaEffect.RequestRollback) {
            return "rollback";
        } else if (e instanceof SagaEffect.SupersedeInFlight) {
            return "supersede";
        } else if (e instanceof SagaEffect.Reopen) {
            return "reopen";
        } else if (e instanceof SagaEffect.SetEpoch s) {
            return "epoch:" + s.epoch();
        } else if (e instanceof SagaEffect.SetResumeStep s) {
            return "resume:" + (s.step() == null ? "-" : s.step());
        } else if (e instanceof SagaEffect.SetReason) {
            return "reason";
        } else if (e instanceof SagaEffect.End) {
            return "end";
        } else if (e instanceof SagaEffect.RecordGates) {
            return "gates";
        } else if (e instanceof SagaEffect.RecordData d) {
            return d.gatesPassed() ? "data+start" : "data";
        } else if (e instanceof SagaEffect.RecordResult) {
            return "result";
        } else if (e instanceof SagaEffect.Audit a) {
            return "audit:" + a.action();
        } else if (e instanceof SagaEffect.Refuse) {
            return "refuse";
        }
        throw new IllegalArgumentException(e.toString());
    }

    static final String FAIL = "state:FAILED reason end audit:STATE event:CUTOVER_FAILED";
    static final String ROLL_BACK = "supersede epoch:4 resume:- state:ROLLING_BACK reason rollback audit:ROLLBACK_REQUESTED";
    static final String ABORT = "supersede epoch:4 resume:- state:ABORTED reason end audit:ABORT_REQUESTED event:CUTOVER_ABORTED send:UNFREEZE";
    static final String GREEN = "local:COMMUNICATE state:GREEN end audit:STEP_LOCAL event:CUTOVER_GREEN send:UNFREEZE";

    static String expand(String expected) {
        return expected == null ? "" : expected.replace("FAIL", FAIL).replace("ROLL_BACK", ROLL_BACK)
                .replace("ABORT", ABORT).replace("GO_GREEN", GREEN);
    }

    static final GateVerdict PASSED = GateVerdict.pass("DISK", "ok", Map.of());
    static final GateVerdict REFUSED = GateVerdict.fail("DISK", "3 % free", Map.of());

    @ParameterizedTest(name = "{0} {1} {2} (canary {3}, gate {4}) -> {5}")
    @CsvSource(delimiter = '|', value = {
            // state    | step             | outcome  |canary| gate   | effects
            "PENDING    | INVENTORY        | SUCCEEDED| false| PASSED | result gates data+start state:RUNNING audit:STATE event:CUTOVER_STARTED send:FREEZE",
            "GATING     | INVENTORY        | SUCCEEDED| false| PASSED | result gates data+start state:RUNNING audit:STATE event:CUTOVER_STARTED send:FREEZE",
            "GATING     | INVENTORY        | SUCCEEDED| false| REFUSED| result gates FAIL",
            "GATING     | INVENTORY        | FAILED   | false|        | result FAIL",
            "GATING     | INVENTORY        | TIMED_OUT| false|        | result FAIL",
            "RUNNING    | FREEZE           | SUCCEEDED| false|        | result send:SNAPSHOT",
            "RUNNING    | FREEZE           | REFUSED  | false|        | result FAIL send:UNFREEZE",
            "RUNNING    | SNAPSHOT         | SUCCEEDED| false|        | result data send:INSTALL_CANDIDATE",
            "RUNNING    | SNAPSHOT         | TIMED_OUT| false|        | result FAIL send:UNFREEZE",
            "RUNNING    | INSTALL_CANDIDATE| SUCCEEDED| false| PASSED | result gates send:FLIP_PLIST",
            "RUNNING    | INSTALL_CANDIDATE| SUCCEEDED| false| REFUSED| result gates FAIL send:UNFREEZE",
            "RUNNING    | INSTALL_CANDIDATE| FAILED   | false|        | result FAIL send:UNFREEZE",
            "PAUSED     | INSTALL_CANDIDATE| SUCCEEDED| false| PASSED | result gates resume:FLIP_PLIST audit:HELD",
            "PAUSED     | FREEZE           | SUCCEEDED| false|        | result resume:SNAPSHOT audit:HELD",
            "PAUSED     | VALIDATE         | SUCCEEDED| false|        | result resume:COMMUNICATE audit:HELD",
            "PAUSED     | SNAPSHOT         | FAILED   | false|        | result FAIL send:UNFREEZE",
            "PAUSED     | RELOAD           | TIMED_OUT| false|        | result ROLL_BACK",
            "RUNNING    | FLIP_PLIST       | SUCCEEDED| false|        | result send:RELOAD",
            "RUNNING    | FLIP_PLIST       | FAILED   | false|        | result ROLL_BACK",
            "RUNNING    | RELOAD           | SUCCEEDED| false|        | result state:VALIDATING send:VALIDATE",
            "RUNNING    | RELOAD           | TIMED_OUT| false|        | result ROLL_BACK",
            "VALIDATING | VALIDATE         | SUCCEEDED| false|        | result GO_GREEN",
            "VALIDATING | VALIDATE         | FAILED   | false|        | result ROLL_BACK",
            "GREEN      | UNFREEZE         | SUCCEEDED| false|        | result",
            "GREEN      | UNFREEZE         | FAILED   | false|        | result audit:STEP_RESULT",
            "FAILED     | UNFREEZE         | SUCCEEDED| false|        | result",
            "PAUSED     | UNFREEZE         | SUCCEEDED| false|        | result",
            "ROLLING_BACK| RELOAD          | SUCCEEDED| false|        | result audit:RESULT_IGNORED",
            "ABORTED    | FREEZE           | SUCCEEDED| false|        | result audit:RESULT_IGNORED",
            // the canary (PARALLEL_RUN) only when requested, between INSTALL_CANDIDATE and the flip; its failure is not a rollback
            "RUNNING    | INSTALL_CANDIDATE| SUCCEEDED| true | PASSED | result gates send:PARALLEL_RUN",
            "PAUSED     | INSTALL_CANDIDATE| SUCCEEDED| true | PASSED | result gates resume:PARALLEL_RUN audit:HELD",
            "RUNNING    | PARALLEL_RUN     | SUCCEEDED| true |        | result send:FLIP_PLIST",
            "PAUSED     | PARALLEL_RUN     | SUCCEEDED| true |        | result resume:FLIP_PLIST audit:HELD",
            "RUNNING    | PARALLEL_RUN     | FAILED   | true |        | result FAIL send:UNFREEZE",
            "RUNNING    | PARALLEL_RUN     | TIMED_OUT| true |        | result FAIL send:UNFREEZE",
            "RUNNING    | PARALLEL_RUN     | REFUSED  | true |        | result FAIL send:UNFREEZE",
            "ROLLING_BACK| PARALLEL_RUN    | SUCCEEDED| true |        | result audit:RESULT_IGNORED",
    })
    void stepFinished(CutoverState state, String step, StepOutcome outcome, boolean canary, String gate, String expected) {
        List<GateVerdict> gates = gate == null ? List.of() : List.of("PASSED".equals(gate) ? PASSED : REFUSED);
        // the engine reads saga data from INVENTORY's and SNAPSHOT's successful results only
        SagaData data = outcome == StepOutcome.SUCCEEDED && (step.equals("INVENTORY") || step.equals("SNAPSHOT"))
                ? SagaData.EMPTY : null;
        SagaInput in = new SagaInput.StepFinished(step, "m1", KEY, EPOCH, true, outcome, "why", gates, data, "worker:hk");
        assertThat(tokens(CutoverSaga.decide(snapshot(state, step, true, null, canary), in))).isEqualTo(expand(expected));
    }

    @ParameterizedTest(name = "result of epoch {0}, key {1}, in flight {2}, open {3} -> {4}")
    @CsvSource(delimiter = '|', value = {
            // epoch | key      | in flight | open  | effects
            "2       | c1:STEP:1| true      | true  | audit:RESULT_REFUSED",
            "3       | c1:OLD:1 | true      | true  | audit:RESULT_IGNORED",
            "3       | c1:STEP:1| false     | true  | audit:RESULT_IGNORED",
            "3       |          | true      | true  | audit:RESULT_IGNORED",
            "3       | c1:STEP:1| true      | false | audit:RESULT_IGNORED",
            "3       | c1:STEP:1| true      | true  | result send:SNAPSHOT",
            // an epoch no command of the cutover carried (forged): refused, nothing changes
            "4       | c1:STEP:1| true      | true  | audit:RESULT_REFUSED",
            "99      | c1:STEP:1| true      | true  | audit:RESULT_REFUSED",
    })
    void stepResultsAreFencedByEpochAndTheStepInFlightAndAFutureEpochIsRefused(long epoch, String key, boolean inFlight, boolean open,
            String expected) {
        SagaInput in = new SagaInput.StepFinished("FREEZE", "m1", key, epoch, open, StepOutcome.SUCCEEDED, null,
                List.of(), null, "worker:hk");
        assertThat(tokens(CutoverSaga.decide(snapshot(CutoverState.RUNNING, "FREEZE", inFlight, null, false), in)))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{4} breach at epoch {3} in {0} at {1} (in flight {2}) -> {5}")
    @CsvSource(delimiter = '|', value = {
            // state    | step      | in flight | epoch | action   | effects
            "VALIDATING | VALIDATE  | true      | 3     | ROLLBACK | audit:BREACH supersede epoch:4 state:ROLLING_BACK resume:- reason audit:STATE",
            "VALIDATING | VALIDATE  | true      | 3     |          | audit:BREACH supersede epoch:4 state:ROLLING_BACK resume:- reason audit:STATE",
            "RUNNING    | RELOAD    | true      | 3     | ROLLBACK | audit:BREACH supersede epoch:4 state:ROLLING_BACK resume:- reason audit:STATE",
            "PAUSED     | VALIDATE  | false     | 3     | ROLLBACK | audit:BREACH supersede epoch:4 state:ROLLING_BACK resume:- reason audit:STATE",
            "VALIDATING | VALIDATE  | true      | 3     | PAUSE    | audit:BREACH supersede epoch:4 state:PAUSED resume:VALIDATE reason audit:STATE event:CUTOVER_PAUSED",
            "VALIDATING | VALIDATE  | true      | 3     | OBSERVE  | audit:BREACH",
            // before the plist flip nothing needs restoring: ABORTED, and the freeze marker is lifted
            "RUNNING    | FREEZE    | true      | 3     | ROLLBACK | audit:BREACH ABORT",
            "PAUSED     | SNAPSHOT  | false     | 3     | ROLLBACK | audit:BREACH ABORT",
            // stale, or the cutover is not RUNNING / VALIDATING / PAUSED: audited, not applied
            "VALIDATING | VALIDATE  | true      | 2     | ROLLBACK | audit:BREACH",
            // a future epoch (no command carried it: forged) is audited, not applied, whatever its action
            "VALIDATING | VALIDATE  | true      | 4     | ROLLBACK | audit:BREACH",
            "VALIDATING | VALIDATE  | true      | 5     | PAUSE    | audit:BREACH",
            "PENDING    | INVENTORY | true      | 3     | ROLLBACK | audit:BREACH",
            "GATING     | INVENTORY | true      | 3     | ROLLBACK | audit:BREACH",
            "ROLLING_BACK| VALIDATE | false     | 3     | ROLLBACK | audit:BREACH",
            "GREEN      | UNFREEZE  | true      | 3     | ROLLBACK | audit:BREACH",
            "ROLLED_BACK| VALIDATE  | false     | 4     | ROLLBACK | audit:BREACH",
    })
    void breach(CutoverState state, String step, boolean inFlight, long epoch, TriggerAction action, String expected) {
        SagaInput in = new SagaInput.Breach("b1", epoch, "CRASH_LOOP", action, "4 crashes", "detail", "worker:hk");
        assertThat(tokens(CutoverSaga.decide(snapshot(state, step, inFlight, null, false), in)))
                .isEqualTo(expand(expected));
    }

    @Test
    void aBreachAndAResultOfAFutureEpochAreAuditedWithTheReasonAndChangeNothing() {
        List<SagaEffect> breach = CutoverSaga.decide(snapshot(CutoverState.VALIDATING, "VALIDATE", true, null, false),
                new SagaInput.Breach("b9", EPOCH + 5, "CRASH_LOOP", TriggerAction.ROLLBACK, "4 crashes", "detail",
                        "worker:hk"));
        assertThat(breach).singleElement().isInstanceOfSatisfying(SagaEffect.Audit.class,
                a -> assertThat(a.detail()).endsWith("not applied: future epoch " + (EPOCH + 5) + " > " + EPOCH));
        List<SagaEffect> result = CutoverSaga.decide(snapshot(CutoverState.RUNNING, "FREEZE", true, null, false),
                new SagaInput.StepFinished("FREEZE", "m9", KEY, EPOCH + 1, true, StepOutcome.SUCCEEDED, null,
                        List.of(), null, "worker:hk"));
        assertThat(result).singleElement().isInstanceOfSatisfying(SagaEffect.Audit.class,
                a -> assertThat(a.detail()).endsWith("future epoch " + (EPOCH + 1) + " > " + EPOCH));
    }

    @Test
    void aPauseBreachWithNothingInFlightKeepsTheHeldStepForResume() {
        SagaInput in = new SagaInput.Breach("b1", EPOCH, "LATENCY", TriggerAction.PAUSE, "p95", "detail", "worker:hk");
        List<SagaEffect> effects = CutoverSaga.decide(snapshot(CutoverState.PAUSED, "RELOAD", false, "VALIDATE", false), in);
        assertThat(effects).contains(new SagaEffect.SetResumeStep("VALIDATE"));
    }

    @ParameterizedTest(name = "{0} in {1} at {2} (in flight {3}, held {4}) -> {5}")
    @CsvSource(delimiter = '|', value = {
            // input  | state     | step             | in flight | held       | effects
            "pause    | RUNNING   | FREEZE           | true      |            | state:PAUSED resume:- audit:PAUSE_REQUESTED",
            "pause    | VALIDATING| VALIDATE         | false     |            | state:PAUSED resume:VALIDATE audit:PAUSE_REQUESTED",
            "pause    | PENDING   | INVENTORY        | true      |            | refuse",
            "pause    | GATING    | INVENTORY        | true      |            | refuse",
            "pause    | PAUSED    | FREEZE           | true      |            | refuse",
            "pause    | ROLLING_BACK| VALIDATE       | false     |            | refuse",
            "pause    | GREEN     | UNFREEZE         | true      |            | refuse",
            "resume   | PAUSED    | VALIDATE         | true      |            | audit:RESUME_REQUESTED resume:- state:VALIDATING",
            "resume   | PAUSED    | FREEZE           | false     | SNAPSHOT   | audit:RESUME_REQUESTED resume:- state:RUNNING send:SNAPSHOT",
            "resume   | PAUSED    | RELOAD           | false     | VALIDATE   | audit:RESUME_REQUESTED resume:- state:VALIDATING send:VALIDATE",
            "resume   | PAUSED    | VALIDATE         | false     | COMMUNICATE| audit:RESUME_REQUESTED resume:- state:RUNNING GO_GREEN",
            "resume   | RUNNING   | FREEZE           | true      |            | refuse",
            "resume   | FAILED    | FREEZE           | false     |            | refuse",
            "abort    | PENDING   | INVENTORY        | true      |            | ABORT",
            "abort    | GATING    | INVENTORY        | true      |            | ABORT",
            "abort    | RUNNING   | INSTALL_CANDIDATE| true      |            | ABORT",
            "abort    | RUNNING   | PARALLEL_RUN     | true      |            | ABORT",
            "abort    | PAUSED    | SNAPSHOT         | false     | SNAPSHOT   | ABORT",
            "abort    | RUNNING   | FLIP_PLIST       | true      |            | refuse",
            "abort    | PAUSED    | VALIDATE         | false     |            | refuse",
            "abort    | VALIDATING| VALIDATE         | true      |            | refuse",
            "abort    | ROLLING_BACK| RELOAD         | false     |            | refuse",
            "abort    | GREEN     | UNFREEZE         | true      |            | refuse",
            "rollback | RUNNING   | RELOAD           | true      |            | ROLL_BACK",
            "rollback | VALIDATING| VALIDATE         | true      |            | ROLL_BACK",
            "rollback | PAUSED    | FREEZE           | false     | SNAPSHOT   | ROLL_BACK",
            "rollback | PENDING   | INVENTORY        | true      |            | refuse",
            "rollback | GATING    | INVENTORY        | true      |            | refuse",
            "rollback | ROLLING_BACK| VALIDATE       | false     |            | refuse",
            "rollback | GREEN     | UNFREEZE         | true      |            | refuse",
            "rollback | ABORTED   | UNFREEZE         | true      |            | refuse",
            // a stale freeze: UNFREEZE again for an ended cutover, audited; an active cutover lifts its own
            "unfreeze | ROLLBACK_FAILED| VALIDATE   | false     |            | audit:FREEZE_LIFT_REQUESTED send:UNFREEZE",
            "unfreeze | GREEN     | UNFREEZE         | false     |            | audit:FREEZE_LIFT_REQUESTED send:UNFREEZE",
            "unfreeze | FAILED    | UNFREEZE         | false     |            | audit:FREEZE_LIFT_REQUESTED send:UNFREEZE",
            "unfreeze | VALIDATING| VALIDATE         | true      |            | refuse",
            "unfreeze | PAUSED    | FREEZE           | false     |            | refuse",
            "unfreeze | ROLLING_BACK| RELOAD         | false     |            | refuse",
    })
    void operator(String input, CutoverState state, String step, boolean inFlight, String held, String expected) {
        SagaInput in = switch (input) {
            case "pause" -> new SagaInput.Pause("mei", "look");
            case "resume" -> new SagaInput.Resume("mei", "go on");
            case "abort" -> new SagaInput.Abort("mei", "stop");
            case "unfreeze" -> new SagaInput.LiftFreeze("mei", "marker left by a failed UNFREEZE");
            default -> new SagaInput.Rollback("mei", "error rate");
        };
        assertThat(tokens(CutoverSaga.decide(snapshot(state, step, inFlight, held, false), in))).isEqualTo(expand(expected));
    }

    @ParameterizedTest(name = "rollback {0} h after GREEN, later cutover {1}, kit kept {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            // hours after GREEN | later cutover | retention | effects
            "1                   |               | P7D       | audit:STATE ROLL_BACK",
            "167                 |               | P7D       | audit:STATE ROLL_BACK",
            "169                 |               | P7D       | refuse",
            "1                   | c2            | P7D       | refuse",
            "0                   | c2            | P7D       | refuse",
    })
    void rollbackAfterGreenWhileTheKitIsKeptAndNoLaterCutoverRan(long hours, String later, String retention,
            String expected) {
        Instant green = Instant.parse("2026-12-01T10:00:00Z");
        SagaSnapshot s = new SagaSnapshot(CutoverState.GREEN, "UNFREEZE", null, null, EPOCH, false, SagaData.EMPTY,
                new SagaSnapshot.AfterGreen(green, later, Duration.parse(retention)));
        List<SagaEffect> effects = CutoverSaga.decide(s, new SagaInput.Rollback("mei", "users report errors",
                green.plus(Duration.ofHours(hours))));
        String reopened = expand(expected).replace("audit:STATE ", "reopen audit:STATE ");
        assertThat(tokens(effects)).isEqualTo(reopened);
    }

    @Test
    void aGreenRollbackRefusalSaysWhy() {
        Instant green = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(CutoverSaga.afterGreenRefusal(new SagaSnapshot.AfterGreen(green, "c2", Duration.ofDays(7)), green))
                .contains("a later cutover (c2) ran on the lease");
        assertThat(CutoverSaga.afterGreenRefusal(new SagaSnapshot.AfterGreen(green, null, Duration.ofDays(7)),
                green.plus(Duration.ofDays(8)))).contains("kept for PT168H").contains("green-rollback-retention");
    }

    @ParameterizedTest(name = "{2} at epoch {1} reaches {0} -> {3}")
    @CsvSource(delimiter = '|', value = {
            // state     | epoch | rolled back | effects
            "ROLLING_BACK| 3     | true        | state:ROLLED_BACK end reason audit:ROLLBACK_OUTCOME",
            "ROLLING_BACK| 4     | true        | state:ROLLED_BACK end reason audit:ROLLBACK_OUTCOME",
            "ROLLING_BACK| 3     | false       | state:ROLLBACK_FAILED end reason audit:ROLLBACK_OUTCOME",
            "ROLLING_BACK| 2     | true        | audit:EVENT_REFUSED",
            // rollback-service acted on a breach this saga has not seen yet: a newer epoch ends an active cutover
            "VALIDATING  | 4     | true        | audit:STATE supersede epoch:4 resume:- state:ROLLED_BACK end reason audit:ROLLBACK_OUTCOME",
            "RUNNING     | 4     | false       | audit:STATE supersede epoch:4 resume:- state:ROLLBACK_FAILED end reason audit:ROLLBACK_OUTCOME",
            "PAUSED      | 5     | true        | audit:STATE supersede epoch:5 resume:- state:ROLLED_BACK end reason audit:ROLLBACK_OUTCOME",
            "VALIDATING  | 3     | true        | audit:EVENT_REFUSED",
            "PENDING     | 4     | true        | audit:EVENT_REFUSED",
            "GREEN       | 4     | true        | audit:EVENT_REFUSED",
            "ROLLED_BACK | 3     | true        | audit:EVENT_REFUSED",
    })
    void rollbackOutcome(CutoverState state, long epoch, boolean rolledBack, String expected) {
        SagaInput in = new SagaInput.RollbackOutcome("e1", epoch, rolledBack, "restored", Instant.EPOCH);
        assertThat(tokens(CutoverSaga.decide(snapshot(state, "VALIDATE", false, null, false), in))).isEqualTo(expected);
    }

    @Test
    void anOutcomeWithoutAReasonKeepsTheCutoversReason() {
        SagaInput in = new SagaInput.RollbackOutcome("e1", EPOCH, true, null, null);
        assertThat(tokens(CutoverSaga.decide(snapshot(CutoverState.ROLLING_BACK, "VALIDATE", false, null, false), in)))
                .isEqualTo("state:ROLLED_BACK end audit:ROLLBACK_OUTCOME");
    }

    @ParameterizedTest(name = "{0} in {1} at {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            // input           | state   | step      | effects
            "requested         |         |           | state:PENDING epoch:1",
            "begin             | PENDING |           | send:INVENTORY",
            "dispatched:INVENTORY | PENDING | INVENTORY | state:GATING",
            "dispatched:INVENTORY | GATING  | INVENTORY | ",
            "dispatched:INVENTORY | ABORTED | UNFREEZE  | ",
            "dispatched:FREEZE | RUNNING | FREEZE    | ",
    })
    void lifecycle(String input, CutoverState state, String step, String expected) {
        SagaInput in = input.equals("requested") ? new SagaInput.Requested()
                : input.equals("begin") ? new SagaInput.Begin("mei")
                : new SagaInput.Dispatched(input.substring("dispatched:".length()));
        assertThat(tokens(CutoverSaga.decide(snapshot(state, step, false, null, false), in)))
                .isEqualTo(expected == null ? "" : expected);
    }

    @Test
    void theGatePassRecordsTheInventoryDataAndTheRefusalNamesEveryRefusedGate() {
        SagaData inventory = new SagaData("2026.9.5", "p", "q", "v24.1.0", 120.0, null);
        SagaInput in = new SagaInput.StepFinished("INVENTORY", "m1", KEY, EPOCH, true, StepOutcome.SUCCEEDED, null,
                List.of(PASSED), inventory, "worker:hk");
        assertThat(CutoverSaga.decide(snapshot(CutoverState.GATING, "INVENTORY", true, null, false), in))
                .contains(new SagaEffect.RecordData(inventory, true));
        GateVerdict port = GateVerdict.fail("PORT_MAP", "port taken", Map.of());
        in = new SagaInput.StepFinished("INVENTORY", "m1", KEY, EPOCH, true, StepOutcome.SUCCEEDED, null,
                List.of(REFUSED, PASSED, port), inventory, "worker:hk");
        assertThat(CutoverSaga.decide(snapshot(CutoverState.GATING, "INVENTORY", true, null, false), in))
                .contains(new SagaEffect.SetReason("inventory gates refused: DISK: 3 % free; PORT_MAP: port taken"))
                .noneMatch(e -> e instanceof SagaEffect.RecordData);
    }

    @Test
    void sagaDataMergesKnownValuesOverOlderOnes() {
        SagaData inventory = SagaData.of(StepReport.Inventory.fromFacts(Map.of("gatewayVersion", "2026.9.5",
                "plistSha256", "p", "packageSha256", "q", "plistNodeVersion", "v24.1.0", "baselineP95Millis", "12.5")));
        SagaData both = inventory.merge(SagaData.of(StepReport.Snapshot.fromFacts(Map.of("stateArchiveSha256", "s"))));
        assertThat(both).isEqualTo(new SagaData("2026.9.5", "p", "q", "v24.1.0", 12.5, "s"));
        assertThat(SagaData.of(StepReport.Inventory.fromFacts(Map.of("baselineP95Millis", "n/a"))).baselineP95Millis())
                .isNull();
        assertThat(SagaData.of((StepReport) null)).isNull();
    }
}
