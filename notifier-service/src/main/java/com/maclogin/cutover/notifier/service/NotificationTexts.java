package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.TriggerKind;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every word the notifier writes: chat message templates and the reasons stored in {@code last_error} or logged.
 * Chat texts are plain text (no markup), the same for Slack and Telegram. A fleet's thread has its own words in
 * {@link FleetTexts}.
 */
public final class NotificationTexts {

    /** Shown for a field the event did not carry. */
    static final String UNKNOWN = "n/a";

    static final String STARTED = """
            [MAINTENANCE] Maintenance window open: OpenClaw gateway cutover %s
            Lease: %s (region %s)
            Version: %s -> %s
            Started: %s
            Rollback owner: %s
            Affected channels: %s
            Cutover: %s""";

    static final String GREEN = """
            [GREEN] Cutover green: %s
            Lease: %s (region %s) now runs %s (previous version %s)
            Started: %s
            Ended: %s
            Rollback owner: %s
            Maintenance window closed.""";

    static final String FAILED = """
            [FAILED] Cutover %s stopped before the plist flip (gates refused, or a step before the flip failed). The running version was not touched.
            Lease: %s (region %s), version stays %s (candidate %s)
            Reason: %s
            Rollback owner: %s""";

    static final String ABORTED = """
            [ABORTED] Cutover %s aborted before the plist flip. Nothing to restore.
            Lease: %s (region %s), version stays %s (candidate %s)
            Reason: %s
            Rollback owner: %s""";

    static final String PAUSED = """
            [PAUSED] Cutover %s paused: a rollback trigger tripped during validation. It waits for a human decision.
            Lease: %s (region %s), version %s -> %s
            Breach: %s
            Rollback owner: %s
            Paused: %s""";

    /** The incident. Line 3 is {@code Breach: ...} for a tripped trigger, {@code Reason: ...} otherwise. */
    static final String ROLLBACK_STARTED = """
            [INCIDENT] Rollback started for cutover %s
            Lease: %s (region %s), going back from %s to %s
            %s: %s
            Rollback owner: %s
            Started: %s""";

    static final String BREACH_LABEL = "Breach";
    static final String REASON_LABEL = "Reason";
    /**
     * A reason that comes from a breached trigger: rollback-service writes {@code CRASH_LOOP: <observed> (threshold
     * ...)}, the orchestrator {@code breach CRASH_LOOP (ROLLBACK): <observed>}.
     */
    static final Pattern BREACH_REASON = Pattern.compile("^(?:breach\\s+)?(?:"
            + Arrays.stream(TriggerKind.values()).map(Enum::name).collect(Collectors.joining("|")) + ")\\b");

    /**
     * The worker's refusal when the lease's SSH host key is not the pinned one. The texts are probe-service's
     * ({@code ProbeReasons.HOST_KEY_MISMATCH = "host key mismatch for %s:%d"}, and {@code ProbeReasons.HOST_KEY_CHANGED
     * = "host key changed for %s:%d: ..."} when a connection of the same cutover had verified the pin, raised by
     * {@code StepContext}); the orchestrator and rollback-service pass it on inside their own reason
     * ({@code step SNAPSHOT REFUSED: ...}, {@code RESTORE refused by the worker: ...}), so it is matched anywhere in the
     * reason, ignoring case. Group 1 is the host, group 2 the SSH port. Defined here only: the notifier does not depend
     * on probe-service.
     */
    static final Pattern HOST_KEY_MISMATCH = Pattern.compile("host key (?:mismatch|changed) for (\\S+):(\\d{1,5})\\b",
            Pattern.CASE_INSENSITIVE);

    /**
     * The dedicated incident for a changed host key, posted once per cutover in its thread. It carries nothing of the
     * reason but the matched "host key mismatch for host:port" (no key material, whatever else the reason says).
     */
    static final String HOST_KEY_INCIDENT = """
            [INCIDENT] SSH host key of lease %s changed — the worker refused to connect; possible interception or re-provisioned Mac.
            Cutover %s: %s
            Lease: %s (region %s), SSH %s:%s, version %s -> %s
            Worker: %s
            Verify the new key out of band before re-pinning it (POST /api/v1/leases with the lease's new hostKey).
            Rollback owner: %s""";

    static final String ROLLED_BACK = """
            [ROLLED BACK] Cutover %s rolled back: lease %s (region %s) runs %s again, hashes verified, health green.
            Candidate %s removed from service.
            Ended: %s
            Rollback owner: %s""";

