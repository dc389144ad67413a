package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.notifier.LeaseAlert.CertState;
import java.time.Instant;

/**
 * Which lease health events become a chat message, and where it goes: one pure function of what the notifier knows
 * of the lease ({@link Known}, kept in {@code lease_alert}) and the event. Every event updates what is known (alert or
 * not); only events with {@code alert} true post, and only on a change:
 * <ul>
 * <li>STATE_CHANGED older than the state known ({@code since} before it) is stale, and one naming the state already
 * known is a repeat (two orchestrator instances, a replay with new message ids): nothing is posted, nothing changes;</li>
 * <li>to DOWN: the DOWN message, opening a thread (a reply in the open one if the lease went DOWN again without
 * recovering, e.g. DOWN, UNREACHABLE, DOWN);</li>
 * <li>DOWN while known DOWN with no DOWN message open, alerting: the DOWN message (the lease went DOWN inside a cutover,
 * quietly, and is still DOWN after it); once the message is open, the same event again is a repeat;</li>
 * <li>to HEALTHY or DEGRADED from DOWN (or with a DOWN message open): the recovery, a reply to the open DOWN message,
 * else standalone; any change out of DOWN closes the DOWN thread, posted or not;</li>
 * <li>any other change with {@code alert}: a state message, in the open DOWN thread if there is one;</li>
 * <li>CERT_EXPIRING while the certificate is known to be expiring, CERT_RENEWED while it is known to be fine, or either
 * older than the last certificate event: nothing. Otherwise the warning opens a thread and the renewal replies to it
 * (standalone without one).</li>
 * </ul>
 */
public final class LeaseAlertRules {

    /** What an alert message announces: {@code notification.event_type}. */
    public enum AlertKind {
        LEASE_DOWN, LEASE_RECOVERED, LEASE_STATE_CHANGED, CERT_EXPIRING, CERT_RENEWED
    }

    /** Where the message goes. */
    public enum Placement {
        /** A thread of its own (the DOWN or certificate warning it opens, or a standalone message). */
        NEW_THREAD,
        /** A reply to the lease's open DOWN message. */
        DOWN_THREAD,
        /** A reply to the lease's open certificate warning. */
        CERT_THREAD
    }

    /**
     * What the notifier knows of a lease.
     *
     * @param health      the state of the last STATE_CHANGED applied, null before the first
     * @param healthSince when the lease entered it
     * @param downOpen    a DOWN message is posted and no recovery yet
     * @param downSince   when the lease went DOWN (with {@code downOpen})
     * @param cert        the certificate's state from the last certificate event, null before the first
     * @param certAt      that event's time
     * @param certOpen    a certificate warning is posted and no renewal yet
     */
    public record Known(LeaseHealthState health, Instant healthSince, boolean downOpen, Instant downSince,
            CertState cert, Instant certAt, boolean certOpen) {

        /** Nothing known yet (a lease never heard of). */
        public static final Known NOTHING = new Known(null, null, false, null, null, null, false);
    }

    /**
     * What to do with an event.
     *
     * @param next      what is known after it (equal to before for a stale or repeated event)
     * @param post      the message to post, or null
     * @param placement where it goes (null without a post)
     * @param downSince for a recovery: when the lease went DOWN, if known
     * @param note      why, in words, for the log
     */
    public record Decision(Known next, AlertKind post, Placement placement, Instant downSince, String note) {

        static Decision nothing(Known k, String note) {
            return new Decision(k, null, null, null, note);
        }

        /** Whether what is known changes (a stale or repeated event changes nothing). */
        public boolean changes(Known before) {
            return !next.equals(before);
        }
    }

    private LeaseAlertRules() {
    }

    /** The decision for {@code e} given {@code k} (use {@link Known#NOTHING} for a lease never heard of). */
    public static Decision decide(Known k, LeaseHealthEvent e) {
        return e.kind() == LeaseHealthEventKind.STATE_CHANGED ? stateChanged(k, e) : certificate(k, e);
    }

