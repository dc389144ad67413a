package com.maclogin.cutover.notifier.service;

import static com.maclogin.cutover.contracts.LeaseHealthEventKind.CERT_EXPIRING;
import static com.maclogin.cutover.contracts.LeaseHealthEventKind.CERT_RENEWED;
import static com.maclogin.cutover.contracts.LeaseHealthEventKind.STATE_CHANGED;
import static com.maclogin.cutover.contracts.LeaseHealthState.DEGRADED;
import static com.maclogin.cutover.contracts.LeaseHealthState.DOWN;
import static com.maclogin.cutover.contracts.LeaseHealthState.HEALTHY;
import static com.maclogin.cutover.contracts.LeaseHealthState.UNKNOWN;
import static com.maclogin.cutover.contracts.LeaseHealthState.UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.AlertKind;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.Decision;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.Known;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.Placement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LeaseAlertRules} as tables: a sequence of lease.health events for one lease, and what each posts and where.
 * Plain JUnit, no container.
 */
class LeaseAlertRulesTest {

    private static final Instant T0 = Instant.parse("2026-12-06T05:00:00Z");

    /** One event of a sequence: kind, previous and new state, minutes after T0 (its since/timestamp), alert. */
    private record E(LeaseHealthEventKind kind, LeaseHealthState prev, LeaseHealthState state, int minute,
            boolean alert) {
        LeaseHealthEvent event() {
            Instant at = T0.plusSeconds(60L * minute);
            return new LeaseHealthEvent("m-" + minute + "-" + state, "hk-1", at, 1, Region.HK, "PRODUCTION", kind,
                    state, prev, "why", at, kind == STATE_CHANGED ? null : 9, null, alert);
        }
    }

    private static E change(LeaseHealthState prev, LeaseHealthState state, int minute, boolean alert) {
        return new E(STATE_CHANGED, prev, state, minute, alert);
    }

    private static E cert(LeaseHealthEventKind kind, int minute, boolean alert) {
        return new E(kind, HEALTHY, HEALTHY, minute, alert);
    }

    /** What each event posts ({@code kind@placement}, or {@code -}), applying the decisions in turn. */
    private static List<String> run(E... events) {
        Known k = Known.NOTHING;
        List<String> out = new ArrayList<>();
        for (E e : events) {
            Decision d = LeaseAlertRules.decide(k, e.event());
            out.add(d.post() == null ? "-" : d.post() + "@" + d.placement());
            k = d.next();
        }
        return out;
    }

    @Test
    void downPostsOnceOpeningAThreadAndItsRecoveryRepliesToIt() {
        assertThat(run(change(HEALTHY, DOWN, 0, true), change(DOWN, HEALTHY, 5, true))).containsExactly(
                "LEASE_DOWN@NEW_THREAD", "LEASE_RECOVERED@DOWN_THREAD");
    }

    @Test
    void aSecondDownWithoutAChangeInBetweenPostsNothingWhateverItsMessageIdOrSince() {
        // two orchestrator instances, a replay with new ids: same state again, later or earlier since
        assertThat(run(change(HEALTHY, DOWN, 2, true), change(HEALTHY, DOWN, 3, true), change(HEALTHY, DOWN, 1, true),
                change(DOWN, HEALTHY, 6, true), change(DOWN, HEALTHY, 7, true))).containsExactly(
                "LEASE_DOWN@NEW_THREAD", "-", "-", "LEASE_RECOVERED@DOWN_THREAD", "-");
    }

    @Test
    void aDownThatBeganQuietlyInsideACutoverAndOutlivedItPostsOnceWhenAlertedAndItsRecoveryReplies() {
        // DOWN inside a cutover (no alert), then the orchestrator's late alert (DOWN to DOWN, the DOWN's own since),
        // a replay of that alert, the recovery
        assertThat(run(change(HEALTHY, DOWN, 0, false), change(DOWN, DOWN, 0, true), change(DOWN, DOWN, 0, true),
                change(DOWN, HEALTHY, 9, true))).containsExactly("-", "LEASE_DOWN@NEW_THREAD", "-",
                "LEASE_RECOVERED@DOWN_THREAD");
    }

    @Test
    void aStaleDownReplayedAfterTheRecoveryPostsNothing() {
        assertThat(run(change(HEALTHY, DOWN, 2, true), change(DOWN, HEALTHY, 6, true), change(HEALTHY, DOWN, 2, true)))
                .containsExactly("LEASE_DOWN@NEW_THREAD", "LEASE_RECOVERED@DOWN_THREAD", "-");
    }

