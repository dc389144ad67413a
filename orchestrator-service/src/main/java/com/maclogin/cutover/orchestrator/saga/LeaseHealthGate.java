package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.orchestrator.CutoverState;
import com.maclogin.cutover.orchestrator.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LEASE_HEALTH (issue 12 point 3), a pure function over what the continuous watch recorded: "fix the lease first". A
 * lease is refused when its current health ({@code lease_health}) is DOWN or crash-looping, or when it was DOWN or
 * crash-looping at any time in the {@code window} before the gate ({@code lease_health_change}: a change into such a
 * state inside the window, or the change in effect when the window began). The reason names the state, the watch's
 * reason and when. Health never recorded, UNKNOWN, UNREACHABLE or DEGRADED pass (a lease nobody watched yet must not
 * block; an unreachable lease already failed INVENTORY if SSH is really gone). An approved override of
 * {@code gates.leaseHealth} lets a refused lease through, recorded in the verdict.
 */
public final class LeaseHealthGate {

    public static final String LEASE_HEALTH = "LEASE_HEALTH";

    private LeaseHealthGate() {
    }

    /** The lease's row of {@code lease_health}; null when the watch never reported on it. */
    public record Current(String state, String reason, Instant since, Instant observedAt, boolean crashLooping) {
    }

    /** One row of {@code lease_health_change}. */
    public record Change(String state, String previousState, String reason, boolean crashLooping, Instant at) {
    }

    /**
     * Another cutover of the lease: from its creation to its end ({@code to} null while it is still active). Its own
     * reloads, restart drill and rollback take the gateway down on purpose; changes in that span (plus a grace for the
     * watch to report the recovery) are not the lease's fault and do not refuse it. {@code endState}: how it ended
     * (null while active); GREEN and ROLLED_BACK verified the gateway serving at their end.
     */
    public record OwnCutover(String cutoverId, Instant from, Instant to, String endState) {

        public OwnCutover(String cutoverId, Instant from, Instant to) {
            this(cutoverId, from, to, null);
        }

        /** Ended in a state that checked the gateway serving at its end (the validation window, or the restore's). */
        boolean endedVerified() {
            return to != null && (CutoverState.GREEN.name().equals(endState)
                    || CutoverState.ROLLED_BACK.name().equals(endState));
        }
    }

    /** {@link #evaluate(Current, List, Instant, Duration, String, List, Duration)} without other cutovers. */
    public static GateVerdict evaluate(Current current, List<Change> changes, Instant now, Duration window,
            String override) {
        return evaluate(current, changes, now, window, override, List.of(), Duration.ZERO);
    }

