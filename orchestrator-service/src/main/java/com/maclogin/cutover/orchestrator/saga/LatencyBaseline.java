package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The LATENCY trigger's baseline of one cutover (issue 12 point 3), chosen once when the VALIDATE plan is first built
 * and kept in the saga data: the lease's rolling P95 of the continuous watch (the APPLICATION layer's response times,
 * per-minute HdrHistograms of {@code lease_rollup} merged) over the {@code window} before the cutover touched the lease
 * (its INVENTORY command), when the watch saw at least {@code minSamples} samples there; else INVENTORY's own
 * measurement ({@code baselineP95Millis}), which may be null (then LATENCY judges only the absolute limit).
 *
 * @param source         where the value comes from
 * @param p95Millis      the baseline sent in the ProbePlan, null when neither source has one
 * @param windowSeconds  length of the roll-up window
 * @param from           start of the window (exclusive: a minute counts when it ended after this)
 * @param to             end of the window: the cutover's INVENTORY command (a minute counts when it ended by then)
 * @param minutes        roll-up minutes merged (with a readable histogram)
 * @param samples        latency samples in them
 * @param minSamples     fewest samples for the rolling P95 to be used
 * @param unreadable     minutes in the window whose histogram could not be decoded (left out)
 * @param inventoryP95Millis INVENTORY's measurement, recorded beside the choice
 * @param why            one sentence: why this source
 */
public record LatencyBaseline(Source source, Double p95Millis, long windowSeconds, Instant from, Instant to, int minutes,
        long samples, int minSamples, int unreadable, Double inventoryP95Millis, String why) {

    /** Evidence name on the VALIDATE step (and audit action {@code LATENCY_BASELINE}). */
    public static final String EVIDENCE = "baseline:LATENCY";
    public static final long MINUTE_SECONDS = 60;

    public enum Source {
        /** The merged per-minute histograms of the continuous watch before the cutover. */
        WATCH_ROLLING_P95,
        /** The synthetic calls INVENTORY made (or none). */
        INVENTORY
    }

    /** One {@code lease_rollup} row: the minute it covers and its histogram (base64, HdrHistogram V2 compressed). */
    public record Minute(Instant minuteStart, String latencyHistogram, long latencySamples) {
    }

    /**
     * Chooses the baseline: merges the histograms of the minutes that ended within {@code (to - window, to]} and takes
     * their 95th percentile when they hold at least {@code minSamples} samples; otherwise INVENTORY's value.
     */
    public static LatencyBaseline choose(List<Minute> rollups, Instant to, Duration window, int minSamples,
            Double inventoryP95Millis) {
        Instant from = to.minus(window);
        Histogram merged = new Histogram(3);
        merged.setAutoResize(true);
        int minutes = 0;
        int unreadable = 0;
        for (Minute m : rollups == null ? List.<Minute>of() : rollups) {
            Instant end = m.minuteStart().plusSeconds(MINUTE_SECONDS);
            if (!end.isAfter(from) || end.isAfter(to) || m.latencyHistogram() == null || m.latencySamples() <= 0) {
                continue;
            }
            Histogram h = decode(m.latencyHistogram());
            if (h == null) {
                unreadable++;
                continue;
            }
            merged.add(h);
            minutes++;
        }
        long samples = merged.getTotalCount();
        String span = human(window) + " before the cutover's INVENTORY (" + to + ")";
        if (samples >= minSamples && samples > 0) {
            double p95 = merged.getValueAtPercentile(95.0);
            return new LatencyBaseline(Source.WATCH_ROLLING_P95, p95, window.toSeconds(), from, to, minutes, samples,
                    minSamples, unreadable, inventoryP95Millis, "the watch's rolling P95 of /healthz and /readyz over "
                    + minutes + " minutes (" + samples + " samples) in the " + span);
        }
        String lack = samples == 0 ? "no watch latency samples" : "only " + samples + " watch latency samples";
        return new LatencyBaseline(Source.INVENTORY, inventoryP95Millis, window.toSeconds(), from, to, minutes, samples,
                minSamples, unreadable, inventoryP95Millis, lack + " (fewer than " + minSamples + ") in the " + span
                + ": INVENTORY's measurement is used" + (inventoryP95Millis == null
                ? ", and it has none: LATENCY judges only the absolute limit" : ""));
    }

    /** A base64 HdrHistogram V2 compressed encoding, or null when it is not one. */
    static Histogram decode(String base64) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64.trim());
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (Exception | LinkageError e) { // malformed base64, a bad cookie, a truncated or corrupt payload
            return null;
        }
    }

    /** The facts of the choice, as stored with the evidence and shown by the API and the report. */
    public Map<String, String> facts() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("source", source.name());
        m.put("p95Millis", p95Millis == null ? null : plain(p95Millis));
        m.put("window", Duration.ofSeconds(windowSeconds).toString());
        m.put("from", String.valueOf(from));
        m.put("to", String.valueOf(to));
        m.put("minutes", String.valueOf(minutes));
        m.put("samples", String.valueOf(samples));
        m.put("minSamples", String.valueOf(minSamples));
        if (unreadable > 0) {
            m.put("unreadableMinutes", String.valueOf(unreadable));
        }
        m.put("inventoryP95Millis", inventoryP95Millis == null ? null : plain(inventoryP95Millis));
        m.put("layer", "APPLICATION (/healthz, /readyz response time of the continuous watch)");
        return m;
    }

    /** One line for the audit trail and the evidence's first line. */
    public String summary() {
        return source + ": " + (p95Millis == null ? "no baseline" : plain(p95Millis) + " ms") + " (" + why + ")";
    }

    /** The evidence on the VALIDATE step: the summary, then the facts as JSON (like the gates' evidence). */
    public Evidence evidence() {
        return Evidence.of(EVIDENCE, null, p95Millis == null ? 1 : 0, summary() + "\n" + Json.write(facts()));
    }

    static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** PT30M as "30 minutes", PT90S as "90 s". */
    public static String human(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 ? (s / 60) + (s == 60 ? " minute" : " minutes") : s + " s";
    }
}
