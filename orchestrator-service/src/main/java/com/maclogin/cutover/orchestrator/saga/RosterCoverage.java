package com.maclogin.cutover.orchestrator.saga;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Whether operators' business hours (09:00-18:00 local, weekdays) together cover the business hours of a site on a
 * given weekday. Pure; time zones are IANA ids so daylight saving is applied for the reference date.
 */
public final class RosterCoverage {

    public static final LocalTime OPEN = LocalTime.of(9, 0);
    public static final LocalTime CLOSE = LocalTime.of(18, 0);
    public static final ZoneId HONG_KONG = ZoneId.of("Asia/Hong_Kong");
    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private RosterCoverage() {
    }

    record Interval(Instant start, Instant end) {
    }

    /** True when the union of the operators' working intervals covers {@code site}'s 09:00-18:00 on {@code day}. */
    public static boolean covers(List<ZoneId> operatorZones, ZoneId site, LocalDate day) {
        Interval target = businessHours(site, day);
        List<Interval> hours = new ArrayList<>();
        for (ZoneId zone : operatorZones) {
            // the site's day can fall on the operator's previous, same or next local date
            for (int d = -1; d <= 1; d++) {
                LocalDate local = day.plusDays(d);
                if (isWeekday(local)) {
                    hours.add(businessHours(zone, local));
                }
            }
        }
        hours.sort(Comparator.comparing(Interval::start));
        Instant reach = target.start();
        for (Interval i : hours) {
            if (i.start().isAfter(reach)) {
                break; // sorted by start: nothing later closes this gap
            }
            if (i.end().isAfter(reach)) {
                reach = i.end();
            }
        }
        return !reach.isBefore(target.end());
    }

    /** The first weekday on or after the date. */
    public static LocalDate weekdayOnOrAfter(LocalDate date) {
        LocalDate d = date;
        while (!isWeekday(d)) {
            d = d.plusDays(1);
        }
        return d;
    }

    static boolean isWeekday(LocalDate d) {
        return d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    static Interval businessHours(ZoneId zone, LocalDate day) {
        return new Interval(day.atTime(OPEN).atZone(zone).toInstant(), day.atTime(CLOSE).atZone(zone).toInstant());
    }
}
