package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a wave may START in a region (a wave already running is not stopped by its window closing): local hours
 * {@code [fromHour, toHour)}, no blackout date, and by default the playbook's own lesson, never on a Friday at or after
 * 15:00 nor on a Saturday or Sunday, all in the region's time zone.
 */
public record DeploymentWindow(Region region, ZoneId zone, int fromHour, int toHour, Set<LocalDate> blackoutDates,
        boolean allowFridayAfternoonAndWeekend) {

    /** The Friday cut-off hour of the default rule. */
    public static final int FRIDAY_CUTOFF_HOUR = 15;

    /** The region's time zone unless the plan names another one. */
    public static final Map<Region, ZoneId> ZONES = Map.of(
            Region.HK, ZoneId.of("Asia/Hong_Kong"),
            Region.JP, ZoneId.of("Asia/Tokyo"),
            Region.KR, ZoneId.of("Asia/Seoul"),
            Region.SG, ZoneId.of("Asia/Singapore"),
            Region.US, ZoneId.of("America/Los_Angeles"));

    public DeploymentWindow {
        blackoutDates = Set.copyOf(blackoutDates);
    }

    /** The default window of a region: every hour, no blackout, no Friday afternoon, no weekend. */
    public static DeploymentWindow defaultFor(Region r) {
        return new DeploymentWindow(r, ZONES.get(r), 0, 24, Set.of(), false);
    }

    /** A region's window from a (validated) plan entry, or the default when there is none. */
    public static DeploymentWindow of(Region r, FleetPlan.WindowSpec spec) {
        if (spec == null) {
            return defaultFor(r);
        }
        Set<LocalDate> blackouts = new TreeSet<>();
        if (spec.blackoutDates() != null) {
            spec.blackoutDates().forEach(d -> blackouts.add(LocalDate.parse(d)));
        }
        return new DeploymentWindow(r, spec.timeZone() != null ? ZoneId.of(spec.timeZone()) : ZONES.get(r),
                spec.fromHour() != null ? spec.fromHour() : 0, spec.toHour() != null ? spec.toHour() : 24, blackouts,
                Boolean.TRUE.equals(spec.allowFridayAfternoonAndWeekend()));
    }

    /** Why a wave may not start at {@code at} (a sentence naming the region and local time); empty when it may. */
    public Optional<String> closedReason(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        String when = local.getDayOfWeek().toString().charAt(0) + local.getDayOfWeek().toString().substring(1).toLowerCase()
                + " " + local.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES) + " " + zone;
        if (blackoutDates.contains(local.toLocalDate())) {
            return Optional.of(region + " deployment window closed: " + local.toLocalDate() + " is a blackout date ("
                    + when + ")");
        }
        if (!allowFridayAfternoonAndWeekend) {
            DayOfWeek d = local.getDayOfWeek();
            if (d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY) {
                return Optional.of(region + " deployment window closed: no wave starts on a weekend (" + when + ")");
            }
            if (d == DayOfWeek.FRIDAY && local.getHour() >= FRIDAY_CUTOFF_HOUR) {
                return Optional.of(region + " deployment window closed: no wave starts on a Friday from "
                        + FRIDAY_CUTOFF_HOUR + ":00 (" + when + ")");
            }
        }
        if (local.getHour() < fromHour || local.getHour() >= toHour) {
            return Optional.of(region + " deployment window closed: waves start between " + fromHour + ":00 and "
                    + toHour + ":00 (" + when + ")");
        }
        return Optional.empty();
    }

    public boolean isOpen(Instant at) {
        return closedReason(at).isEmpty();
    }

    /**
     * The first moment from {@code at} on when the window is open (every rule changes on a local hour boundary, so
     * whole hours are tried); empty when it stays closed for 60 days (a blackout list that covers everything).
     */
    public Optional<Instant> nextOpen(Instant at) {
        if (isOpen(at)) {
            return Optional.of(at);
        }
        ZonedDateTime t = at.atZone(zone).truncatedTo(ChronoUnit.HOURS);
        for (int i = 0; i < 60 * 24; i++) {
            t = t.plusHours(1);
            if (isOpen(t.toInstant())) {
                return Optional.of(t.toInstant());
            }
        }
        return Optional.empty();
    }
}
