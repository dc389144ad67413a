package com.maclogin.cutover.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.notifier.format.ChatMessage;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.AlertKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The words of the lease alerts. Plain JUnit. */
class LeaseAlertTextsTest {

    private static final Instant SINCE = Instant.parse("2026-12-06T05:10:00Z");

    private static LeaseHealthEvent event(LeaseHealthEventKind kind, LeaseHealthState prev, LeaseHealthState state,
            Integer days, String stage, String cutover) {
        return new LeaseHealthEvent("m-1", "hk-7", SINCE.plusSeconds(2), 1, Region.HK, stage, kind, state, prev,
                "launchd: not running (last exit 78)", SINCE, days, cutover, true);
    }

    @Test
    void downSaysLeaseRegionStageSinceAndReasonInItsHeadline() {
        ChatMessage m = LeaseAlertTexts.message(AlertKind.LEASE_DOWN, event(LeaseHealthEventKind.STATE_CHANGED,
                LeaseHealthState.HEALTHY, LeaseHealthState.DOWN, null, "PRODUCTION", null), null);
        assertThat(m.text().lines().findFirst().orElseThrow()).isEqualTo("[LEASE DOWN] lease hk-7 (HK, PRODUCTION) is "
                + "DOWN since 2026-12-06 05:10:00 UTC: launchd: not running (last exit 78)");
        assertThat(m.text()).contains("Previous state: HEALTHY", "/api/v1/leases/hk-7/health");
        assertThat(m.fields()).extracting(ChatMessage.Field::value).contains("hk-7", "HK", "PRODUCTION",
                "HEALTHY → DOWN");
        assertThat(m.link()).isNull();
        // a DOWN again inside its open thread is not broadcast into the channel; the end of an alert is
        assertThat(m.broadcast()).isFalse();
        assertThat(LeaseAlertTexts.message(AlertKind.LEASE_RECOVERED, event(LeaseHealthEventKind.STATE_CHANGED,
                LeaseHealthState.DOWN, LeaseHealthState.HEALTHY, null, "PRODUCTION", null), null).broadcast()).isTrue();
    }

    @Test
    void recoverySaysHowLongTheLeaseWasDownWhenKnownAndWithoutAStageOmitsIt() {
        LeaseHealthEvent up = event(LeaseHealthEventKind.STATE_CHANGED, LeaseHealthState.DOWN,
                LeaseHealthState.DEGRADED, null, null, "cut-9");
        assertThat(LeaseAlertTexts.message(AlertKind.LEASE_RECOVERED, up, SINCE.minusSeconds(750)).text())
                .startsWith("[LEASE RECOVERED] lease hk-7 (HK) is DEGRADED again since 2026-12-06 05:10:00 UTC, after "
                        + "12 min 30 s DOWN (since 2026-12-06 04:57:30 UTC)");
        assertThat(LeaseAlertTexts.message(AlertKind.LEASE_RECOVERED, up, null).text())
                .startsWith("[LEASE RECOVERED] lease hk-7 (HK) is DEGRADED again since 2026-12-06 05:10:00 UTC (was DOWN)");
        // a cutover runs on the lease: Slack links to it
        assertThat(LeaseAlertTexts.message(AlertKind.LEASE_RECOVERED, up, null).link().path()).isEqualTo("/cutovers/cut-9");
    }

    @Test
    void certificateWarningSaysTheDaysLeftAndTheRenewalToo() {
        assertThat(LeaseAlertTexts.message(AlertKind.CERT_EXPIRING, event(LeaseHealthEventKind.CERT_EXPIRING,
                LeaseHealthState.HEALTHY, LeaseHealthState.HEALTHY, 9, "STAGING", null), null).text())
                .startsWith("[CERT EXPIRING] certificate of lease hk-7 (HK, STAGING) expires in 9 days");
        assertThat(LeaseAlertTexts.message(AlertKind.CERT_RENEWED, event(LeaseHealthEventKind.CERT_RENEWED,
                LeaseHealthState.HEALTHY, LeaseHealthState.HEALTHY, 89, "STAGING", null), null).text())
                .startsWith("[CERT RENEWED] certificate of lease hk-7 (HK, STAGING) renewed: 89 days left");
        assertThat(LeaseAlertTexts.expires(1)).isEqualTo("expires in 1 day");
        assertThat(LeaseAlertTexts.expires(0)).isEqualTo("expires today");
        assertThat(LeaseAlertTexts.expires(-2)).isEqualTo("has expired (2 days ago)");
        assertThat(LeaseAlertTexts.expires(null)).isEqualTo("expires soon (days left unknown)");
    }

    @ParameterizedTest
    @EnumSource(AlertKind.class)
    void everyAlertHasATaggedHeadlineNamingTheLeaseAndNoNullsEvenWithoutFacts(AlertKind kind) {
        LeaseHealthEvent bare = new LeaseHealthEvent("m-2", "kr-2", null, 1, null, null,
                LeaseHealthEventKind.STATE_CHANGED, LeaseHealthState.DOWN, null, null, null, null, null, true);
        String text = LeaseAlertTexts.message(kind, bare, null).text();
        assertThat(text).startsWith("[").contains("kr-2").doesNotContain("null");
    }

    @Test
    void aLongReasonIsPutOnOneLineAndCut() {
        LeaseHealthEvent e = new LeaseHealthEvent("m-3", "hk-7", SINCE, 1, Region.HK, "PRODUCTION",
                LeaseHealthEventKind.STATE_CHANGED, LeaseHealthState.DOWN, LeaseHealthState.HEALTHY,
                "line one\nRollback owner: mallory\n" + "x".repeat(5000), SINCE, null, null, true);
        String text = LeaseAlertTexts.message(AlertKind.LEASE_DOWN, e, null).text();
        assertThat(text.lines()).noneMatch(l -> l.startsWith("Rollback owner:"));
        assertThat(text.length()).isLessThan(2000);
    }
}
