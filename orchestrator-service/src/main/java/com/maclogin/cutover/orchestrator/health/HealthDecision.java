package com.maclogin.cutover.orchestrator.health;

import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.contracts.LeaseHealthState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one watch report (or the stale sweep) does to a lease's held health: pure, table-tested
 * ({@code HealthDecisionTest}). The rules:
 * <ul>
 * <li>A report whose {@code observedAt} is not after the one held is ignored (two workers' reports cross during a
 * rebalance; a redelivery or a worker's resend describes nothing new).</li>
 * <li>{@code since} moves only when the state changes; a change of state or of crash-looping is a change row.</li>
 * <li>Every state change is a STATE_CHANGED event. It alerts when the lease turned DOWN outside any active cutover
 * (once: a DOWN alert stays "out" through UNREACHABLE/UNKNOWN until the lease recovers), and when a lease with a DOWN
 * alert out recovers to HEALTHY or DEGRADED (in or outside a cutover: the recovery answers the alert).</li>
 * <li>A lease that went DOWN inside a cutover (no alert then) and is still DOWN in a report outside any cutover (and its
 * grace) alerts then, once: a STATE_CHANGED event from DOWN to DOWN with the DOWN's {@code since}, so a DOWN that
 * outlives the cutover that explained it is not silent.</li>
 * <li>The certificate crossing {@code certWarnDays} either way is a CERT_EXPIRING / CERT_RENEWED event, always alerting,
 * once per crossing.</li>
 * </ul>
 */
public final class HealthDecision {

    private HealthDecision() {
    }

    /** What is held for a lease; {@link #NEVER} when it was never reported. */
    public record Held(LeaseHealthState state, boolean crashLooping, Integer certDaysLeft, boolean certAlerted,
            boolean downAlerted, Instant observedAt, Instant since) {
    }

    /** A lease never reported: UNKNOWN since nobody knows when, nothing alerted. */
    public static final Held NEVER = new Held(LeaseHealthState.UNKNOWN, false, null, false, false, null, null);

    /** What a report says. */
    public record Observation(LeaseHealthState state, boolean crashLooping, Integer certDaysLeft, Instant observedAt) {
    }

    /** One event to publish. */
    public record Emitted(LeaseHealthEventKind kind, boolean alert) {
    }

    /**
     * The decision: {@code applied} false = the report is older than what is held and changes nothing; else the new
     * state, since-when, flags, whether a change row is written and the events.
     */
    public record Outcome(boolean applied, LeaseHealthState previousState, LeaseHealthState state, Instant since,
            boolean crashLooping, boolean certAlerted, boolean downAlerted, boolean changeRecorded,
            List<Emitted> events) {

        public boolean stateChanged() {
            return applied && previousState != state;
        }
    }

    /** A report applied to {@code held} ({@link #NEVER} for a lease never reported). */
    public static Outcome report(Held held, Observation o, boolean inCutover, int certWarnDays) {
        if (held.observedAt() != null && !o.observedAt().isAfter(held.observedAt())) {
            return new Outcome(false, held.state(), held.state(), held.since(), held.crashLooping(), held.certAlerted(),
                    held.downAlerted(), false, List.of());
        }
        List<Emitted> events = new ArrayList<>();
        boolean changed = o.state() != held.state();
        Instant since = changed || held.since() == null ? o.observedAt() : held.since();
        boolean downAlerted = held.downAlerted();
        if (changed) {
            boolean alert = false;
            if (o.state() == LeaseHealthState.DOWN && !inCutover && !downAlerted) {
                alert = true;
                downAlerted = true;
            } else if (recovered(o.state()) && downAlerted) {
                alert = true;
                downAlerted = false;
            }
            events.add(new Emitted(LeaseHealthEventKind.STATE_CHANGED, alert));
        } else if (o.state() == LeaseHealthState.DOWN && !inCutover && !downAlerted) {
            // DOWN since inside a cutover (not alerted then) and still DOWN now that no cutover explains it: told now,
            // once, with the DOWN's own since
            downAlerted = true;
            events.add(new Emitted(LeaseHealthEventKind.STATE_CHANGED, true));
        }
        boolean certAlerted = held.certAlerted();
        if (o.certDaysLeft() != null) {
            if (o.certDaysLeft() < certWarnDays && !certAlerted) {
                certAlerted = true;
                events.add(new Emitted(LeaseHealthEventKind.CERT_EXPIRING, true));
            } else if (o.certDaysLeft() >= certWarnDays && certAlerted) {
                certAlerted = false;
                events.add(new Emitted(LeaseHealthEventKind.CERT_RENEWED, true));
            }
        }
        boolean changeRecorded = changed || o.crashLooping() != held.crashLooping();
        return new Outcome(true, held.state(), o.state(), since, o.crashLooping(), certAlerted, downAlerted,
                changeRecorded, List.copyOf(events));
    }

    /**
     * The stale sweep: a lease that is not UNKNOWN becomes UNKNOWN at {@code now} (not alerting; a DOWN alert stays
     * out, so the recovery after the watch resumes is still told). Null when it is UNKNOWN already.
     */
    public static Outcome stale(Held held, Instant now) {
        if (held.state() == LeaseHealthState.UNKNOWN) {
            return null;
        }
        return new Outcome(true, held.state(), LeaseHealthState.UNKNOWN, now, false, held.certAlerted(),
                held.downAlerted(), true, List.of(new Emitted(LeaseHealthEventKind.STATE_CHANGED, false)));
    }

    private static boolean recovered(LeaseHealthState s) {
        return s == LeaseHealthState.HEALTHY || s == LeaseHealthState.DEGRADED;
    }
}
