package com.maclogin.cutover.orchestrator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Region;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The default and planned deployment windows, evaluated in each region's own time zone. */
class DeploymentWindowTest {

    @ParameterizedTest(name = "{0} at {1}: open={2}")
    @CsvSource({
            // Friday 2026-12-04: 14:59 HK is open, 15:00 HK is closed (the cut-off is inclusive)
            "HK, 2026-12-04T06:59:00Z, true",
            "HK, 2026-12-04T07:00:00Z, false",
            // Saturday and Sunday in Tokyo are closed all day
            "JP, 2026-12-05T03:00:00Z, false",
            "JP, 2026-12-06T14:00:00Z, false",
            // Sunday 23:00 UTC is already Monday 08:00 in Seoul: open
            "KR, 2026-12-06T23:00:00Z, true",
            // Friday 2026-12-04 22:00 UTC is Friday 14:00 in Los Angeles: open, though Saturday in Asia
            "US, 2026-12-04T22:00:00Z, true",
            "HK, 2026-12-04T22:00:00Z, false",
            // Friday 23:30 UTC is Friday 15:30 in Los Angeles: closed
            "US, 2026-12-04T23:30:00Z, false",
            // a Tuesday morning in Singapore
            "SG, 2026-12-08T02:00:00Z, true"
    })
    void theDefaultWindowClosesFridayFromThreePmAndTheWeekendInTheRegionsTimeZone(Region r, Instant at, boolean open) {
        assertThat(DeploymentWindow.defaultFor(r).isOpen(at)).isEqualTo(open);
    }

    @Test
    void aClosedWindowSaysWhyWithTheLocalTimeAndZone() {
        assertThat(DeploymentWindow.defaultFor(Region.HK).closedReason(Instant.parse("2026-12-04T07:30:00Z")))
                .hasValueSatisfying(r -> assertThat(r).contains("HK", "Friday", "15:00", "2026-12-04T15:30",
                        "Asia/Hong_Kong"));
    }

    @Test
    void plannedHoursAndBlackoutDatesCloseTheWindowAndTheZoneCanBeChanged() {
        DeploymentWindow w = DeploymentWindow.of(Region.US, new FleetPlan.WindowSpec("America/New_York", 9, 17,
                List.of("2026-12-08"), false));
        assertThat(w.isOpen(Instant.parse("2026-12-07T15:00:00Z"))).as("Monday 10:00 New York").isTrue();
        assertThat(w.isOpen(Instant.parse("2026-12-07T23:00:00Z"))).as("Monday 18:00 New York").isFalse();
        assertThat(w.closedReason(Instant.parse("2026-12-08T15:00:00Z"))).as("blackout Tuesday")
                .hasValueSatisfying(r -> assertThat(r).contains("blackout"));
    }

    @Test
    void allowingFridayAfternoonAndWeekendOpensThem() {
        DeploymentWindow w = DeploymentWindow.of(Region.HK, new FleetPlan.WindowSpec(null, null, null, null, true));
        assertThat(w.isOpen(Instant.parse("2026-12-05T03:00:00Z"))).as("Saturday 11:00 HK").isTrue();
    }

    @Test
    void theNextOpeningAfterFridayAfternoonIsMondayMidnightLocalTime() {
        assertThat(DeploymentWindow.defaultFor(Region.HK).nextOpen(Instant.parse("2026-12-04T08:10:00Z")))
                .hasValue(Instant.parse("2026-12-06T16:00:00Z")); // Monday 00:00 Asia/Hong_Kong
    }

    @Test
    void theNextOpeningOfAnOpenWindowIsNow() {
        Instant tuesday = Instant.parse("2026-12-08T02:00:00Z");
        assertThat(DeploymentWindow.defaultFor(Region.SG).nextOpen(tuesday)).hasValue(tuesday);
    }
}