    /**
     * @param changes  the lease's changes at or after {@code now - window}, and at least the last one before it (any
     *                 order; older ones are ignored)
     * @param override the approved override "approver: reason", or null
     * @param ownCutovers the lease's other cutovers that overlap the window (changes inside them plus {@code grace} are
     *                    left out); the current health always counts
     */
    public static GateVerdict evaluate(Current current, List<Change> changes, Instant now, Duration window,
            String override, List<OwnCutover> ownCutovers, Duration grace) {
        Instant windowStart = now.minus(window);
        String span = LatencyBaseline.human(window);
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("state", current == null ? LeaseHealthState.UNKNOWN.name() + " (never reported)" : current.state());
        ev.put("reason", current == null ? null : current.reason());
        ev.put("since", current == null ? null : String.valueOf(current.since()));
        ev.put("observedAt", current == null ? null : String.valueOf(current.observedAt()));
        ev.put("crashLooping", current == null ? null : String.valueOf(current.crashLooping()));
        ev.put("window", window.toString());
        ev.put("windowStart", windowStart.toString());

        List<Change> sorted = new ArrayList<>();
        List<String> excused = new ArrayList<>();
        for (Change c : changes == null ? List.<Change>of() : changes) {
            OwnCutover during = during(c.at(), ownCutovers, grace, now);
            if (during != null && bad(c.state(), c.crashLooping())) {
                excused.add(c.state() + (c.crashLooping() ? " (crash-looping)" : "") + " at " + c.at() + " during cutover "
                        + during.cutoverId());
            } else {
                sorted.add(c); // a recovery during another cutover is still a fact about the lease
            }
        }
        sorted.sort(Comparator.comparing(Change::at));
        Change inEffectAtStart = null;
        List<Change> inWindow = new ArrayList<>();
        for (Change c : sorted) {
            if (c.at().isBefore(windowStart)) {
                inEffectAtStart = c;
            } else if (!c.at().isAfter(now)) {
                inWindow.add(c);
            }
        }
        List<String> findings = new ArrayList<>();
        boolean currentBad = current != null && bad(current.state(), current.crashLooping());
        OwnCutover loopedBy = currentBad && ownRestartsOnly(current) ? during(current.since(), ownCutovers, grace, now)
                : null;
        if (loopedBy != null) { // the cutover's RELOAD and restart drill grew launchd's run counter: not a crash loop
            excused.add("current " + current.state() + " (crash-looping) since " + current.since() + " during cutover "
                    + loopedBy.cutoverId() + ": " + current.reason());
            currentBad = false;
        }
        // a DOWN the watch recorded (and last observed) inside another cutover that then ended verified (GREEN,
        // ROLLED_BACK): that end is newer evidence than the watch's last round, which a slow watch interval may not
        // have repeated yet (seen with 5-minute rounds: a round in a rollback's restart refused the next cutover)
        OwnCutover verifiedBy = currentBad && loopedBy == null ? supersededBy(current, ownCutovers) : null;
        if (verifiedBy != null) {
            excused.add("current " + current.state() + " since " + current.since() + ", last observed "
                    + current.observedAt() + ", during cutover " + verifiedBy.cutoverId() + ", which then ended "
                    + verifiedBy.endState() + " at " + verifiedBy.to() + ": " + current.reason());
            currentBad = false;
        }
        if (currentBad) {
            findings.add(describe(current.state(), current.crashLooping(), "since " + current.since(), current.reason()));
        }
        for (int i = inWindow.size() - 1; i >= 0; i--) { // newest first
            Change c = inWindow.get(i);
            boolean theCurrentOne = currentBad && c.at().equals(current.since())
                    && c.state().equals(current.state()); // the change into the current bad state: already named
            if (bad(c.state(), c.crashLooping()) && !theCurrentOne) {
                findings.add(describe(c.state(), c.crashLooping(), "at " + c.at(), c.reason()));
            }
        }
        if (inEffectAtStart != null && bad(inEffectAtStart.state(), inEffectAtStart.crashLooping())) {
            Instant until = inWindow.isEmpty() ? null : inWindow.get(0).at();
            findings.add(describe(inEffectAtStart.state(), inEffectAtStart.crashLooping(), "from "
                    + inEffectAtStart.at() + (until == null ? "" : " until " + until), inEffectAtStart.reason()));
        }
        ev.put("changesInWindow", String.valueOf(inWindow.size()));
        if (!excused.isEmpty()) {
            ev.put("excused", String.join("; ", excused) + " (the product's own restarts)");
        }
        if (!findings.isEmpty()) {
            ev.put("findings", String.join("; ", findings));
        }
        if (findings.isEmpty()) {
            if (current == null || LeaseHealthState.UNKNOWN.name().equals(current.state())) {
                ev.put("note", "UNKNOWN passes: a lease nobody watched yet must not block");
                return GateVerdict.pass(LEASE_HEALTH, current == null
                        ? "no lease health recorded: the continuous watch has not reported on this lease yet (UNKNOWN "
                                + "passes: a lease nobody watched yet must not block)"
                        : "lease health UNKNOWN since " + current.since() + (current.reason() == null ? ""
                                : " (" + current.reason() + ")") + "; UNKNOWN passes: a lease nobody watched recently "
                                + "must not block; not DOWN or crash-looping in the last " + span, ev);
            }
            if (loopedBy != null) {
                return GateVerdict.pass(LEASE_HEALTH, "lease health " + current.state() + " (crash-looping) since "
                        + current.since() + " only because cutover " + loopedBy.cutoverId() + " restarted the gateway "
                        + "(launchd's run counter grew; " + current.reason() + "); otherwise not DOWN or crash-looping "
                        + "in the last " + span, ev);
            }
            if (verifiedBy != null) {
                return GateVerdict.pass(LEASE_HEALTH, "lease health " + current.state() + " since " + current.since()
                        + " was recorded during cutover " + verifiedBy.cutoverId() + ", which ended "
                        + verifiedBy.endState() + " at " + verifiedBy.to() + " with the gateway serving (the watch has "
                        + "not looked since); otherwise not DOWN or crash-looping in the last " + span, ev);
            }
            return GateVerdict.pass(LEASE_HEALTH, "lease health " + current.state() + " since " + current.since()
                    + "; not DOWN or crash-looping in the last " + span, ev);
        }
        String refusal = Reasons.leaseHealthRefused(findings.get(0), findings.size(), span);
        if (override != null) {
            ev.put("override", override);
            return GateVerdict.pass(LEASE_HEALTH, "overridden by " + override + " (" + refusal + ")", ev);
        }
        return GateVerdict.fail(LEASE_HEALTH, refusal + "; fix the gateway until the watch reports it healthy, or "
                + "override " + ValidationPolicy.LEASE_HEALTH + "=false with a reason and an approver", ev);
    }

    /** The ended, verified cutover in which the current bad state began and was last observed, or null. */
    private static OwnCutover supersededBy(Current current, List<OwnCutover> own) {
        if (current.since() == null || current.observedAt() == null || current.crashLooping()) {
            return null;
        }
        for (OwnCutover o : own == null ? List.<OwnCutover>of() : own) {
            if (o.endedVerified() && !current.since().isBefore(o.from()) && !current.observedAt().isAfter(o.to())) {
                return o;
            }
        }
        return null;
    }

    private static OwnCutover during(Instant at, List<OwnCutover> own, Duration grace, Instant now) {
        for (OwnCutover o : own == null ? List.<OwnCutover>of() : own) {
            Instant end = o.to() == null ? now : o.to().plus(grace);
            if (!at.isBefore(o.from()) && !at.isAfter(end)) {
                return o;
            }
        }
        return null;
    }

    /**
     * The watch's reason (probe-service {@code WatchHealth}: DOWN causes joined by "; ") names nothing but the crash
     * loop: launchd and the application answered, only the run counter grew. Any other cause keeps the lease refused.
     */
    static boolean ownRestartsOnly(Current current) {
        String r = current.reason();
        return current.crashLooping() && r != null && r.startsWith(CRASH_LOOP_REASON) && !r.contains("; ");
    }

    /** How the watch's reason names a crash loop (probe-service {@code WatchHealth}). */
    static final String CRASH_LOOP_REASON = "crash loop:";

    private static boolean bad(String state, boolean crashLooping) {
        return LeaseHealthState.DOWN.name().equals(state) || crashLooping;
    }

    private static String describe(String state, boolean crashLooping, String when, String reason) {
        String what = LeaseHealthState.DOWN.name().equals(state) ? state + (crashLooping ? " (crash-looping)" : "")
                : "crash-looping (health " + state + ")";
        return what + " " + when + (reason == null || reason.isBlank() ? "" : ": " + reason);
    }
}
