package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.FleetEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The words of a fleet thread: the banner, the wave, pause, halt and incident replies and the final summary, and the
 * short incident a lease of a fleet posts in that thread instead of a thread of its own. Plain text like
 * {@link NotificationTexts}; every line starts with a bracketed tag so the thread reads at a glance. The caller masks
 * the result ({@code SecretMasker}): reasons and summaries come from requests and workers.
 */
public final class FleetTexts {

    static final String UNKNOWN = NotificationTexts.UNKNOWN;

    static final String BANNER = """
            [FLEET MAINTENANCE] Fleet cutover %s: OpenClaw gateway to %s, lease by lease in waves
            Plan: %s
            Rollback owner: %s
            Affected channels: %s
            Started: %s
            Fleet: %s
            Wave starts and ends, lease incidents and the final summary follow in this thread.""";

    static final String WAVE_STARTED = """
            [WAVE %s STARTED] Fleet %s: wave %s (%s) started
            Leases: %s""";

    static final String WAVE_ENDED = """
            [WAVE %s ENDED] Fleet %s: wave %s (%s) ended
            Leases: %s""";

    static final String LEASE_INCIDENT = """
            [LEASE INCIDENT] Fleet %s: lease %s (region %s, wave %s)
            Reason: %s
            Cutover: %s
            Leases: %s""";

    static final String REGION_PAUSED = """
            [REGION PAUSED] Fleet %s: region %s paused (its control leases failed too: the region's path, not the candidate)
            Reason: %s
            Leases: %s""";

    static final String FLEET_PAUSED = """
            [FLEET PAUSED] Fleet %s waits (state %s)
            Reason: %s
            Leases: %s""";

    static final String FLEET_RESUMED = """
            [FLEET RESUMED] Fleet %s carries on (state %s)
            Reason: %s
            Leases: %s""";

    static final String FLEET_HALTED = """
            [FLEET HALTED] Fleet %s halted: the failure budget is used up (state %s)
            Reason: %s
            Leases: %s
            Rollback owner: %s""";

    static final String FLEET_ENDED = """
            [FLEET ENDED] Fleet cutover %s ended: %s
            GREEN: %d, rolled back: %d, failed: %d, halted: %s
            Duration: %s (%s -> %s)
            Summary: %s
            Leases: %s
            Rollback owner: %s""";

    /** A lease of the fleet: headline tag, what happened, versions, reason (or breach), its cutover, the owner. */
    static final String MEMBER = """
            [%s] Fleet %s: lease %s (region %s, wave %s) %s
            Versions: previous %s, candidate %s
            %s: %s
            Cutover: %s
            Rollback owner: %s""";

    /** Count keys shown first, in this order; any other key follows alphabetically. */
    static final List<String> COUNT_ORDER = List.of("GREEN", "IN_FLIGHT", "PENDING", "PAUSED", "ROLLED_BACK", "FAILED",
            "ROLLBACK_FAILED", "ABORTED");

    private FleetTexts() {
    }

    /** The chat text for a fleet event; {@code null} when the type has no message. */
    public static String render(FleetEvent e, boolean haltedBefore) {
        if (e.type() == null) {
            return null;
        }
        String ticket = or(e.ticketId());
        String reason = or(e.reason());
        String counts = counts(e.counts());
        String state = or(e.state());
        String wave = e.wave() == null ? UNKNOWN : String.valueOf(e.wave());
        String waveName = or(e.waveName());
        return switch (e.type()) {
            case FLEET_STARTED -> BANNER.formatted(ticket, or(e.candidateVersion()), or(e.summary()),
                    or(e.rollbackOwner()), channels(e.channels()),
                    NotificationTexts.time(e.startedAt() != null ? e.startedAt() : e.timestamp()), or(e.fleetId()));
            case WAVE_STARTED -> WAVE_STARTED.formatted(wave, ticket, wave, waveName, counts);
            case WAVE_ENDED -> WAVE_ENDED.formatted(wave, ticket, wave, waveName, counts);
            case LEASE_INCIDENT -> LEASE_INCIDENT.formatted(ticket, or(e.subjectLeaseId()), region(e), wave, reason,
                    or(e.subjectCutoverId()), counts);
            case REGION_PAUSED -> REGION_PAUSED.formatted(ticket, region(e), reason, counts);
            case FLEET_PAUSED -> FLEET_PAUSED.formatted(ticket, state, reason, counts);
            case FLEET_RESUMED -> FLEET_RESUMED.formatted(ticket, state, reason, counts);
            case FLEET_HALTED -> FLEET_HALTED.formatted(ticket, state, reason, counts, or(e.rollbackOwner()));
            case FLEET_ENDED -> FLEET_ENDED.formatted(ticket, state, count(e, "GREEN"), count(e, "ROLLED_BACK"),
                    count(e, "FAILED") + count(e, "ROLLBACK_FAILED"),
                    haltedBefore || "HALTED".equalsIgnoreCase(e.state()) ? "yes" : "no",
                    duration(e.startedAt(), e.endedAt()), NotificationTexts.time(e.startedAt()),
                    NotificationTexts.time(e.endedAt()), or(e.summary()), counts, or(e.rollbackOwner()));
        };
    }

