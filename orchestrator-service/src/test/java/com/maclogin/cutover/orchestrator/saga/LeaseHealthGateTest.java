package com.maclogin.cutover.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.orchestrator.saga.LeaseHealthGate.Change;
import com.maclogin.cutover.orchestrator.saga.LeaseHealthGate.Current;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** LEASE_HEALTH's decision table: current health, the changes of the last 10 minutes, the override. */
class LeaseHealthGateTest {

    static final Instant NOW = Instant.parse("2026-12-06T06:00:00Z");
    static final Duration WINDOW = Duration.ofMinutes(10);

    static Instant ago(int minutes) {
        return NOW.minus(Duration.ofMinutes(minutes));
    }

    static Current current(String state, int sinceMinutesAgo, String reason, boolean crashLooping) {
        return new Current(state, reason, ago(sinceMinutesAgo), NOW.minusSeconds(20), crashLooping);
    }

    static Change change(String state, String previous, int minutesAgo, String reason, boolean crashLooping) {
        return new Change(state, previous, reason, crashLooping, ago(minutesAgo));
    }

    static Stream<Arguments> table() {
        Current healthy = current("HEALTHY", 3, null, false);
        return Stream.of(
                // case, current, changes, passes, reason fragment
                Arguments.of("never reported", null, List.of(), true,
                        "no lease health recorded: the continuous watch has not reported on this lease yet (UNKNOWN passes"),
                Arguments.of("UNKNOWN (reports stopped)", current("UNKNOWN", 20, "no report for 3 intervals", false),
                        List.of(change("UNKNOWN", "HEALTHY", 20, "no report for 3 intervals", false)), true,
                        "UNKNOWN passes: a lease nobody watched recently must not block"),
                Arguments.of("HEALTHY for an hour", current("HEALTHY", 60, null, false),
                        List.of(change("HEALTHY", "DEGRADED", 60, null, false)), true,
                        "lease health HEALTHY since " + ago(60) + "; not DOWN or crash-looping in the last 10 minutes"),
                Arguments.of("DEGRADED (disk low)", current("DEGRADED", 30, "DISK 8% free", false), List.of(), true,
                        "lease health DEGRADED"),
                Arguments.of("UNREACHABLE", current("UNREACHABLE", 2, "ssh: connection refused", false), List.of(), true,
                        "lease health UNREACHABLE"),
                Arguments.of("DOWN now", current("DOWN", 4, "/readyz answered 503", false),
                        List.of(change("DOWN", "HEALTHY", 4, "/readyz answered 503", false)), false,
                        "fix the lease first: DOWN since " + ago(4) + ": /readyz answered 503 (DOWN or crash-looping within"),
                Arguments.of("DOWN now, and crash-looping before", current("DOWN", 4, "/readyz answered 503", false),
                        List.of(change("DEGRADED", "HEALTHY", 7, "runs 3 -> 6", true),
                                change("DOWN", "DEGRADED", 4, "/readyz answered 503", false)), false,
                        "fix the lease first: DOWN since " + ago(4) + ": /readyz answered 503 (2 DOWN or crash-looping "
                                + "findings in the last 10 minutes)"),
                Arguments.of("DOWN 5 minutes ago, HEALTHY since 3", healthy,
                        List.of(change("DOWN", "HEALTHY", 5, "launchd state exited, last exit 1", false),
                                change("HEALTHY", "DOWN", 3, null, false)), false,
                        "fix the lease first: DOWN at " + ago(5) + ": launchd state exited, last exit 1 (DOWN or "
                                + "crash-looping within the last 10 minutes)"),
                Arguments.of("crash-looping 2 minutes ago while DEGRADED", current("DEGRADED", 2, "runs 7 -> 10", true),
                        List.of(change("DEGRADED", "HEALTHY", 2, "runs 7 -> 10", true)), false,
                        "fix the lease first: crash-looping (health DEGRADED) since " + ago(2) + ": runs 7 -> 10"),
                Arguments.of("DOWN 15 minutes ago, HEALTHY since 12: outside the window", current("HEALTHY", 12, null, false),
                        List.of(change("DOWN", "HEALTHY", 15, "TCP refused", false),
                                change("HEALTHY", "DOWN", 12, null, false)), true, "lease health HEALTHY"),
                Arguments.of("DOWN from 15 minutes ago until 5: DOWN inside the window", healthy,
                        List.of(change("DOWN", "HEALTHY", 15, "TCP refused", false),
                                change("HEALTHY", "DOWN", 5, null, false)), false,
                        "fix the lease first: DOWN from " + ago(15) + " until " + ago(5) + ": TCP refused"),
                Arguments.of("DEGRADED 8 minutes ago (no DOWN)", healthy,
                        List.of(change("DEGRADED", "HEALTHY", 8, "TLS 10 days left", false),
                                change("HEALTHY", "DEGRADED", 3, null, false)), true, "lease health HEALTHY"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decisionTable(String name, Current current, List<Change> changes, boolean passes, String reason) {
        GateVerdict v = LeaseHealthGate.evaluate(current, changes, NOW, WINDOW, null);

        assertThat(v.gate()).isEqualTo("LEASE_HEALTH");
        assertThat(v.passed()).as(v.reason()).isEqualTo(passes);
        assertThat(v.reason()).contains(reason);
        if (!passes) {
            assertThat(v.reason()).endsWith("override gates.leaseHealth=false with a reason and an approver");
        }
    }

    @Test
    void anApprovedOverrideLetsADownLeaseThroughAndRecordsTheOverrideAndWhatItAccepted() {
        GateVerdict v = LeaseHealthGate.evaluate(current("DOWN", 4, "/readyz answered 503", false), List.of(), NOW,
                WINDOW, "ops-bot: gateway is being replaced by this cutover");

        assertThat(v.passed()).isTrue();
        assertThat(v.reason()).isEqualTo("overridden by ops-bot: gateway is being replaced by this cutover (fix the "
                + "lease first: DOWN since " + ago(4) + ": /readyz answered 503 (DOWN or crash-looping within the last "
                + "10 minutes))");
        assertThat(v.evidence()).containsEntry("override", "ops-bot: gateway is being replaced by this cutover")
                .containsEntry("state", "DOWN");
    }

    @Test
    void anOverrideChangesNothingForAHealthyLease() {
        GateVerdict v = LeaseHealthGate.evaluate(current("HEALTHY", 60, null, false), List.of(), NOW, WINDOW,
                "ops-bot: just in case");

        assertThat(v.passed()).isTrue();
        assertThat(v.reason()).startsWith("lease health HEALTHY");
        assertThat(v.evidence()).doesNotContainKey("override");
    }

    @Test
    void aDownDuringAnotherCutoverOfTheLeaseIsTheProductsOwnRestartAndDoesNotRefuse() {
        // the previous cutover ran 9..4 minutes ago; its restart drill took the gateway DOWN 6 minutes ago
        List<Change> changes = List.of(change("DOWN", "HEALTHY", 6, "/readyz answered 503", false),
                change("HEALTHY", "DOWN", 6 - 1, null, false));
        List<LeaseHealthGate.OwnCutover> own = List.of(new LeaseHealthGate.OwnCutover("c-prev", ago(9), ago(4)));

        GateVerdict v = LeaseHealthGate.evaluate(current("HEALTHY", 5, null, false), changes, NOW, WINDOW, null, own,
                Duration.ofMinutes(2));

        assertThat(v.passed()).as(v.reason()).isTrue();
        assertThat(v.evidence().get("excused")).isEqualTo("DOWN at " + ago(6) + " during cutover c-prev (the product's "
                + "own restarts)");
    }

    @Test
    void aDownAfterAnotherCutoverEndedPlusTheGraceStillRefuses() {
        List<Change> changes = List.of(change("DOWN", "HEALTHY", 3, "TCP refused", false),
                change("HEALTHY", "DOWN", 2, null, false));
        List<LeaseHealthGate.OwnCutover> own = List.of(new LeaseHealthGate.OwnCutover("c-prev", ago(9), ago(6)));

        GateVerdict v = LeaseHealthGate.evaluate(current("HEALTHY", 2, null, false), changes, NOW, WINDOW, null, own,
                Duration.ofMinutes(2));

        assertThat(v.passed()).isFalse();
        assertThat(v.reason()).startsWith("fix the lease first: DOWN at " + ago(3) + ": TCP refused");
    }

    @Test
    void aLeaseStillDownAfterAnotherCutoverIsRefusedOnItsCurrentHealth() {
        List<Change> changes = List.of(change("DOWN", "HEALTHY", 6, "launchd state exited", false));
        List<LeaseHealthGate.OwnCutover> own = List.of(new LeaseHealthGate.OwnCutover("c-prev", ago(9), ago(4)));

        GateVerdict v = LeaseHealthGate.evaluate(current("DOWN", 6, "launchd state exited", false), changes, NOW, WINDOW,
                null, own, Duration.ofMinutes(2));

        assertThat(v.passed()).isFalse();
        assertThat(v.reason()).startsWith("fix the lease first: DOWN since " + ago(6) + ": launchd state exited");
    }

    @Test
    void aDownRecordedDuringAnotherCutoverThatThenEndedGreenOrRolledBackDoesNotRefuseBeforeTheWatchLooksAgain() {
        // the previous cutover ran 9..4 minutes ago; the watch's only round in it (6 minutes ago) caught its restart,
        // and with a slow watch interval nothing newer has been observed
        Current down = new Current("DOWN", "application: /readyz 503 failing [startup-sidecars]", ago(6), ago(6), false);
        List<Change> changes = List.of(change("DOWN", "UNKNOWN", 6, "application: /readyz 503", false));
        for (String ended : List.of("GREEN", "ROLLED_BACK")) {
            List<LeaseHealthGate.OwnCutover> own = List.of(new LeaseHealthGate.OwnCutover("c-prev", ago(9), ago(4), ended));

            GateVerdict v = LeaseHealthGate.evaluate(down, changes, NOW, WINDOW, null, own, Duration.ofMinutes(2));

            assertThat(v.passed()).as(ended + ": " + v.reason()).isTrue();
            assertThat(v.reason()).startsWith("lease health DOWN since " + ago(6) + " was recorded during cutover c-prev, "
                    + "which ended " + ended + " at " + ago(4) + " with the gateway serving");
            assertThat(v.evidence().get("excused")).contains("current DOWN since " + ago(6) + ", last observed " + ago(6));
        }
        // a cutover that ended otherwise (FAILED, ABORTED, still active) verified nothing: refused on the current health
        for (LeaseHealthGate.OwnCutover other : List.of(new LeaseHealthGate.OwnCutover("c-prev", ago(9), ago(4), "FAILED"),
                new LeaseHealthGate.OwnCutover("c-prev", ago(9), null, null))) {
            assertThat(LeaseHealthGate.evaluate(down, changes, NOW, WINDOW, null, List.of(other), Duration.ofMinutes(2))
                    .passed()).as(String.valueOf(other)).isFalse();
        }
        // observed DOWN again after the verified end: the lease really is down
        Current stillDown = new Current("DOWN", "launchd state exited", ago(6), ago(1), false);
        assertThat(LeaseHealthGate.evaluate(stillDown, changes, NOW, WINDOW, null,
                List.of(new LeaseHealthGate.OwnCutover("c-prev", ago(9), ago(4), "GREEN")), Duration.ofMinutes(2))
                .passed()).isFalse();
    }

    @Test
    void aCrashLoopThatIsOnlyThePreviousCutoversReloadAndDrillDoesNotRefuse() {
        // launchd's run counter grew by 2 (RELOAD, restart drill) during c-prev: the watch says DOWN, crash-looping,
        // for its crash-loop window although /healthz and /readyz answer
        String reason = "crash loop: launchd run counter grew by 2 within 10 minutes";
        Current looping = current("DOWN", 6, reason, true);
        List<Change> changes = List.of(change("DOWN", "HEALTHY", 6, reason, true));
        List<LeaseHealthGate.OwnCutover> own = List.of(new LeaseHealthGate.OwnCutover("c-prev", ago(9), ago(4)));

        GateVerdict v = LeaseHealthGate.evaluate(looping, changes, NOW, WINDOW, null, own, Duration.ofMinutes(2));

        assertThat(v.passed()).as(v.reason()).isTrue();
        assertThat(v.reason()).startsWith("lease health DOWN (crash-looping) since " + ago(6) + " only because cutover "
                + "c-prev restarted the gateway");
        assertThat(v.evidence().get("excused")).contains("current DOWN (crash-looping) since " + ago(6));
        // without the other cutover it is refused
        assertThat(LeaseHealthGate.evaluate(looping, changes, NOW, WINDOW, null).passed()).isFalse();
    }

    @Test
    void aCrashLoopDuringThePreviousCutoverWithTheApplicationFailingStillRefuses() {
        String reason = "application: /readyz answered 503; crash loop: launchd run counter grew by 3 within 10 minutes";
        Current down = current("DOWN", 6, reason, true);
        List<LeaseHealthGate.OwnCutover> own = List.of(new LeaseHealthGate.OwnCutover("c-prev", ago(9), ago(4)));

        GateVerdict v = LeaseHealthGate.evaluate(down, List.of(change("DOWN", "HEALTHY", 6, reason, true)), NOW, WINDOW,
                null, own, Duration.ofMinutes(2));

        assertThat(v.passed()).isFalse();
        assertThat(v.reason()).startsWith("fix the lease first: DOWN (crash-looping) since " + ago(6)
                + ": application: /readyz answered 503");
    }

    @Test
    void theEvidenceOfAnUnwatchedLeaseSaysUnknownPasses() {
        GateVerdict v = LeaseHealthGate.evaluate(null, null, NOW, WINDOW, null);

        assertThat(v.evidence()).containsEntry("state", "UNKNOWN (never reported)")
                .containsEntry("note", "UNKNOWN passes: a lease nobody watched yet must not block")
                .containsEntry("window", "PT10M").containsEntry("windowStart", ago(10).toString());
    }
}
