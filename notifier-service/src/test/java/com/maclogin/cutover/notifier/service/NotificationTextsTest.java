package com.maclogin.cutover.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.Region;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NotificationTextsTest {

    private static CutoverEvent event(CutoverEventType type) {
        return new CutoverEvent("m-1", "cut-1", "lease-jp-7", Instant.parse("2026-03-01T02:31:00Z"), 1, 2, type,
                Region.JP, "CHG-1234", "2026.9.5", "2026.9.6", "bob (America/New_York)", List.of("slack:#ops"),
                Instant.parse("2026-03-01T02:00:00Z"), Instant.parse("2026-03-01T02:30:00Z"),
                "3 crashes within 5 minutes (limit 3)");
    }

    @ParameterizedTest
    @EnumSource(CutoverEventType.class)
    void everyEventTypeNamesTicketLeaseRegionVersionsAndRollbackOwner(CutoverEventType type) {
        String text = NotificationTexts.render(event(type));
        assertThat(text).contains("CHG-1234", "lease-jp-7", "JP", "2026.9.5", "bob (America/New_York)")
                .doesNotContain("null");
    }

    @ParameterizedTest
    @EnumSource(value = CutoverEventType.class,
            names = {"CUTOVER_FAILED", "CUTOVER_ABORTED", "CUTOVER_PAUSED", "ROLLBACK_STARTED", "ROLLBACK_FAILED"})
    void failuresAndIncidentsCarryTheReasonWithItsNumbers(CutoverEventType type) {
        assertThat(NotificationTexts.render(event(type))).contains("3 crashes within 5 minutes (limit 3)");
    }

    @ParameterizedTest
    @EnumSource(value = CutoverEventType.class,
            names = {"CUTOVER_STARTED", "CUTOVER_GREEN", "CUTOVER_PAUSED", "ROLLBACK_STARTED"})
    void startGreenAndIncidentNameTheCandidateVersion(CutoverEventType type) {
        assertThat(NotificationTexts.render(event(type))).contains("2026.9.6");
    }

    @org.junit.jupiter.api.Test
    void bannerSaysMaintenanceWindowOpenWithStartTimeAndGreenHasBothTimes() {
        assertThat(NotificationTexts.render(event(CutoverEventType.CUTOVER_STARTED)))
                .contains("Maintenance window open", "2026-03-01 02:00:00 UTC");
        assertThat(NotificationTexts.render(event(CutoverEventType.CUTOVER_GREEN)))
                .contains("Cutover green", "2026-03-01 02:00:00 UTC", "2026-03-01 02:30:00 UTC");
    }

    @org.junit.jupiter.api.Test
    void aFailureBeforeTheFlipDoesNotBlameTheGatesWhenAStepFailed() {
        String text = NotificationTexts.render(withReason(CutoverEventType.CUTOVER_FAILED,
                "PARALLEL_RUN FAILED: canary /readyz 503"));
        assertThat(text).startsWith("[FAILED]").contains("before the plist flip").contains("PARALLEL_RUN FAILED")
                .doesNotContain("the inventory gates refused it");
    }

    @org.junit.jupiter.api.Test
    void missingFieldsRenderAsNotAvailableInsteadOfNull() {
        CutoverEvent bare = new CutoverEvent("m", "c", "l", null, 1, 0, CutoverEventType.CUTOVER_FAILED, null, null,
                null, null, null, null, null, null, null);
        assertThat(NotificationTexts.render(bare)).doesNotContain("null").contains("n/a");
    }

    private static CutoverEvent withReason(CutoverEventType type, String reason) {
        CutoverEvent e = event(type);
        return new CutoverEvent(e.messageId(), e.cutoverId(), e.leaseId(), e.timestamp(), 1, 2, type, e.region(),
                e.ticketId(), e.previousVersion(), e.candidateVersion(), e.rollbackOwner(), e.channels(), e.startedAt(),
                e.endedAt(), reason);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            // rollback-service (breach consumed directly)
            "CRASH_LOOP: 3 crashes in 41 s (runs 1 -> 4, last exit 78) (threshold 3 crashes within 300 s)",
            // orchestrator's wording
            "breach ERROR_RATE (ROLLBACK): 7 of 40 synthetic probes failed (17.5%)"})
    void incidentOfABreachShowsTheBreachWithItsNumbersOnItsOwnLine(String reason) {
        String text = NotificationTexts.render(withReason(CutoverEventType.ROLLBACK_STARTED, reason));
        assertThat(text.lines()).contains("Breach: " + reason);
        assertThat(text).startsWith("[INCIDENT]").doesNotContain("Reason:")
                .contains("CHG-1234", "lease-jp-7", "region JP", "2026.9.6", "2026.9.5", "bob (America/New_York)");
    }

    @org.junit.jupiter.api.Test
    void incidentOfAnOperatorRollbackShowsItsReasonLineNotABreach() {
        String text = NotificationTexts.render(withReason(CutoverEventType.ROLLBACK_STARTED,
                "operator rollback: customers report missing replies"));
        assertThat(text.lines()).contains("Reason: operator rollback: customers report missing replies");
        assertThat(text).doesNotContain("Breach:");
    }

    @org.junit.jupiter.api.Test
    void pausedSaysItWaitsForAHumanAndShowsTheBreachTicketLeaseVersionsAndOwner() {
        String reason = "breach LATENCY (PAUSE): integration P95 2400 ms > 5.0 x baseline 300 ms";
        String text = NotificationTexts.render(withReason(CutoverEventType.CUTOVER_PAUSED, reason));
        assertThat(text).startsWith("[PAUSED]").contains("waits for a human decision", "CHG-1234", "lease-jp-7",
                "region JP", "2026.9.5 -> 2026.9.6", "bob (America/New_York)", "2026-03-01 02:31:00 UTC");
        assertThat(text.lines()).contains("Breach: " + reason);
    }

    // ---- SSH host key changed: probe-service's "host key mismatch for %s:%d", as each producer passes it on

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            // orchestrator, INVENTORY refused before the flip
            "CUTOVER_FAILED   | step INVENTORY REFUSED: host key mismatch for 127.0.0.1:2201   | FAILED before the plist flip",
            // orchestrator, a step after the flip refused: it starts the rollback
            "ROLLBACK_STARTED | step RELOAD REFUSED: host key mismatch for 127.0.0.1:2201      | ROLLING_BACK after the plist flip",
            // rollback-service, RESTORE refused
            "ROLLBACK_FAILED  | RESTORE refused by the worker: Host Key Mismatch for 127.0.0.1:2201 | ROLLBACK_FAILED; the lease is left frozen"})
    void hostKeyRefusalGivesTheDedicatedIncidentWithStateTicketOwnerAndRepinAdvice(CutoverEventType type, String reason,
                                                                                 String state) {
        hostKeyIncident(type, reason, state, "host key mismatch for 127.0.0.1:2201");
    }

    // ---- the key changed between two connections of one cutover: probe-service's "host key changed for %s:%d: ..."

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            // orchestrator: SNAPSHOT after FREEZE saw another key (before the flip)
            "CUTOVER_FAILED   | step SNAPSHOT REFUSED: host key changed for 127.0.0.1:2201: the lease no longer presents the pinned key an earlier connection of this cutover verified; not retried | FAILED before the plist flip",
            // orchestrator: VALIDATE after the flip
            "ROLLBACK_STARTED | step VALIDATE REFUSED: host key changed for 127.0.0.1:2201: the lease no longer presents the pinned key an earlier connection of this cutover verified; not retried | ROLLING_BACK after the plist flip",
            // rollback-service
            "ROLLBACK_FAILED  | RESTORE refused by the worker: host key changed for 127.0.0.1:2201: the lease no longer presents the pinned key an earlier connection of this cutover verified; not retried | ROLLBACK_FAILED; the lease is left frozen"})
    void hostKeyChangedWithinTheCutoverGivesTheSameDedicatedIncidentSayingChanged(CutoverEventType type, String reason,
                                                                                String state) {
        hostKeyIncident(type, reason, state, "host key changed for 127.0.0.1:2201");
        // the generic message keeps the whole reason; never "connection lost"
        assertThat(NotificationTexts.render(withReason(type, reason))).contains(reason)
                .doesNotContainIgnoringCase("connection lost");
    }

    private static void hostKeyIncident(CutoverEventType type, String reason, String state, String worker) {
        String text = NotificationTexts.hostKeyIncident(withReason(type, reason));
        assertThat(text).isNotNull();
        assertThat(text.lines().findFirst()).hasValue("[INCIDENT] SSH host key of lease lease-jp-7 changed — the worker "
                + "refused to connect; possible interception or re-provisioned Mac.");
        assertThat(text.lines()).contains(
                "Cutover CHG-1234: " + NotificationTexts.cutoverState(type),
                "Lease: lease-jp-7 (region JP), SSH 127.0.0.1:2201, version 2026.9.5 -> 2026.9.6",
                "Verify the new key out of band before re-pinning it (POST /api/v1/leases with the lease's new hostKey).",
                "Rollback owner: bob (America/New_York)");
        assertThat(NotificationTexts.cutoverState(type)).startsWith(state);
        assertThat(text).containsIgnoringCase("Worker: " + worker).doesNotContain("null");
    }

    @org.junit.jupiter.api.Test
    void hostKeyIncidentCarriesOnlyTheMatchedRefusalNeverMoreOfTheReason() {
        String reason = "step INVENTORY REFUSED: host key mismatch for lease-7.example.net:22 "
                + "(offered ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyMaterialThatMustNotBePosted)";
        String text = NotificationTexts.hostKeyIncident(withReason(CutoverEventType.CUTOVER_FAILED, reason));
        assertThat(text).contains("SSH lease-7.example.net:22", "Worker: host key mismatch for lease-7.example.net:22")
                .doesNotContain("AAAA").doesNotContain("ssh-ed25519").doesNotContain("INVENTORY");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "step INVENTORY FAILED: ssh unavailable: connection refused",
            "CRASH_LOOP: 3 crashes in 41 s (threshold 3 crashes within 300 s)",
            "operator rollback: the host key mismatch was reported by a customer",
            "host key mismatch"})
    void otherReasonsGiveNoHostKeyIncident(String reason) {
        assertThat(NotificationTexts.hostKeyIncident(withReason(CutoverEventType.ROLLBACK_STARTED, reason))).isNull();
    }

    @org.junit.jupiter.api.Test
    void eventWithoutReasonGivesNoHostKeyIncident() {
        assertThat(NotificationTexts.hostKeyIncident(withReason(CutoverEventType.CUTOVER_FAILED, null))).isNull();
    }

    @ParameterizedTest
    @EnumSource(CutoverEventType.class)
    void everyMessageButTheRoutineStartIsBroadcastAndCarriesRegionVersionsAndALinkToTheCutover(CutoverEventType type) {
        com.maclogin.cutover.notifier.format.ChatMessage m = NotificationTexts.message(event(type));
        assertThat(m.broadcast()).isEqualTo(type != CutoverEventType.CUTOVER_STARTED);
        assertThat(m.fields()).extracting(com.maclogin.cutover.notifier.format.ChatMessage.Field::value)
                .contains("JP", "2026.9.5 → 2026.9.6", "lease-jp-7", "bob (America/New_York)");
        assertThat(m.link().path()).isEqualTo("/cutovers/cut-1");
        boolean hasReason = m.text().contains("3 crashes within 5 minutes");
        assertThat(m.reason()).isEqualTo(hasReason ? "3 crashes within 5 minutes (limit 3)" : null);
        if (hasReason) {
            // the reason's label is the one its line in the text has
            assertThat(m.text()).contains(m.reasonLabel() + ": 3 crashes within 5 minutes");
        }
    }

    @org.junit.jupiter.api.Test
    void aTenThousandCharacterReasonIsCutOnOneLineWithTheMarker() {
        CutoverEvent e = event(CutoverEventType.ROLLBACK_STARTED).toBuilder()
                .reason("line one\nline two " + "x".repeat(10_000)).build();
        String text = NotificationTexts.render(e);
        String reasonLine = text.lines().filter(l -> l.startsWith("Reason: ")).findFirst().orElseThrow();
        assertThat(reasonLine).startsWith("Reason: line one line two xxx")
                .hasSize("Reason: ".length() + NotificationTexts.MAX_REASON)
                .endsWith(com.maclogin.cutover.notifier.format.Truncation.MARKER);
        assertThat(text).endsWith("Started: 2026-03-01 02:00:00 UTC");
    }

    @org.junit.jupiter.api.Test
    void theHostKeyIncidentMessageShowsOnlyTheMatchedRefusalAsItsReasonAndIsBroadcast() {
        CutoverEvent e = event(CutoverEventType.ROLLBACK_STARTED).toBuilder()
                .reason("step RELOAD REFUSED: host key mismatch for 10.0.0.5:22 (got ssh-ed25519 AAAAsecretish)").build();
        com.maclogin.cutover.notifier.format.ChatMessage m = NotificationTexts.hostKeyIncidentMessage(e);
        assertThat(m.reason()).isEqualTo("host key mismatch for 10.0.0.5:22");
        assertThat(m.reasonLabel()).isEqualTo("Worker");
        assertThat(m.broadcast()).isTrue();
        assertThat(NotificationTexts.hostKeyIncidentMessage(event(CutoverEventType.ROLLBACK_STARTED))).isNull();
    }
}
