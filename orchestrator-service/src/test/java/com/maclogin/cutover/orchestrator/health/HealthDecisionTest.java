package com.maclogin.cutover.orchestrator.health;

import static com.maclogin.cutover.contracts.LeaseHealthEventKind.CERT_EXPIRING;
import static com.maclogin.cutover.contracts.LeaseHealthEventKind.CERT_RENEWED;
import static com.maclogin.cutover.contracts.LeaseHealthEventKind.STATE_CHANGED;
import static com.maclogin.cutover.contracts.LeaseHealthState.DEGRADED;
import static com.maclogin.cutover.contracts.LeaseHealthState.DOWN;
import static com.maclogin.cutover.contracts.LeaseHealthState.HEALTHY;
import static com.maclogin.cutover.contracts.LeaseHealthState.UNKNOWN;
import static com.maclogin.cutover.contracts.LeaseHealthState.UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.orchestrator.health.HealthDecision.Emitted;
import com.maclogin.cutover.orchestrator.health.HealthDecision.Held;
import com.maclogin.cutover.orchestrator.health.HealthDecision.Observation;
import com.maclogin.cutover.orchestrator.health.HealthDecision.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The state and alert decisions of lease health (pure, no container), as tables. */
class HealthDecisionTest {

    static final Instant T0 = Instant.parse("2026-12-06T05:00:00Z");
    static final Instant T1 = T0.plusSeconds(30);
    static final int WARN = 14;

    static Held held(LeaseHealthState s, boolean downAlerted) {
        return new Held(s, false, null, false, downAlerted, T0, T0.minusSeconds(600));
    }

    static Observation seen(LeaseHealthState s) {
        return new Observation(s, false, null, T1);
    }

    static Emitted change(boolean alert) {
        return new Emitted(STATE_CHANGED, alert);
    }

    /** held state, DOWN alert out, new state, in a cutover, expected events, DOWN alert out afterwards. */
    static Stream<Arguments> stateChanges() {
        return Stream.of(
                Arguments.of(HEALTHY, false, DOWN, false, List.of(change(true)), true),      // turned DOWN outside a cutover
                Arguments.of(HEALTHY, false, DOWN, true, List.of(change(false)), false),     // inside one: no alert
                Arguments.of(DOWN, true, HEALTHY, false, List.of(change(true)), false),      // recovery answers the alert
                Arguments.of(DOWN, true, DEGRADED, false, List.of(change(true)), false),     // DEGRADED is a recovery too
                Arguments.of(DOWN, true, HEALTHY, true, List.of(change(true)), false),       // recovery inside a cutover still told
                Arguments.of(DOWN, false, HEALTHY, false, List.of(change(false)), false),    // no DOWN alert was out: none
                Arguments.of(DOWN, true, UNREACHABLE, false, List.of(change(false)), true),  // not a recovery; alert stays out
                Arguments.of(UNREACHABLE, true, HEALTHY, false, List.of(change(true)), false),// DOWN -> UNREACHABLE -> HEALTHY
                Arguments.of(UNKNOWN, true, DOWN, false, List.of(change(false)), true),      // DOWN again: not a second alert
                Arguments.of(HEALTHY, false, DEGRADED, false, List.of(change(false)), false),
                Arguments.of(HEALTHY, false, UNREACHABLE, false, List.of(change(false)), false),
                Arguments.of(HEALTHY, false, HEALTHY, false, List.of(), false),              // no change, no event
                Arguments.of(DOWN, true, DOWN, false, List.of(), true),
                Arguments.of(DOWN, false, DOWN, true, List.of(), false),                    // DOWN inside its cutover: quiet
                Arguments.of(DOWN, false, DOWN, false, List.of(change(true)), true));       // ...and outlived it: told now
    }

    @Test
    void aDownThatOutlivesTheCutoverThatExplainedItAlertsOnceWithItsOwnSince() {
        Instant downSince = T0.minusSeconds(600);
        Outcome late = HealthDecision.report(held(DOWN, false), seen(DOWN), false, WARN);
        assertThat(late.events()).containsExactly(change(true));
        assertThat(late.previousState()).isEqualTo(DOWN);
        assertThat(late.since()).as("still the DOWN's since").isEqualTo(downSince);
        assertThat(late.changeRecorded()).as("no change of state, no change row").isFalse();
        Held after = new Held(DOWN, false, null, false, late.downAlerted(), T1, late.since());
        Outcome next = HealthDecision.report(after, new Observation(DOWN, false, null, T1.plusSeconds(60)), false, WARN);
        assertThat(next.events()).as("told once").isEmpty();
    }

