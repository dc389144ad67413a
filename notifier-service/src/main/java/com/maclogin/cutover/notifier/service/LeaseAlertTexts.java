package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.notifier.format.ChatMessage;
import com.maclogin.cutover.notifier.service.LeaseAlertRules.AlertKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The words of a lease health alert (issue 12): a lease outside any cutover went DOWN or recovered, its certificate
 * is about to expire or was renewed. Plain text like {@link NotificationTexts}, the headline tagged in brackets; the
 * caller masks the result ({@code SecretMasker} and {@code Redaction}): reasons come from the watch.
 */
public final class LeaseAlertTexts {

    static final String UNKNOWN = NotificationTexts.UNKNOWN;

    /** Line 1: {@code lease <id> (<region>, <stage>) is DOWN since <time>: <reason>}. */
    static final String DOWN = """
            [LEASE DOWN] lease %s (%s) is DOWN since %s: %s
            Previous state: %s
            Health: GET /api/v1/leases/%s/health (orchestrator)
            The recovery is posted in this thread.""";

    static final String RECOVERED = """
            [LEASE RECOVERED] lease %s (%s) is %s again since %s%s
            Reason: %s""";

    static final String STATE_CHANGED = """
            [LEASE %s] lease %s (%s) is %s since %s (was %s): %s
            Health: GET /api/v1/leases/%s/health (orchestrator)""";

    static final String CERT_EXPIRING = """
            [CERT EXPIRING] certificate of lease %s (%s) %s
            Reason: %s
            Renew it before it lapses; the renewal is posted in this thread.""";

    static final String CERT_RENEWED = """
            [CERT RENEWED] certificate of lease %s (%s) renewed: %s
            Reason: %s""";

    private LeaseAlertTexts() {
    }

    /**
     * The message announcing {@code kind} for {@code e}; {@code downSince} is when the lease went DOWN (a recovery's
     * duration), null if unknown. Broadcast (Slack): a recovery or renewal replying to its alert is shown in the
     * channel too; a thread's first message is top-level anyway.
     */
    public static ChatMessage message(AlertKind kind, LeaseHealthEvent e, Instant downSince) {
        String lease = or(e.leaseId());
        String where = where(e);
        String reason = or(NotificationTexts.reason(e.reason()));
        Instant since = e.since() != null ? e.since() : e.timestamp();
        String text = switch (kind) {
            case LEASE_DOWN -> DOWN.formatted(lease, where, NotificationTexts.time(since), reason,
                    state(e.previousState()), lease);
            case LEASE_RECOVERED -> RECOVERED.formatted(lease, where, state(e.state()), NotificationTexts.time(since),
                    downSince == null ? " (was DOWN)" : ", after " + FleetTexts.duration(downSince, since)
                            + " DOWN (since " + NotificationTexts.time(downSince) + ")", reason);
            case LEASE_STATE_CHANGED -> STATE_CHANGED.formatted(state(e.state()), lease, where, state(e.state()),
                    NotificationTexts.time(since), state(e.previousState()), reason, lease);
            case CERT_EXPIRING -> CERT_EXPIRING.formatted(lease, where, expires(e.certDaysLeft()), reason);
            case CERT_RENEWED -> CERT_RENEWED.formatted(lease, where, daysLeft(e.certDaysLeft()), reason);
        };
        boolean reasonLine = kind == AlertKind.LEASE_RECOVERED || kind == AlertKind.CERT_EXPIRING
                || kind == AlertKind.CERT_RENEWED;
        // the end of an alert is shown in the channel too; a DOWN again or another change inside an open DOWN thread
        // (e.g. UNKNOWN while a worker restarts, then DOWN) stays in the thread
        boolean broadcast = kind == AlertKind.LEASE_RECOVERED || kind == AlertKind.CERT_RENEWED;
        return new ChatMessage(text, fields(kind, e), NotificationTexts.REASON_LABEL, reasonLine ? reason : null,
                link(e), broadcast);
    }

    /** {@code HK, PRODUCTION}, or {@code HK} without a stage. */
    static String where(LeaseHealthEvent e) {
        String region = e.region() == null ? UNKNOWN : e.region().name();
        return e.stage() == null || e.stage().isBlank() ? region : region + ", " + e.stage();
    }

    /** The certificate's fate in words: {@code expires in 9 days}, {@code expires today}, {@code has expired}. */
    static String expires(Integer days) {
        if (days == null) {
            return "expires soon (days left unknown)";
        }
        if (days < 0) {
            return "has expired (" + (-days) + (days == -1 ? " day" : " days") + " ago)";
        }
        if (days == 0) {
            return "expires today";
        }
        return "expires in " + days + (days == 1 ? " day" : " days");
    }

    static String daysLeft(Integer days) {
        return days == null ? "days left unknown" : days + (days == 1 ? " day" : " days") + " left";
    }

    private static List<ChatMessage.Field> fields(AlertKind kind, LeaseHealthEvent e) {
        List<ChatMessage.Field> f = new ArrayList<>();
        f.add(new ChatMessage.Field("Lease", or(e.leaseId())));
        f.add(new ChatMessage.Field("Region", e.region() == null ? UNKNOWN : e.region().name()));
        f.add(new ChatMessage.Field("Stage", or(e.stage())));
        if (kind == AlertKind.CERT_EXPIRING || kind == AlertKind.CERT_RENEWED) {
            f.add(new ChatMessage.Field("Certificate", daysLeft(e.certDaysLeft())));
        } else {
            f.add(new ChatMessage.Field("State", state(e.previousState()) + " → " + state(e.state())));
        }
        return f;
    }

    /** "View cutover" when a cutover runs on the lease; none otherwise (the alerts are about leases outside one). */
    private static ChatMessage.Link link(LeaseHealthEvent e) {
        String c = e.activeCutoverId();
        return c == null || c.isBlank() ? null
                : new ChatMessage.Link(NotificationTexts.VIEW_CUTOVER, ChatMessage.path("cutovers", c), c);
    }

    private static String state(LeaseHealthState s) {
        return s == null ? UNKNOWN : s.name();
    }

    private static String or(String s) {
        return s == null || s.isBlank() ? UNKNOWN : s;
    }
}