    static final String ROLLBACK_FAILED = """
            [ROLLBACK FAILED] Cutover %s: the restore of lease %s (region %s) to %s failed. The lease needs a human now.
            Reason: %s
            Rollback owner: %s
            Ended: %s""";

    /** Stored in {@code last_error} when the retrier gives up. */
    public static final String GAVE_UP = "gave up after %d attempts: %s";
    /** Logged and stored when an event type has no template (newer producer). */
    public static final String NO_TEMPLATE = "no message for event type %s";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private NotificationTexts() {
    }

    /** The chat text for an event; {@code null} when the type has no message. */
    public static String render(CutoverEvent e) {
        if (e.type() == null) {
            return null;
        }
        String ticket = or(e.ticketId());
        String lease = or(e.leaseId());
        String region = e.region() == null ? UNKNOWN : e.region().name();
        String prev = or(e.previousVersion());
        String cand = or(e.candidateVersion());
        String owner = or(e.rollbackOwner());
        String reason = or(e.reason());
        return switch (e.type()) {
            case CUTOVER_STARTED -> STARTED.formatted(ticket, lease, region, prev, cand, time(e.startedAt()), owner,
                    channels(e.channels()), or(e.cutoverId()));
            case CUTOVER_GREEN -> GREEN.formatted(ticket, lease, region, cand, prev, time(e.startedAt()),
                    time(e.endedAt()), owner);
            case CUTOVER_FAILED -> FAILED.formatted(ticket, lease, region, prev, cand, reason, owner);
            case CUTOVER_ABORTED -> ABORTED.formatted(ticket, lease, region, prev, cand, reason, owner);
            case CUTOVER_PAUSED -> PAUSED.formatted(ticket, lease, region, prev, cand, reason, owner,
                    time(e.timestamp()));
            case ROLLBACK_STARTED -> ROLLBACK_STARTED.formatted(ticket, lease, region, cand, prev,
                    isBreach(e.reason()) ? BREACH_LABEL : REASON_LABEL, reason, owner,
                    time(e.startedAt() != null ? e.startedAt() : e.timestamp()));
            case ROLLED_BACK -> ROLLED_BACK.formatted(ticket, lease, region, prev, cand,
                    time(e.endedAt() != null ? e.endedAt() : e.timestamp()), owner);
            case ROLLBACK_FAILED -> ROLLBACK_FAILED.formatted(ticket, lease, region, prev, reason, owner,
                    time(e.endedAt() != null ? e.endedAt() : e.timestamp()));
        };
    }

    /**
     * The host-key incident for an event whose reason is the worker's host-key refusal (see {@link #HOST_KEY_MISMATCH}),
     * or {@code null} for any other event.
     */
    public static String hostKeyIncident(CutoverEvent e) {
        if (e.reason() == null) {
            return null;
        }
        Matcher m = HOST_KEY_MISMATCH.matcher(e.reason());
        if (!m.find()) {
            return null;
        }
        String lease = or(e.leaseId());
        return HOST_KEY_INCIDENT.formatted(lease, or(e.ticketId()), cutoverState(e.type()), lease,
                e.region() == null ? UNKNOWN : e.region().name(), m.group(1), m.group(2), or(e.previousVersion()),
                or(e.candidateVersion()), m.group(), or(e.rollbackOwner()));
    }

    /** Where the cutover stands after the event that carried the refusal. */
    static String cutoverState(CutoverEventType type) {
        if (type == null) {
            return UNKNOWN;
        }
        return switch (type) {
            case CUTOVER_FAILED -> "FAILED before the plist flip; the running version was not touched";
            case CUTOVER_ABORTED -> "ABORTED before the plist flip; the running version was not touched";
            case ROLLBACK_STARTED -> "ROLLING_BACK after the plist flip; the rollback needs the same SSH access";
            case ROLLBACK_FAILED -> "ROLLBACK_FAILED; the lease is left frozen and needs a human now";
            case CUTOVER_PAUSED -> "PAUSED";
            default -> type.name();
        };
    }

    /** True when the reason is a breached trigger (see {@link #BREACH_REASON}). */
    static boolean isBreach(String reason) {
        return reason != null && BREACH_REASON.matcher(reason.strip()).find();
    }

    static String time(Instant t) {
        return t == null ? UNKNOWN : TIME.format(t);
    }

    private static String channels(List<String> channels) {
        return channels == null || channels.isEmpty() ? UNKNOWN : String.join(", ", channels);
    }

    private static String or(String s) {
        return s == null || s.isBlank() ? UNKNOWN : s;
    }
}