    private static Decision stateChanged(Known k, LeaseHealthEvent e) {
        Instant since = e.since() != null ? e.since() : e.timestamp();
        if (since != null && k.healthSince() != null && since.isBefore(k.healthSince())) {
            return Decision.nothing(k, "stale: " + e.state() + " since " + since + " is older than the known "
                    + k.health() + " since " + k.healthSince());
        }
        boolean lateDown = e.state() == LeaseHealthState.DOWN && k.health() == LeaseHealthState.DOWN && e.alert()
                && !k.downOpen();
        if (e.state() == k.health() && !lateDown) {
            return Decision.nothing(k, "repeat: the lease is already known " + k.health() + " since "
                    + k.healthSince() + " (no change in between)");
        }
        LeaseHealthState s = e.state();
        if (s == LeaseHealthState.DOWN) {
            boolean open = k.downOpen() || e.alert();
            Known next = new Known(s, since, open, !open ? null : k.downOpen() ? k.downSince() : since,
                    k.cert(), k.certAt(), k.certOpen());
            if (!e.alert()) {
                return Decision.nothing(next, "DOWN without alert (e.g. inside a cutover): not posted");
            }
            return new Decision(next, AlertKind.LEASE_DOWN, k.downOpen() ? Placement.DOWN_THREAD : Placement.NEW_THREAD,
                    null, k.downOpen() ? "DOWN again, its DOWN message still open: a reply to it" : "DOWN: opens a thread");
        }
        boolean fromDown = k.health() == LeaseHealthState.DOWN || e.previousState() == LeaseHealthState.DOWN;
        Instant downSince = k.downOpen() ? k.downSince() : k.health() == LeaseHealthState.DOWN ? k.healthSince() : null;
        boolean up = s == LeaseHealthState.HEALTHY || s == LeaseHealthState.DEGRADED;
        // out of DOWN (to up or anything else) the lease is no longer down: a later DOWN opens a new thread
        boolean downOpen = k.downOpen() && !up;
        Known next = new Known(s, since, downOpen, downOpen ? k.downSince() : null, k.cert(), k.certAt(),
                k.certOpen());
        if (!e.alert()) {
            return Decision.nothing(next, s + " without alert: not posted");
        }
        if (up && (fromDown || k.downOpen())) {
            return new Decision(next, AlertKind.LEASE_RECOVERED,
                    k.downOpen() ? Placement.DOWN_THREAD : Placement.NEW_THREAD, downSince,
                    k.downOpen() ? "recovered: a reply to its DOWN message" : "recovered, no DOWN message open: standalone");
        }
        return new Decision(next, AlertKind.LEASE_STATE_CHANGED,
                k.downOpen() ? Placement.DOWN_THREAD : Placement.NEW_THREAD, downSince, "state change with alert");
    }

    private static Decision certificate(Known k, LeaseHealthEvent e) {
        boolean expiring = e.kind() == LeaseHealthEventKind.CERT_EXPIRING;
        CertState c = expiring ? CertState.EXPIRING : CertState.OK;
        Instant at = e.timestamp();
        if (at != null && k.certAt() != null && at.isBefore(k.certAt())) {
            return Decision.nothing(k, "stale: " + e.kind() + " at " + at + " is older than the known certificate "
                    + k.cert() + " at " + k.certAt());
        }
        if (c == k.cert()) {
            return Decision.nothing(k, "repeat: the certificate is already known " + c + " since " + k.certAt());
        }
        boolean certOpen = expiring && e.alert();
        Known next = new Known(k.health(), k.healthSince(), k.downOpen(), k.downSince(), c, at != null ? at : k.certAt(),
                certOpen);
        if (!e.alert()) {
            return Decision.nothing(next, e.kind() + " without alert: not posted");
        }
        if (expiring) {
            return new Decision(next, AlertKind.CERT_EXPIRING, Placement.NEW_THREAD, null, "certificate warning: opens a thread");
        }
        return new Decision(next, AlertKind.CERT_RENEWED, k.certOpen() ? Placement.CERT_THREAD : Placement.NEW_THREAD,
                null, k.certOpen() ? "renewed: a reply to its warning" : "renewed, no warning open: standalone");
    }
}
