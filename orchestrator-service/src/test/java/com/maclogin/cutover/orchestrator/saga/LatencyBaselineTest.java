package com.maclogin.cutover.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Json;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The rolling LATENCY baseline as a pure function: which minutes count, the merged P95, the INVENTORY fallback. */
class LatencyBaselineTest {

    /** The cutover's INVENTORY command, 20 s into a minute. */
    static final Instant INVENTORY = Instant.parse("2026-12-06T05:50:20Z");
    static final Duration WINDOW = Duration.ofMinutes(30);

    /** A base64 HdrHistogram V2 compressed encoding of the values, as the worker writes {@code latencyHistogram}. */
    static String histogram(long... millis) {
        Histogram h = new Histogram(3_600_000L, 3);
        for (long v : millis) {
            h.recordValue(v);
        }
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(b);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(b.array(), n));
    }

    static LatencyBaseline.Minute minute(Instant start, long... millis) {
        return new LatencyBaseline.Minute(start, histogram(millis), millis.length);
    }

    /**
     * The 30 whole minutes that ended in (INVENTORY - 30 min, INVENTORY]: 05:20 .. 05:49. Each holds 20 ms and 40 ms,
     * except the first three, which hold 40 ms and 900 ms: 27 x 20, 30 x 40, 3 x 900.
     */
    static List<LatencyBaseline.Minute> thirtyMinutes() {
        List<LatencyBaseline.Minute> out = new ArrayList<>();
        Instant first = Instant.parse("2026-12-06T05:20:00Z");
        for (int i = 0; i < 30; i++) {
            out.add(i < 3 ? minute(first.plusSeconds(60L * i), 40, 900) : minute(first.plusSeconds(60L * i), 20, 40));
        }
        return out;
    }

    @Test
    void thirtyMinutesOfRollupsGiveTheMergedNinetyFifthPercentileNotAnAverageOfTheMinutes() {
        LatencyBaseline b = LatencyBaseline.choose(thirtyMinutes(), INVENTORY, WINDOW, 20, 180.0);

        assertThat(b.source()).isEqualTo(LatencyBaseline.Source.WATCH_ROLLING_P95);
        // the 57th of 60 sorted samples; three minutes' own P95 were 900 ms, the others' 40 ms
        assertThat(b.p95Millis()).isEqualTo(40.0);
        assertThat(b.minutes()).isEqualTo(30);
        assertThat(b.samples()).isEqualTo(60);
        assertThat(b.to()).isEqualTo(INVENTORY);
        assertThat(b.from()).isEqualTo(INVENTORY.minus(WINDOW));
        assertThat(b.inventoryP95Millis()).isEqualTo(180.0);
        assertThat(b.summary()).startsWith("WATCH_ROLLING_P95: 40 ms (the watch's rolling P95 of /healthz and /readyz "
                + "over 30 minutes (60 samples) in the 30 minutes before the cutover's INVENTORY");
    }

    @Test
    void fourSlowSamplesOfSixtyMoveTheMergedP95ToTheSlowValue() {
        List<LatencyBaseline.Minute> m = new ArrayList<>(thirtyMinutes());
        m.set(3, minute(m.get(3).minuteStart(), 40, 900)); // now 26 x 20, 30 x 40, 4 x 900: the 57th is 900

        assertThat(LatencyBaseline.choose(m, INVENTORY, WINDOW, 20, 180.0).p95Millis()).isEqualTo(900.0);
    }

    @Test
    void onlyMinutesThatEndedInsideTheWindowBeforeTheInventoryCount() {
        List<LatencyBaseline.Minute> m = new ArrayList<>(thirtyMinutes());
        m.add(minute(Instant.parse("2026-12-06T05:19:00Z"), 5000, 5000, 5000)); // ended 05:20:00, before the window
        m.add(minute(Instant.parse("2026-12-06T05:50:00Z"), 5000, 5000, 5000)); // the INVENTORY's own minute: not over
        m.add(minute(Instant.parse("2026-12-06T05:55:00Z"), 5000, 5000, 5000)); // during the cutover

        LatencyBaseline b = LatencyBaseline.choose(m, INVENTORY, WINDOW, 20, 180.0);

        assertThat(b.minutes()).isEqualTo(30);
        assertThat(b.samples()).isEqualTo(60);
        assertThat(b.p95Millis()).isEqualTo(40.0);
    }

    @Test
    void aMinuteEndingExactlyAtTheInventoryCountsAndOneEndingExactlyAtTheWindowStartDoesNot() {
        Instant inventory = Instant.parse("2026-12-06T05:50:00Z");
        List<LatencyBaseline.Minute> m = List.of(
                minute(Instant.parse("2026-12-06T05:19:00Z"), 1, 1, 1, 1, 1), // ends 05:20:00 = window start
                minute(Instant.parse("2026-12-06T05:49:00Z"), 70, 70, 70, 70, 70)); // ends 05:50:00 = INVENTORY

        LatencyBaseline b = LatencyBaseline.choose(m, inventory, WINDOW, 5, null);

        assertThat(b.minutes()).isEqualTo(1);
        assertThat(b.p95Millis()).isEqualTo(70.0);
    }

    @Test
    void fewerSamplesThanTheMinimumFallBackToTheInventoryMeasurementAndSayWhy() {
        LatencyBaseline b = LatencyBaseline.choose(thirtyMinutes().subList(0, 9), INVENTORY, WINDOW, 20, 180.0);

        assertThat(b.source()).isEqualTo(LatencyBaseline.Source.INVENTORY);
        assertThat(b.p95Millis()).isEqualTo(180.0);
        assertThat(b.samples()).isEqualTo(18);
        assertThat(b.why()).startsWith("only 18 watch latency samples (fewer than 20) in the 30 minutes before the "
                + "cutover's INVENTORY").endsWith("INVENTORY's measurement is used");
    }

    @Test
    void aLeaseWithoutRollupsGetsTheInventoryMeasurement() {
        LatencyBaseline b = LatencyBaseline.choose(List.of(), INVENTORY, WINDOW, 20, 180.0);

        assertThat(b.source()).isEqualTo(LatencyBaseline.Source.INVENTORY);
        assertThat(b.p95Millis()).isEqualTo(180.0);
        assertThat(b.minutes()).isZero();
        assertThat(b.summary()).isEqualTo("INVENTORY: 180 ms (no watch latency samples (fewer than 20) in the 30 minutes "
                + "before the cutover's INVENTORY (2026-12-06T05:50:20Z): INVENTORY's measurement is used)");
    }

    @Test
    void withoutRollupsAndWithoutAnInventoryMeasurementThereIsNoBaselineAndTheEvidenceSaysSo() {
        LatencyBaseline b = LatencyBaseline.choose(null, INVENTORY, WINDOW, 20, null);

        assertThat(b.p95Millis()).isNull();
        assertThat(b.why()).endsWith("LATENCY judges only the absolute limit");
        assertThat(b.evidence().exitCode()).isEqualTo(1);
    }

    @Test
    void anUndecodableHistogramIsLeftOutAndCounted() {
        List<LatencyBaseline.Minute> m = new ArrayList<>(thirtyMinutes());
        m.set(5, new LatencyBaseline.Minute(m.get(5).minuteStart(), "bm90IGEgaGlzdG9ncmFt", 2)); // "not a histogram"

        LatencyBaseline b = LatencyBaseline.choose(m, INVENTORY, WINDOW, 20, 180.0);

        assertThat(b.unreadable()).isEqualTo(1);
        assertThat(b.minutes()).isEqualTo(29);
        assertThat(b.samples()).isEqualTo(58);
        assertThat(b.facts()).containsEntry("unreadableMinutes", "1");
    }

    @Test
    void theEvidenceCarriesSourceValueWindowSamplesAndMinutesAndSurvivesTheSagaDataJson() {
        LatencyBaseline b = LatencyBaseline.choose(thirtyMinutes(), INVENTORY, WINDOW, 20, 180.0);

        String output = b.evidence().output();
        assertThat(b.evidence().name()).isEqualTo("baseline:LATENCY");
        assertThat(output).startsWith("WATCH_ROLLING_P95: 40 ms");
        Map<String, Object> facts = Json.read(output.substring(output.indexOf('\n') + 1), Map.class);
        assertThat(facts).containsEntry("source", "WATCH_ROLLING_P95").containsEntry("p95Millis", "40")
                .containsEntry("window", "PT30M").containsEntry("samples", "60").containsEntry("minutes", "30")
                .containsEntry("inventoryP95Millis", "180");
        SagaData data = SagaData.EMPTY.withLatencyBaseline(b);
        SagaData back = Json.read(Json.write(data), SagaData.class);
        assertThat(back).isEqualTo(data);
        assertThat(back.planBaselineP95Millis()).isEqualTo(40.0);
    }
}
