package com.maclogin.cutover.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.orchestrator.CutoverState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CutoverSagaTest {

    @Test
    void stepsAreInPlaybookOrder() {
        assertThat(CutoverSaga.STEPS).extracting(CutoverSaga.Step::name).containsExactly("INVENTORY", "FREEZE", "SNAPSHOT",
                "INSTALL_CANDIDATE", "PARALLEL_RUN", "FLIP_PLIST", "RELOAD", "VALIDATE", "COMMUNICATE", "UNFREEZE");
    }

    @ParameterizedTest(name = "canary requested: {0}")
    @CsvSource({
            "false, INVENTORY FREEZE SNAPSHOT INSTALL_CANDIDATE FLIP_PLIST RELOAD VALIDATE COMMUNICATE UNFREEZE",
            "true,  INVENTORY FREEZE SNAPSHOT INSTALL_CANDIDATE PARALLEL_RUN FLIP_PLIST RELOAD VALIDATE COMMUNICATE UNFREEZE",
    })
    void theCanaryStepIsWalkedOnlyWhenRequestedAfterInstallAndBeforeTheFlip(boolean canary, String expected) {
        java.util.List<String> walked = new java.util.ArrayList<>();
        for (CutoverSaga.Step s = CutoverSaga.first(); s != null; s = CutoverSaga.next(s, canary)) {
            walked.add(s.name());
        }
        assertThat(String.join(" ", walked)).isEqualTo(expected);
        // the default walk (no canary) is the one without PARALLEL_RUN
        assertThat(CutoverSaga.next(CutoverSaga.step("INSTALL_CANDIDATE")).name()).isEqualTo("FLIP_PLIST");
    }

    @Test
    void theCanaryIsBeforeTheFlipSoItCanBeAbortedAndItsFailureIsNotARollback() {
        assertThat(CutoverSaga.abortRefusal(CutoverState.RUNNING, "PARALLEL_RUN")).isNull();
        assertThat(CutoverSaga.flipReached("PARALLEL_RUN")).isFalse();
        assertThat(CutoverSaga.step("PARALLEL_RUN").compensation()).isEqualTo(CutoverSaga.Compensation.UNFREEZE);
        assertThat(CutoverSaga.stateWhileRunning(CutoverSaga.step("PARALLEL_RUN"))).isEqualTo(CutoverState.RUNNING);
    }

    @Test
    void theCanaryCommandCarriesTheCandidateAndItsPortAndWindowAndNothingElse() {
        CutoverSaga.Context ctx = new CutoverSaga.Context("2026.9.6", "2026.9.5", "CHG-1", "oc-cutover-20260715",
                Map.of("plist", "p", "package", "q", "state", "s"), 900, 5000, null, null, 19500, 12);
        assertThat(ctx.canary()).isTrue();
        assertThat(CutoverSaga.step("PARALLEL_RUN").command().apply(ctx)).isEqualTo(new StepCommand.ParallelRun(
                "2026.9.6", new com.maclogin.cutover.contracts.CanaryPlan(19500, 12), null));
        assertThat(new CutoverSaga.Context("2026.9.6", "2026.9.5", "CHG-1", "t", Map.of(), 900, 5000, null, null)
                .canary()).isFalse();
    }

    @ParameterizedTest(name = "abort in {0} at {1}: allowed={2}")
    @CsvSource({
            "PENDING,      INVENTORY,         true",
            "GATING,       INVENTORY,         true",
            "RUNNING,      FREEZE,            true",
            "RUNNING,      INSTALL_CANDIDATE, true",
            "RUNNING,      FLIP_PLIST,        false",
            "PAUSED,       SNAPSHOT,          true",
            "PAUSED,       VALIDATE,          false",
            "RUNNING,      RELOAD,            false",
            "VALIDATING,   VALIDATE,          false",
            "ROLLING_BACK, RELOAD,            false",
            "GREEN,        UNFREEZE,          false",
            "FAILED,       INVENTORY,         false",
    })
    void abortOnlyBeforeThePlistFlip(CutoverState state, String step, boolean allowed) {
        assertThat(CutoverSaga.abortRefusal(state, step) == null).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "rollback in {0}: allowed={1}")
    @CsvSource({"PENDING, false", "GATING, false", "RUNNING, true", "VALIDATING, true", "PAUSED, true",
            "ROLLING_BACK, false", "GREEN, false", "ROLLED_BACK, false", "ABORTED, false"})
    void rollbackOnlyWhileActiveAfterTheGate(CutoverState state, boolean allowed) {
        assertThat(CutoverSaga.rollbackRefusal(state) == null).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "pause in {0}: allowed={1}, resume allowed={2}")
    @CsvSource({"PENDING, false, false", "GATING, false, false", "RUNNING, true, false", "VALIDATING, true, false",
            "PAUSED, false, true", "ROLLING_BACK, false, false", "GREEN, false, false", "FAILED, false, false"})
    void pauseWhileRunningOrValidatingResumeOnlyWhenPaused(CutoverState state, boolean pause, boolean resume) {
        assertThat(CutoverSaga.pauseRefusal(state) == null).isEqualTo(pause);
        assertThat(CutoverSaga.resumeRefusal(state) == null).isEqualTo(resume);
    }

    @Test
    void pausedIsActiveSoItHoldsTheLease() {
        assertThat(CutoverState.PAUSED.isActive()).isTrue();
    }

    @Test
    void commandsCarryTypedParametersAndTheUtcDateTag() {
        CutoverSaga.Context ctx = new CutoverSaga.Context("2026.9.6", "2026.9.5", "CHG-1", CutoverSaga.tag(
                Instant.parse("2026-07-15T23:30:00Z")), Map.of("plist", "p", "package", "q"), 900, 5000, null, null);
        assertThat(ctx.tag()).isEqualTo("oc-cutover-20260715");
        assertThat(CutoverSaga.step("VALIDATE").command().apply(ctx)).isEqualTo(new StepCommand.Validate("2026.9.6",
                "2026.9.5", "CHG-1", Map.of("plist", "p", "package", "q"), 900, 5000, null));
        assertThat(CutoverSaga.step("FREEZE").command().apply(ctx))
                .isEqualTo(new StepCommand.Freeze("CHG-1", "oc-cutover-20260715"));
        assertThat(CutoverSaga.step("INSTALL_CANDIDATE").command().apply(ctx))
                .isEqualTo(new StepCommand.InstallCandidate("2026.9.6", null));
        assertThat(CutoverSaga.step("FLIP_PLIST").command().apply(ctx)).isEqualTo(new StepCommand.FlipPlist("2026.9.6"));
        assertThat(CutoverSaga.step("RELOAD").command().apply(ctx)).isEqualTo(new StepCommand.Reload("2026.9.6"));
        assertThat(CutoverSaga.step("INVENTORY").command().apply(ctx)).isEqualTo(new StepCommand.Inventory());
        assertThat(CutoverSaga.step("SNAPSHOT").command().apply(ctx)).isEqualTo(new StepCommand.Snapshot());
        assertThat(CutoverSaga.step("UNFREEZE").command().apply(ctx)).isEqualTo(new StepCommand.Unfreeze());
        assertThat(CutoverSaga.step("COMMUNICATE").local()).isTrue();
        assertThat(CutoverSaga.stateWhileRunning(CutoverSaga.step("VALIDATE"))).isEqualTo(CutoverState.VALIDATING);
        assertThat(CutoverSaga.stateWhileRunning(CutoverSaga.step("RELOAD"))).isEqualTo(CutoverState.RUNNING);
    }

    @Test
    void everyRemoteStepsCommandIsOfItsOwnKind() {
        CutoverSaga.Context ctx = new CutoverSaga.Context("2026.9.6", "2026.9.5", "CHG-1", "oc-cutover-20260715",
                Map.of("plist", "p", "package", "q"), 900, 5000, null, "ab".repeat(32), 19500, 12);
        for (CutoverSaga.Step step : CutoverSaga.STEPS) {
            if (!step.local()) {
                assertThat(step.command().apply(ctx).kind()).as(step.name()).isEqualTo(step.kind());
            }
        }
    }

    @Test
    void installCandidateCarriesTheRequestsTarballHashAndNothingElseDoes() {
        String tarball = "ab".repeat(32);
        CutoverSaga.Context ctx = new CutoverSaga.Context("2026.9.6", "2026.9.5", "CHG-1", "oc-cutover-20260715",
                Map.of("plist", "p", "package", "q"), 900, 5000, null, tarball);
        assertThat(CutoverSaga.step("INSTALL_CANDIDATE").command().apply(ctx))
                .isEqualTo(new StepCommand.InstallCandidate("2026.9.6", tarball));
        assertThat(((StepCommand.Validate) CutoverSaga.step("VALIDATE").command().apply(ctx)).expectedSha256())
                .doesNotContainValue(tarball);
    }
}
