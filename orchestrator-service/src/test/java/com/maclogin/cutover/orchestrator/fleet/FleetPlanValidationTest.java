package com.maclogin.cutover.orchestrator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Region;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad plan field is named (the REST layer turns these into a 400 with the same field names). */
class FleetPlanValidationTest {

    static FleetPlan plan() {
        return new FleetPlan(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    static FleetPlan with(String field, Object v) {
        FleetPlan p = plan();
        return new FleetPlan(
                field.equals("canary") ? (FleetPlan.Canary) v : p.canary(),
                field.equals("regionOrder") ? castList(v) : p.regionOrder(),
                field.equals("maxParallel") ? (Integer) v : p.maxParallel(),
                field.equals("maxUnavailable") ? (Integer) v : p.maxUnavailable(),
                field.equals("bakeSeconds") ? (Long) v : p.bakeSeconds(),
                field.equals("progressDeadlineSeconds") ? (Long) v : p.progressDeadlineSeconds(),
                null,
                field.equals("failureBudget") ? (FleetPlan.Budget) v : p.failureBudget(),
                field.equals("onFailure") ? (String) v : p.onFailure(),
                field.equals("windows") ? castMap(v) : p.windows(),
                field.equals("windowOverride") ? (FleetPlan.WindowOverride) v : p.windowOverride(),
                null, null);
    }

    @SuppressWarnings("unchecked")
    static List<String> castList(Object v) {
        return (List<String>) v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, FleetPlan.WindowSpec> castMap(Object v) {
        return (Map<String, FleetPlan.WindowSpec>) v;
    }

    static Stream<Arguments> badPlans() {
        return Stream.of(
                Arguments.of("maxParallel", 0, "plan.maxParallel"),
                Arguments.of("maxParallel", 101, "plan.maxParallel"),
                Arguments.of("maxUnavailable", 0, "plan.maxUnavailable"),
                Arguments.of("bakeSeconds", -1L, "plan.bakeSeconds"),
                Arguments.of("progressDeadlineSeconds", 0L, "plan.progressDeadlineSeconds"),
                Arguments.of("failureBudget", new FleetPlan.Budget(0, 3), "plan.failureBudget.perWave"),
                Arguments.of("failureBudget", new FleetPlan.Budget(1, 0), "plan.failureBudget.total"),
                Arguments.of("onFailure", "explode", "plan.onFailure"),
                Arguments.of("canary", new FleetPlan.Canary(-1, null, null), "plan.canary.count"),
                Arguments.of("canary", new FleetPlan.Canary(1, null, 60L), "plan.canary.bakeSeconds"),
                Arguments.of("regionOrder", List.of("HK", "XX"), "plan.regionOrder[1]"),
                Arguments.of("regionOrder", List.of("HK", "hk"), "plan.regionOrder[1]"),
                Arguments.of("regionOrder", List.of("JP"), "plan.regionOrder"),
                Arguments.of("windows", Map.of("HK", new FleetPlan.WindowSpec("Mars/Olympus", null, null, null, null)),
                        "plan.windows.HK.timeZone"),
                Arguments.of("windows", Map.of("HK", new FleetPlan.WindowSpec(null, 18, 9, null, null)),
                        "plan.windows.HK.toHour"),
                Arguments.of("windows", Map.of("HK", new FleetPlan.WindowSpec(null, 25, null, null, null)),
                        "plan.windows.HK.fromHour"),
                Arguments.of("windows", Map.of("HK", new FleetPlan.WindowSpec(null, null, null, List.of("24.12."), null)),
                        "plan.windows.HK.blackoutDates[0]"),
                Arguments.of("windows", Map.of("EU", new FleetPlan.WindowSpec(null, null, null, null, null)),
                        "plan.windows.EU"),
                Arguments.of("windowOverride", new FleetPlan.WindowOverride(" ", "release freeze exception"),
                        "plan.windowOverride.approver"),
                Arguments.of("windowOverride", new FleetPlan.WindowOverride("grace", null), "plan.windowOverride.reason"));
    }

    @ParameterizedTest(name = "{0} = {1} is refused naming {2}")
    @MethodSource("badPlans")
    void aBadPlanFieldIsNamed(String field, Object value, String named) {
        List<FieldProblem> problems = with(field, value).validate(Set.of(Region.HK));
        assertThat(problems).extracting(FieldProblem::field).contains(named);
    }

    @Test
    void anEmptyPlanIsValidAndResolvesToThePlaybookDefaults() {
        assertThat(plan().validate(Set.of(Region.HK, Region.US))).isEmpty();
        FleetPlan.Resolved r = plan().resolved();
        assertThat(r.maxParallel()).isEqualTo(1);
        assertThat(r.maxUnavailable()).isEqualTo(1);
        assertThat(r.autoPromote()).isFalse();
        assertThat(r.perWaveBudget()).isEqualTo(1);
        assertThat(r.totalBudget()).isEqualTo(1);
        assertThat(r.onFailure()).isEqualTo(OnFailure.HALT);
        assertThat(r.canaryCount()).isEqualTo(1);
        assertThat(r.canaryBakeSeconds()).isGreaterThan(r.bakeSeconds());
        assertThat(r.regionOrder()).containsExactly(Region.values());
        assertThat(r.controlChecks()).isTrue();
        assertThat(r.continueOtherRegions()).isFalse();
    }

    @Test
    void maxUnavailableBelowMaxParallelIsRefusedBecauseTheWaveCouldNeverFillUp() {
        FleetPlan p = new FleetPlan(null, null, 3, 2, null, null, null, null, null, null, null, null, null);
        assertThat(p.validate(Set.of())).extracting(FieldProblem::field).containsExactly("plan.maxUnavailable");
    }

    @Test
    void aSelectorNeedsEitherLeaseIdsOrAMatchButNotBoth() {
        assertThat(new FleetSelector(null, null, null, null).validate()).extracting(FieldProblem::field)
                .containsExactly("selector");
        assertThat(new FleetSelector(List.of("a"), List.of("HK"), null, null).validate()).extracting(FieldProblem::field)
                .containsExactly("selector");
        assertThat(new FleetSelector(null, List.of("HK", "MARS"), "canary", null).validate())
                .extracting(FieldProblem::field).containsExactly("selector.regions[1]", "selector.stage");
        assertThat(new FleetSelector(null, List.of("HK"), "PRODUCTION", Map.of("tier", "gold")).validate()).isEmpty();
    }

    @Test
    void aLabelSelectorMatchesOnlyLeasesWithEveryLabel() {
        FleetSelector s = new FleetSelector(null, List.of("HK", "JP"), null, Map.of("tier", "gold"));
        assertThat(s.matches(new LeaseCandidate("a", Region.HK, false, Map.of("tier", "gold", "x", "y")))).isTrue();
        assertThat(s.matches(new LeaseCandidate("b", Region.HK, false, Map.of("tier", "silver")))).isFalse();
        assertThat(s.matches(new LeaseCandidate("c", Region.US, false, Map.of("tier", "gold")))).isFalse();
    }
}
