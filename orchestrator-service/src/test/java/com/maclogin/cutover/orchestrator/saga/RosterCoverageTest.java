package com.maclogin.cutover.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RosterCoverageTest {

    static List<ZoneId> zones(String list) {
        return Arrays.stream(list.split(" ")).map(ZoneId::of).toList();
    }

    @ParameterizedTest(name = "{0} on {1}: HK {2}, NY {3}")
    @CsvSource({
            // zones,                                         day,        covers HK, covers NY
            "Asia/Hong_Kong America/New_York,                  2026-07-15, true,  true",
            "Asia/Hong_Kong America/New_York,                  2026-01-14, true,  true",
            "Asia/Singapore Europe/London America/Chicago,     2026-07-15, true,  true",   // London closes the 13-14 UTC gap (BST)
            "Asia/Singapore Europe/London America/Chicago,     2026-01-14, true,  true",   // and 14-15 UTC in winter
            "Asia/Singapore America/Chicago,                   2026-07-15, true,  false",  // Chicago starts an hour after New York
            "Asia/Tokyo America/New_York,                      2026-07-15, false, true",   // Tokyo 09:00-18:00 = HK 08:00-17:00
            "Asia/Tokyo Asia/Shanghai America/New_York,        2026-07-15, true,  true",
            "Europe/Berlin America/Los_Angeles,                2026-07-15, false, true",   // Berlin to 16 UTC, LA from 16 UTC
            "America/New_York America/New_York,                2026-07-15, false, true",
            "Asia/Hong_Kong America/New_York,                  2026-07-18, false, false",  // a Saturday: nobody works
    })
    void businessHoursUnionCoversEachSiteOnlyWhenNoGapRemains(String zoneList, String day, boolean hk, boolean ny) {
        List<ZoneId> z = zones(zoneList.trim());
        LocalDate d = LocalDate.parse(day.trim());
        assertThat(RosterCoverage.covers(z, RosterCoverage.HONG_KONG, d)).isEqualTo(hk);
        assertThat(RosterCoverage.covers(z, RosterCoverage.NEW_YORK, d)).isEqualTo(ny);
    }

    @ParameterizedTest
    @CsvSource({"2026-07-18, 2026-07-20", "2026-07-19, 2026-07-20", "2026-07-20, 2026-07-20", "2026-07-17, 2026-07-17"})
    void referenceDayMovesToTheNextWeekday(String in, String out) {
        assertThat(RosterCoverage.weekdayOnOrAfter(LocalDate.parse(in))).isEqualTo(LocalDate.parse(out));
    }
}
