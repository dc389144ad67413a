package com.maclogin.cutover.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.FleetEvent;
import com.maclogin.cutover.contracts.FleetEventType;
import com.maclogin.cutover.contracts.Region;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FleetTextsTest {

    private static final Instant START = Instant.parse("2026-03-01T02:00:00Z");

    private static FleetEvent event(FleetEventType type, String state) {
        return new FleetEvent("m-1", "fleet-1", START.plusSeconds(60), 1, type, "CHG-77", "2026.9.6",
                "bob (America/New_York)", List.of("slack:#ops"), 1, "canary", Region.KR, "lease-kr-3", "cut-kr-3",
                Map.of("GREEN", 9, "ROLLED_BACK", 2, "FAILED", 1, "ROLLBACK_FAILED", 1), "canary then 5 regions",
                "budget 3 of 3 reached", state, START, START.plusSeconds(3725));
    }

    private static CutoverEvent member(CutoverEventType type, String reason) {
        return CutoverEvent.builder().cutoverId("cut-kr-3").leaseId("lease-kr-3").type(type).region(Region.KR)
                .ticketId("CHG-77").previousVersion("2026.9.5").candidateVersion("2026.9.6")
                .rollbackOwner("bob (America/New_York)").reason(reason).fleetId("fleet-1").wave(1).build();
    }

    @ParameterizedTest
    @EnumSource(FleetEventType.class)
    void everyFleetEventHasATaggedHeadlineWithTheTicketAndNoNulls(FleetEventType type) {
        String text = FleetTexts.render(event(type, "RUNNING"), false);
        assertThat(text).startsWith("[").contains("CHG-77").doesNotContain("null");
    }

    @Test
    void bannerNamesVersionPlanSummaryRollbackOwnerAndChannels() {
        assertThat(FleetTexts.render(event(FleetEventType.FLEET_STARTED, "RUNNING"), false))
                .startsWith("[FLEET MAINTENANCE]")
                .contains("2026.9.6", "Plan: canary then 5 regions", "Rollback owner: bob (America/New_York)",
                        "slack:#ops", "Started: 2026-03-01 02:00:00 UTC");
    }

    @Test
    void finalSummaryCountsGreenRolledBackAndBothFailuresAndSaysWhetherTheFleetHalted() {
        String halted = FleetTexts.render(event(FleetEventType.FLEET_ENDED, "HALTED"), false);
        assertThat(halted).contains("GREEN: 9, rolled back: 2, failed: 2, halted: yes", "Duration: 1 h 02 min 05 s",
                "Summary: canary then 5 regions", "Rollback owner: bob (America/New_York)");
        assertThat(FleetTexts.render(event(FleetEventType.FLEET_ENDED, "DONE"), false)).contains("halted: no");
        // halted earlier in the thread, ended later (e.g. after an operator's rollback): still halted
        assertThat(FleetTexts.render(event(FleetEventType.FLEET_ENDED, "ROLLED_BACK"), true)).contains("halted: yes");
    }

    @Test
    void waveMessagesNameTheWaveAndItsCountsInAFixedOrder() {
        assertThat(FleetTexts.render(event(FleetEventType.WAVE_ENDED, "RUNNING"), false))
                .startsWith("[WAVE 1 ENDED]").contains("wave 1 (canary)",
                        "Leases: GREEN 9, ROLLED_BACK 2, FAILED 1, ROLLBACK_FAILED 1");
        assertThat(FleetTexts.counts(Map.of("ZOMBIE", 1, "PENDING", 2, "GREEN", 3)))
                .isEqualTo("GREEN 3, PENDING 2, ZOMBIE 1");
        assertThat(FleetTexts.counts(Map.of())).isEqualTo("n/a");
    }

    @Test
    void regionPauseAndLeaseIncidentNameRegionLeaseAndReason() {
        assertThat(FleetTexts.render(event(FleetEventType.REGION_PAUSED, "RUNNING"), false))
                .startsWith("[REGION PAUSED]").contains("region KR", "Reason: budget 3 of 3 reached");
        assertThat(FleetTexts.render(event(FleetEventType.LEASE_INCIDENT, "RUNNING"), false))
                .startsWith("[LEASE INCIDENT]").contains("lease-kr-3 (region KR, wave 1)", "cut-kr-3");
    }

    @ParameterizedTest
    @EnumSource(value = CutoverEventType.class, names = {"CUTOVER_STARTED", "CUTOVER_GREEN"})
    void aFleetLeasesStartAndGreenPostNothingTheWaveCountsCarryThem(CutoverEventType type) {
        assertThat(FleetTexts.member(member(type, null))).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = CutoverEventType.class, mode = EnumSource.Mode.EXCLUDE,
            names = {"CUTOVER_STARTED", "CUTOVER_GREEN"})
    void aFleetLeasesIncidentNamesLeaseRegionWaveVersionsReasonAndOwner(CutoverEventType type) {
        assertThat(FleetTexts.member(member(type, "operator asked")))
                .startsWith("[").contains("CHG-77", "lease-kr-3 (region KR, wave 1)",
                        "previous 2026.9.5, candidate 2026.9.6", "operator asked", "cut-kr-3", "bob (America/New_York)")
                .doesNotContain("null");
    }

    @Test
    void aFleetLeasesBreachIsShownOnABreachLine() {
        assertThat(FleetTexts.member(member(CutoverEventType.ROLLBACK_STARTED, "CRASH_LOOP: 3 crashes in 41 s")))
                .contains("Breach: CRASH_LOOP: 3 crashes in 41 s");
    }

    @Test
    void durationsReadAsHoursMinutesSecondsAndNaWithoutBothEnds() {
        assertThat(FleetTexts.duration(START, START.plusSeconds(40))).isEqualTo("40 s");
        assertThat(FleetTexts.duration(START, START.plusSeconds(720))).isEqualTo("12 min 00 s");
        assertThat(FleetTexts.duration(START, null)).isEqualTo("n/a");
        assertThat(FleetTexts.duration(START, START.minusSeconds(1))).isEqualTo("n/a");
    }
}
