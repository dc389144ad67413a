package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.orchestrator.ValidationSettings;
import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.orchestrator.api.FieldError;
import com.maclogin.cutover.orchestrator.api.OverrideRequest;
import com.maclogin.cutover.orchestrator.api.ThresholdsRequest;
import com.maclogin.cutover.orchestrator.api.ValidationRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValidationPolicyTest {

    static final ValidationPolicy.Defaults PLAYBOOK = new ValidationPolicy.Defaults(900, 5000, null);

    static ValidationRequest window(Integer w, Integer i, Boolean drill) {
        return new ValidationRequest(w, i, drill);
    }

    static ThresholdsRequest thresholds(String field, Number value) {
        return new ThresholdsRequest(
                field.equals("crashCount") ? value.intValue() : null,
                field.equals("crashWindowSeconds") ? value.intValue() : null,
                field.equals("errorRatePercent") ? value.doubleValue() : null,
                field.equals("minSamples") ? value.intValue() : null,
                field.equals("latencyMultiplier") ? value.doubleValue() : null,
                field.equals("diskFreeMinPercent") ? value.doubleValue() : null);
    }

    @Test
    void withoutRequestPartsThePlaybookAndTheConfigurationApply() {
        ValidationSettings s = ValidationPolicy.defaults(PLAYBOOK);
        assertThat(s.windowSeconds()).isEqualTo(900);
        assertThat(s.intervalMillis()).isEqualTo(5000);
        assertThat(s.restartDrillAtSecond()).isEqualTo(300);
        assertThat(s.thresholds()).isEqualTo(TriggerThresholds.playbook());
        assertThat(s.actions()).hasSize(4).containsValues(TriggerAction.ROLLBACK).doesNotContainValue(TriggerAction.PAUSE);
    }

    @ParameterizedTest(name = "{0} = {1} is stricter and accepted")
    @CsvSource({"crashCount, 2", "crashWindowSeconds, 600", "errorRatePercent, 1.5", "minSamples, 10",
            "latencyMultiplier, 3", "diskFreeMinPercent, 20", "crashCount, 3"})
    void stricterThresholdsAreAccepted(String field, double value) {
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, null, thresholds(field, value), null, null);
        assertThat(r.errors()).isEmpty();
        assertThat(r.overrides()).isEmpty();
        assertThat(String.valueOf(switch (field) {
            case "crashCount" -> r.settings().thresholds().crashCount();
            case "crashWindowSeconds" -> r.settings().thresholds().crashWindowSeconds();
            case "errorRatePercent" -> r.settings().thresholds().errorRatePercent();
            case "minSamples" -> r.settings().thresholds().minSamples();
            case "latencyMultiplier" -> r.settings().thresholds().latencyMultiplier();
            default -> r.settings().thresholds().diskFreeMinPercent();
        })).isIn(String.valueOf((int) value), String.valueOf(value));
    }

    @ParameterizedTest(name = "{0} = {1} is looser: 400 naming thresholds.{0}")
    @CsvSource({"crashCount, 5", "crashWindowSeconds, 60", "errorRatePercent, 10", "minSamples, 50",
            "latencyMultiplier, 8", "diskFreeMinPercent, 5"})
    void looserThresholdsWithoutOverrideAreRefusedNamingTheField(String field, double value) {
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, null, thresholds(field, value), null, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).extracting(FieldError::field).containsExactly("thresholds." + field);
        assertThat(r.errors().get(0).reason()).contains("loosens the playbook").contains("override");
    }

    @ParameterizedTest(name = "validation {0}/{1}/{2} is looser: 400 naming {3}")
    @CsvSource({"300, , , validation.windowSeconds", ", 10, , validation.probeIntervalSeconds",
            ", , false, validation.restartDrill"})
    void looserWindowIntervalOrNoDrillAreRefused(Integer w, Integer i, Boolean drill, String field) {
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, window(w, i, drill), null, null, null);
        assertThat(r.errors()).extracting(FieldError::field).containsExactly(field);
    }

    @Test
    void aLongerWindowAndAShorterIntervalAreStricter() {
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, window(1800, 2, true), null, null, null);
        assertThat(r.errors()).isEmpty();
        assertThat(r.settings().windowSeconds()).isEqualTo(1800);
        assertThat(r.settings().intervalMillis()).isEqualTo(2000);
        assertThat(r.settings().restartDrillAtSecond()).isEqualTo(600);
    }

    @Test
    void aMatchingOverrideLoosensAndIsReportedWithFromToReasonAndApprover() {
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, window(300, null, false), thresholds("crashCount", 5),
                null, List.of(new OverrideRequest("thresholds.crashCount", "5", "known flapping plugin, ticket OPS-9", "grace"),
                        new OverrideRequest("validation.windowSeconds", "300", "low-traffic lease", "grace"),
                        new OverrideRequest("validation.restartDrill", "false", "drill done yesterday", "linus")));
        assertThat(r.errors()).isEmpty();
        assertThat(r.settings().thresholds().crashCount()).isEqualTo(5);
        assertThat(r.settings().windowSeconds()).isEqualTo(300);
        assertThat(r.settings().restartDrillAtSecond()).isNull();
        assertThat(r.overrides()).extracting(ValidationPolicy.AppliedOverride::field, ValidationPolicy.AppliedOverride::from,
                ValidationPolicy.AppliedOverride::to, ValidationPolicy.AppliedOverride::approvedBy)
                .containsExactlyInAnyOrder(
                        // the request's approvedBy is ignored: a second operator approves through the API
                        org.assertj.core.groups.Tuple.tuple("thresholds.crashCount", "3", "5", null),
                        org.assertj.core.groups.Tuple.tuple("validation.windowSeconds", "900", "300", null),
                        org.assertj.core.groups.Tuple.tuple("validation.restartDrill", "true", "false", null));
    }

    @Test
    void theCliGateIsOverriddenOnlyByAnApprovedFalseWhichIsReportedForTheGates() {
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, null, null, null, List.of(new OverrideRequest(
                ValidationPolicy.CLI_MATCHES_SERVICE, "false", "Homebrew openclaw pinned by the lease owner", "grace")));
        assertThat(r.errors()).isEmpty();
        assertThat(r.cliOverride()).hasValueSatisfying(o -> {
            assertThat(o.from()).isEqualTo("true");
            assertThat(o.to()).isEqualTo("false");
            assertThat(o.approvedBy()).isNull();
        });
        assertThat(r.stagingOverride()).isEmpty();
        assertThat(ValidationPolicy.resolve(PLAYBOOK, null, null, null, List.of(new OverrideRequest(
                ValidationPolicy.CLI_MATCHES_SERVICE, "true", "why", "grace"))).errors())
                .extracting(FieldError::field).containsExactly("overrides[0].value");
        assertThat(ValidationPolicy.resolve(PLAYBOOK, null, null, null, null).cliOverride()).isEmpty();
    }

    @Test
    void theLeaseHealthGateIsOverriddenOnlyByAnApprovedFalseRecordedAsAnAppliedOverride() {
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, null, null, null, List.of(new OverrideRequest(
                ValidationPolicy.LEASE_HEALTH, "false", "the cutover replaces the crashing gateway", null)));
        assertThat(r.errors()).isEmpty();
        assertThat(r.overrides()).extracting(ValidationPolicy.AppliedOverride::field, ValidationPolicy.AppliedOverride::from,
                ValidationPolicy.AppliedOverride::to).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("gates.leaseHealth", "true", "false"));
        assertThat(ValidationPolicy.resolve(PLAYBOOK, null, null, null, List.of(new OverrideRequest(
                ValidationPolicy.LEASE_HEALTH, "true", "why", null))).errors())
                .extracting(FieldError::field).containsExactly("overrides[0].value");
    }

    @Test
    void anOverrideForAnotherValueOrWithoutReasonIsRefused() {
        ValidationPolicy.Result other = ValidationPolicy.resolve(PLAYBOOK, null, thresholds("errorRatePercent", 10), null,
                List.of(new OverrideRequest("thresholds.errorRatePercent", "8", "x", "grace")));
        assertThat(other.errors()).extracting(FieldError::field).containsExactly("overrides[0].value");
        ValidationPolicy.Result noReason = ValidationPolicy.resolve(PLAYBOOK, null, thresholds("errorRatePercent", 10), null,
                List.of(new OverrideRequest("thresholds.errorRatePercent", "10.0", " ", null)));
        assertThat(noReason.errors()).extracting(FieldError::field)
                .containsExactly("overrides[0].reason");
    }

    @Test
    void anOverrideThatLoosensNothingOrNamesAnUnknownFieldIsRefused() {
        ValidationPolicy.Result unused = ValidationPolicy.resolve(PLAYBOOK, null, thresholds("crashCount", 2), null,
                List.of(new OverrideRequest("thresholds.crashCount", "2", "why", "grace")));
        assertThat(unused.errors()).extracting(FieldError::field).containsExactly("overrides[0].field");
        ValidationPolicy.Result unknown = ValidationPolicy.resolve(PLAYBOOK, null, null, null,
                List.of(new OverrideRequest("thresholds.latencyFloorMillis", "1", "why", "grace")));
        assertThat(unknown.errors().get(0).reason()).contains("cannot be overridden");
    }

    @Test
    void outOfRangeValuesAreRefusedEvenWithAnOverride() {
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, window(0, 61, null), thresholds("errorRatePercent", Double.NaN),
                null, null);
        assertThat(r.errors()).extracting(FieldError::field).containsExactly("validation.windowSeconds",
                "validation.probeIntervalSeconds", "thresholds.errorRatePercent");
    }

    @Test
    void aMilderTriggerActionIsALooseningThatNeedsAnOverrideUnknownOnesNameTheirKey() {
        ValidationPolicy.Result refused = ValidationPolicy.resolve(PLAYBOOK, null, null,
                Map.of("CRASH_LOOP", "PAUSE", "latency", "observe", "DISK", "ROLLBACK"), null);
        assertThat(refused.errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("triggerActions.CRASH_LOOP", "triggerActions.LATENCY");
        assertThat(refused.errors().get(0).reason()).contains("ROLLBACK -> ").contains("override");
        ValidationPolicy.Result r = ValidationPolicy.resolve(PLAYBOOK, null, null,
                Map.of("CRASH_LOOP", "PAUSE", "latency", "observe"), List.of(
                        new OverrideRequest("triggerActions.CRASH_LOOP", "PAUSE", "plugin restarts at boot", null),
                        new OverrideRequest("triggerActions.LATENCY", "OBSERVE", "latency probe is noisy here", null)));
        assertThat(r.errors()).isEmpty();
        assertThat(r.overrides()).extracting(ValidationPolicy.AppliedOverride::field)
                .containsExactlyInAnyOrder("triggerActions.CRASH_LOOP", "triggerActions.LATENCY");
        assertThat(r.settings().actions()).containsEntry(TriggerKind.CRASH_LOOP, TriggerAction.PAUSE)
                .containsEntry(TriggerKind.LATENCY, TriggerAction.OBSERVE).containsEntry(TriggerKind.DISK, TriggerAction.ROLLBACK);
        ValidationPolicy.Result bad = ValidationPolicy.resolve(PLAYBOOK, null, null, Map.of("MELTDOWN", "PAUSE", "DISK", "PANIC"), null);
        assertThat(bad.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("triggerActions.MELTDOWN", "triggerActions.DISK");
    }

    @ParameterizedTest(name = "configured {0}, window {1} -> drill at {2}")
    @CsvSource({", 900, 300", "120, 900, 120", "900, 900, 300", ", 2, 1", ", 1, "})
    void restartDrillAtTheConfiguredSecondOrAThirdOfTheWindow(Integer configured, int window, Integer expected) {
        assertThat(ValidationPolicy.drillSecond(configured, window)).isEqualTo(expected);
    }

    @Test
    void thePlanHasEveryLayerAndTlsOnlyWithAnEndpoint() {
        ValidationSettings s = ValidationPolicy.defaults(PLAYBOOK);
        ProbePlan plain = ValidationPolicy.plan(s, null, 14, 180.0, "ada");
        assertThat(plain.layers()).containsExactly(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION,
                ProbeLayer.INTEGRATION, ProbeLayer.DISK);
        assertThat(plain.tlsMinValidDays()).isNull();
        assertThat(plain.baselineP95Millis()).isEqualTo(180.0);
        assertThat(plain.rollbackOwner()).isEqualTo("ada");
        assertThat(plain.windowSeconds()).isEqualTo(900);
        assertThat(plain.intervalMillis()).isEqualTo(5000);
        assertThat(plain.restartDrillAtSecond()).isEqualTo(300);
        ProbePlan tls = ValidationPolicy.plan(s, "gw.example.com:443", 14, null, "ada");
        assertThat(tls.layers()).contains(ProbeLayer.TLS).hasSize(6);
        assertThat(tls.tlsEndpoint()).isEqualTo("gw.example.com:443");
        assertThat(tls.tlsMinValidDays()).isEqualTo(14);
    }
}
