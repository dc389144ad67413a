package com.maclogin.cutover.probe.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.TriggerThresholds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit test (no SSH): a probe plan built in Java with an immutable layer list is judged, not crashed on. */
class ProbeWindowPlanTest {

    private static ProbePlan plan(List<ProbeLayer> layers) {
        return ProbePlan.builder().layers(layers).intervalMillis(1000).windowSeconds(60)
                .thresholds(TriggerThresholds.playbook()).build();
    }

    @Test
    void aPlanWithAnImmutableLayerListIsAcceptedInsteadOfThrowingOnTheNullCheck() {
        // List.of(...).contains(null) throws NullPointerException: the check must not use it
        assertThat(ProbeWindow.validate(plan(List.of(ProbeLayer.PROCESS, ProbeLayer.TCP)))).isNull();
    }

    @Test
    void aNullOrEmptyLayerListOrANullLayerIsRefusedWithTheReason() {
        List<ProbeLayer> withNull = new ArrayList<>(Arrays.asList(ProbeLayer.PROCESS, null));
        assertThat(ProbeWindow.validate(plan(withNull))).isEqualTo("layers must name at least one layer");
        assertThat(ProbeWindow.validate(plan(List.of()))).isEqualTo("layers must name at least one layer");
        assertThat(ProbeWindow.validate(plan(null))).isEqualTo("layers must name at least one layer");
    }
}