    @Test
    void aRecoveryWithoutAnOpenDownMessageIsStandaloneAndDegradedCountsAsRecovered() {
        assertThat(run(change(DOWN, DEGRADED, 1, true))).containsExactly("LEASE_RECOVERED@NEW_THREAD");
        // DOWN inside a cutover (no alert) then recovered with alert: nothing to reply to
        assertThat(run(change(HEALTHY, DOWN, 0, false), change(DOWN, HEALTHY, 4, true))).containsExactly("-",
                "LEASE_RECOVERED@NEW_THREAD");
    }

    @Test
    void eventsWithoutAlertPostNothingButAreChangesSoTheNextDownPostsAgain() {
        assertThat(run(change(HEALTHY, DOWN, 0, true), change(DOWN, HEALTHY, 3, false), change(HEALTHY, DOWN, 6, true),
                change(DOWN, HEALTHY, 9, true))).containsExactly("LEASE_DOWN@NEW_THREAD", "-",
                "LEASE_DOWN@NEW_THREAD", "LEASE_RECOVERED@DOWN_THREAD");
    }

    @Test
    void downAgainAfterAnotherStateWithoutRecoveringRepliesInTheOpenDownThread() {
        assertThat(run(change(HEALTHY, DOWN, 0, true), change(DOWN, UNREACHABLE, 2, false),
                change(UNREACHABLE, DOWN, 4, true), change(DOWN, HEALTHY, 8, true))).containsExactly(
                "LEASE_DOWN@NEW_THREAD", "-", "LEASE_DOWN@DOWN_THREAD", "LEASE_RECOVERED@DOWN_THREAD");
    }

    @Test
    void anotherAlertedChangeIsAStateMessageInTheOpenDownThreadOrStandalone() {
        assertThat(run(change(HEALTHY, DOWN, 0, true), change(DOWN, UNKNOWN, 2, true))).containsExactly(
                "LEASE_DOWN@NEW_THREAD", "LEASE_STATE_CHANGED@DOWN_THREAD");
        assertThat(run(change(HEALTHY, UNREACHABLE, 0, true))).containsExactly("LEASE_STATE_CHANGED@NEW_THREAD");
    }

    @Test
    void theRecoveryKnowsSinceWhenTheLeaseWasDown() {
        Decision down = LeaseAlertRules.decide(Known.NOTHING, change(HEALTHY, DOWN, 0, true).event());
        Decision up = LeaseAlertRules.decide(down.next(), change(DOWN, HEALTHY, 5, true).event());
        assertThat(up.downSince()).isEqualTo(T0);
        assertThat(up.next().downOpen()).isFalse();
        assertThat(up.placement()).isEqualTo(Placement.DOWN_THREAD);
    }

    @Test
    void certificateWarningPostsOnceAndItsRenewalRepliesToIt() {
        assertThat(run(cert(CERT_EXPIRING, 0, true), cert(CERT_EXPIRING, 60, true), cert(CERT_RENEWED, 120, true),
                cert(CERT_RENEWED, 130, true))).containsExactly("CERT_EXPIRING@NEW_THREAD", "-",
                "CERT_RENEWED@CERT_THREAD", "-");
    }

    @Test
    void aRenewalWithoutAWarningIsStandaloneAndAStaleWarningAfterItPostsNothing() {
        assertThat(run(cert(CERT_RENEWED, 10, true), cert(CERT_EXPIRING, 5, true))).containsExactly(
                "CERT_RENEWED@NEW_THREAD", "-");
    }

    @Test
    void healthAndCertificateAreTrackedApartADownAndACertificateWarningBothPost() {
        assertThat(run(cert(CERT_EXPIRING, 0, true), change(HEALTHY, DOWN, 1, true), cert(CERT_RENEWED, 2, true),
                change(DOWN, HEALTHY, 3, true))).containsExactly("CERT_EXPIRING@NEW_THREAD",
                "LEASE_DOWN@NEW_THREAD", "CERT_RENEWED@CERT_THREAD", "LEASE_RECOVERED@DOWN_THREAD");
    }

    @Test
    void aRepeatOrStaleEventChangesNothingKnown() {
        Decision down = LeaseAlertRules.decide(Known.NOTHING, change(HEALTHY, DOWN, 3, true).event());
        Known k = down.next();
        assertThat(LeaseAlertRules.decide(k, change(HEALTHY, DOWN, 4, true).event()).changes(k)).isFalse();
        assertThat(LeaseAlertRules.decide(k, change(DOWN, HEALTHY, 1, true).event()).changes(k)).isFalse();
        assertThat(LeaseAlertRules.decide(k, change(DOWN, HEALTHY, 5, false).event()).changes(k)).isTrue();
        assertThat(down.post()).isEqualTo(AlertKind.LEASE_DOWN);
    }
}