    @ParameterizedTest(name = "{0} (alert out {1}) -> {2} in cutover {3}: {4}")
    @MethodSource("stateChanges")
    void aStateChangeEmitsOneEventThatAlertsOnlyForDownOutsideACutoverAndItsRecovery(LeaseHealthState from,
            boolean downAlerted, LeaseHealthState to, boolean inCutover, List<Emitted> events, boolean downAlertedAfter) {
        Outcome o = HealthDecision.report(held(from, downAlerted), seen(to), inCutover, WARN);
        assertThat(o.applied()).isTrue();
        assertThat(o.events()).containsExactlyElementsOf(events);
        assertThat(o.downAlerted()).isEqualTo(downAlertedAfter);
        assertThat(o.stateChanged()).isEqualTo(from != to);
        assertThat(o.since()).isEqualTo(from != to ? T1 : T0.minusSeconds(600));
    }

    @Test
    void aReportNotNewerThanTheHeldOneIsIgnoredWithoutEvents() {
        Held h = held(HEALTHY, false);
        for (Instant at : List.of(T0, T0.minusSeconds(1))) {
            Outcome o = HealthDecision.report(h, new Observation(DOWN, true, 3, at), false, WARN);
            assertThat(o.applied()).as("observedAt %s", at).isFalse();
            assertThat(o.events()).isEmpty();
            assertThat(o.changeRecorded()).isFalse();
            assertThat(o.state()).isEqualTo(HEALTHY);
        }
    }

    @Test
    void theFirstReportOfALeaseIsAChangeFromUnknownAndSinceIsItsObservation() {
        Outcome healthy = HealthDecision.report(HealthDecision.NEVER, seen(HEALTHY), false, WARN);
        assertThat(healthy.previousState()).isEqualTo(UNKNOWN);
        assertThat(healthy.events()).containsExactly(change(false));
        assertThat(healthy.changeRecorded()).isTrue();
        assertThat(healthy.since()).isEqualTo(T1);
        Outcome down = HealthDecision.report(HealthDecision.NEVER, seen(DOWN), false, WARN);
        assertThat(down.events()).containsExactly(change(true));
    }

    @Test
    void crashLoopingStartingWithoutAStateChangeIsAChangeRowButNoEvent() {
        Held h = new Held(DOWN, false, null, false, true, T0, T0);
        Outcome o = HealthDecision.report(h, new Observation(DOWN, true, null, T1), false, WARN);
        assertThat(o.changeRecorded()).isTrue();
        assertThat(o.events()).isEmpty();
        assertThat(o.since()).isEqualTo(T0);
    }

    /** held days, CERT alert out, reported days, expected events, alert out afterwards. */
    static Stream<Arguments> certificates() {
        return Stream.of(
                Arguments.of(30, false, 13, List.of(new Emitted(CERT_EXPIRING, true)), true),
                Arguments.of(13, true, 12, List.of(), true),                                  // still under: told once
                Arguments.of(12, true, 90, List.of(new Emitted(CERT_RENEWED, true)), false),
                Arguments.of(30, false, 14, List.of(), false),                                // 14 is not under 14
                Arguments.of(13, true, 14, List.of(new Emitted(CERT_RENEWED, true)), false),
                Arguments.of(13, true, null, List.of(), true));                               // not probed: nothing changes
    }

    @ParameterizedTest(name = "{0} days (alerted {1}) -> {2}: {3}")
    @MethodSource("certificates")
    void theCertificateCrossingTheWarningLimitEitherWayAlertsOncePerCrossing(Integer heldDays, boolean alerted,
            Integer days, List<Emitted> events, boolean alertedAfter) {
        Held h = new Held(HEALTHY, false, heldDays, alerted, false, T0, T0);
        for (boolean inCutover : List.of(false, true)) {
            Outcome o = HealthDecision.report(h, new Observation(HEALTHY, false, days, T1), inCutover, WARN);
            assertThat(o.events()).as("in cutover %s", inCutover).containsExactlyElementsOf(events);
            assertThat(o.certAlerted()).isEqualTo(alertedAfter);
        }
    }

    @Test
    void aStateChangeAndACertificateCrossingInOneReportAreTwoEvents() {
        Held h = new Held(HEALTHY, false, 20, false, false, T0, T0);
        Outcome o = HealthDecision.report(h, new Observation(DOWN, false, 5, T1), false, WARN);
        assertThat(o.events()).containsExactly(change(true), new Emitted(CERT_EXPIRING, true));
    }

    @Test
    void theStaleSweepMakesALeaseUnknownWithoutAlertAndKeepsTheDownAlertOut() {
        Instant now = T1.plusSeconds(300);
        Outcome o = HealthDecision.stale(held(DOWN, true), now);
        assertThat(o.state()).isEqualTo(UNKNOWN);
        assertThat(o.since()).isEqualTo(now);
        assertThat(o.events()).containsExactly(change(false));
        assertThat(o.downAlerted()).isTrue();
        assertThat(o.changeRecorded()).isTrue();
        assertThat(HealthDecision.stale(held(UNKNOWN, false), now)).isNull();
    }
}
