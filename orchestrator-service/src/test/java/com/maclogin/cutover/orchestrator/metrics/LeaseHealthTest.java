package com.maclogin.cutover.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.orchestrator.CutoverState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Plain JUnit, table style: the {@code cutover_leases{health}} value of a lease from its latest cutover's state. */
class LeaseHealthTest {

    @ParameterizedTest(name = "latest cutover {0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "none, idle",
            "PENDING, in_cutover", "GATING, in_cutover", "RUNNING, in_cutover", "VALIDATING, in_cutover",
            "PAUSED, in_cutover", "ROLLING_BACK, in_cutover",
            "GREEN, idle", "ABORTED, idle",
            "FAILED, last_cutover_failed", "ROLLED_BACK, last_cutover_failed",
            "ROLLBACK_FAILED, rollback_failed",
            "SOME_FUTURE_STATE, idle"})
    void aLeasesHealthFollowsItsLatestCutover(String latest, String health) {
        assertThat(OrchestratorMetrics.health(latest)).isEqualTo(health);
        assertThat(OrchestratorMetrics.LEASE_HEALTH).contains(health);
    }

    @ParameterizedTest(name = "{0} is in the table")
    @org.junit.jupiter.params.provider.EnumSource(CutoverState.class)
    void everyStateHasAHealth(CutoverState s) {
        assertThat(OrchestratorMetrics.LEASE_HEALTH).contains(OrchestratorMetrics.health(s.name()));
    }
}
