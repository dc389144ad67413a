package com.maclogin.cutover.probe.watch;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.contracts.WatchLayerCounts;
import com.maclogin.cutover.contracts.WatchRollup;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * One lease's watch rounds of one minute: verdict counts per layer, the APPLICATION latency as an HdrHistogram
 * (1 ms to 1 h, 2 significant digits), the lowest certificate days and free disk seen, the run counter's last value
 * and how often it grew (restarts). {@link #rollup} turns it into the contract's {@link WatchRollup}; the histogram
 * travels as its V2 compressed encoding in base64 ({@link #decode} reads it back; histograms of several minutes add
 * up). Not thread-safe: the caller holds the lease's lock.
 */
public final class RollupAccumulator {

    static final long HIGHEST_MILLIS = 3_600_000L;
    static final int SIGNIFICANT_DIGITS = 2;

    private int rounds;
    private final Map<ProbeLayer, WatchLayerCounts> layers = new EnumMap<>(ProbeLayer.class);
    private final Histogram latency = new Histogram(1, HIGHEST_MILLIS, SIGNIFICANT_DIGITS);
    private Integer certDaysLeft;
    private Double diskFreePercent;
    private Long previousRuns;
    private Long runs;
    private int restarts;

    /** A new minute; {@code previousRuns} is the run counter at the end of the minute before (null if unknown). */
    public RollupAccumulator(Long previousRuns) {
        this.previousRuns = previousRuns;
    }

    /** One round ran. */
    public void round() {
        rounds++;
    }

    /** One probe of the round ended {@code v}. */
    public void verdict(ProbeLayer layer, Verdict v) {
        layers.merge(layer, WatchLayerCounts.zero(layer).plus(v), (a, b) -> a.plus(v));
    }

    /** One APPLICATION response time. */
    public void latencyMillis(long millis) {
        latency.recordValue(Math.max(1, Math.min(HIGHEST_MILLIS, millis)));
    }

    public void certDaysLeft(int days) {
        certDaysLeft = certDaysLeft == null ? days : Math.min(certDaysLeft, days);
    }

    public void diskFreePercent(double percent) {
        diskFreePercent = diskFreePercent == null ? percent : Math.min(diskFreePercent, percent);
    }

    /** launchd's run counter as read; growth since the previous reading counts as restarts (a reset does not). */
    public void runs(long value) {
        if (previousRuns != null && value > previousRuns) {
            restarts += (int) Math.min(Integer.MAX_VALUE, value - previousRuns);
        }
        previousRuns = value;
        runs = value;
    }

    /** The run counter at the last reading (the next minute's starting point), null if never read. */
    public Long lastRuns() {
        return previousRuns;
    }

    public int rounds() {
        return rounds;
    }

    /** The minute's roll-up. */
    public WatchRollup rollup(Instant minuteStart) {
        List<WatchLayerCounts> counts = new ArrayList<>(layers.values());
        long samples = latency.getTotalCount();
        String encoded = null;
        Long p50 = null;
        Long p95 = null;
        Long p99 = null;
        Long max = null;
        if (samples > 0) {
            encoded = encode(latency);
            p50 = latency.getValueAtPercentile(50);
            p95 = latency.getValueAtPercentile(95);
            p99 = latency.getValueAtPercentile(99);
            max = latency.getMaxValue();
        }
        return new WatchRollup(minuteStart, rounds, counts, encoded, samples, p50, p95, p99, max, certDaysLeft,
                diskFreePercent, runs == null ? null : (int) Math.min(Integer.MAX_VALUE, runs), restarts);
    }

    /** V2 compressed encoding, base64. */
    public static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[n];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Reads {@link #encode}'s output back. */
    public static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
        }
    }
}