    /**
     * The reply a lease of a fleet posts in the fleet's thread, or {@code null} for the events that the wave messages
     * carry as counts (CUTOVER_STARTED, CUTOVER_GREEN): a hundred leases must not mean a hundred banners.
     */
    public static String member(CutoverEvent e) {
        if (e.type() == null) {
            return null;
        }
        String label = NotificationTexts.isBreach(e.reason()) ? NotificationTexts.BREACH_LABEL
                : NotificationTexts.REASON_LABEL;
        return switch (e.type()) {
            case CUTOVER_STARTED, CUTOVER_GREEN -> null;
            case CUTOVER_FAILED -> member(e, "FAILED",
                    "stopped before the plist flip; its running version was not touched", label);
            case CUTOVER_ABORTED -> member(e, "ABORTED", "aborted before the plist flip; nothing to restore", label);
            case CUTOVER_PAUSED -> member(e, "PAUSED",
                    "paused: a rollback trigger tripped during validation; it waits for a human decision",
                    NotificationTexts.BREACH_LABEL);
            case ROLLBACK_STARTED -> member(e, "INCIDENT", "rollback started", label);
            case ROLLED_BACK -> member(e, "ROLLED BACK",
                    "rolled back: runs " + or(e.previousVersion()) + " again, hashes verified, health green", label);
            case ROLLBACK_FAILED -> member(e, "ROLLBACK FAILED", "restore failed; the lease needs a human now", label);
        };
    }

    private static String member(CutoverEvent e, String tag, String what, String label) {
        return MEMBER.formatted(tag, or(e.ticketId()), or(e.leaseId()),
                e.region() == null ? UNKNOWN : e.region().name(), e.wave() == null ? UNKNOWN : e.wave(), what,
                or(e.previousVersion()), or(e.candidateVersion()), label, or(e.reason()), or(e.cutoverId()),
                or(e.rollbackOwner()));
    }

    /** {@code GREEN 4, IN_FLIGHT 2, ...}: the known states in a fixed order, then any other key alphabetically. */
    static String counts(Map<String, Integer> counts) {
        if (counts == null || counts.isEmpty()) {
            return UNKNOWN;
        }
        Map<String, Integer> rest = new TreeMap<>(counts);
        List<String> parts = new ArrayList<>();
        for (String key : COUNT_ORDER) {
            Integer n = rest.remove(key);
            if (n != null) {
                parts.add(key + " " + n);
            }
        }
        rest.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    /** {@code 1 h 02 min 05 s}, {@code 12 min 00 s}, {@code 40 s}; n/a without both ends. */
    static String duration(Instant start, Instant end) {
        if (start == null || end == null || end.isBefore(start)) {
            return UNKNOWN;
        }
        Duration d = Duration.between(start, end);
        if (d.toHours() > 0) {
            return "%d h %02d min %02d s".formatted(d.toHours(), d.toMinutesPart(), d.toSecondsPart());
        }
        if (d.toMinutes() > 0) {
            return "%d min %02d s".formatted(d.toMinutes(), d.toSecondsPart());
        }
        return d.toSeconds() + " s";
    }

    private static int count(FleetEvent e, String key) {
        Integer n = e.counts().get(key);
        return n == null ? 0 : n;
    }

    private static String region(FleetEvent e) {
        return e.region() == null ? UNKNOWN : e.region().name();
    }

    private static String channels(List<String> channels) {
        return channels == null || channels.isEmpty() ? UNKNOWN : String.join(", ", channels);
    }

    private static String or(String s) {
        return s == null || s.isBlank() ? UNKNOWN : s;
    }
}
