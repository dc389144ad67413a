package com.maclogin.cutover.orchestrator.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every {@code orchestrator.lease-health.*} key: the continuous watch's health, roll-ups and their retention. */
@ConfigMapping(prefix = "orchestrator.lease-health")
public interface LeaseHealthConfig {

    /**
     * A lease with no watch report for this long is marked UNKNOWN; unset = 3 x the lease's watch interval, at least
     * {@code stale-after-min}. Setting it applies it to every lease as given (no minimum).
     */
    Optional<Duration> staleAfter();

    /** Lower bound of the per-lease default of {@code stale-after}: a roll-up comes once a minute, so 90 s is one missed. */
    @WithDefault("PT90S")
    Duration staleAfterMin();

    /** The watch interval of a lease registered without {@code watchIntervalSeconds} (the worker's {@code probe.watch.interval}). */
    @WithDefault("PT30S")
    Duration defaultWatchInterval();

    /** How often the stale sweep looks for silent leases (Quarkus scheduler syntax); read by {@code @Scheduled}. */
    @WithDefault("15s")
    String sweepInterval();

    /**
     * A lease that turns DOWN this long after its last cutover ended counts as still inside it (no alert): the watch
     * reports the cutover's own reloads, restart drill or rollback restart up to an interval or a crash-loop window
     * later (the LEASE_HEALTH gate's {@code orchestrator.gates.lease-health-cutover-grace} is the same idea).
     */
    @WithDefault("PT2M")
    Duration cutoverGrace();

    /** A certificate with fewer days left than this is CERT_EXPIRING (alerted); back at or above it, CERT_RENEWED. */
    @WithDefault("14")
    int certWarnDays();

    /**
     * Per-minute roll-ups older than this are deleted. 3 days: the rolling LATENCY baseline reads 30 minutes and the API
     * one hour, and 3 days still cover a Friday evening's incident looked at on Monday (the health changes, kept 30
     * days, tell the longer story). One row per lease per minute is 14.4 million rows a day at 10,000 leases; a row
     * measured 480 bytes with two layers and a 4-sample histogram ({@code LeaseWatchHealthTest}), about 0.7 KB with five
     * layers, tuple header and its two indexes: ~10 GB a day, so P3D keeps ~30 GB and P7D would keep ~70 GB.
     */
    @WithDefault("P3D")
    Duration rollupRetention();

    /** Health changes older than this are deleted (rare rows: the history an operator looks back on). */
    @WithDefault("P30D")
    Duration changeRetention();

    /** How often the retention job runs (Quarkus scheduler syntax); read by {@code @Scheduled}. */
    @WithDefault("1h")
    String retentionInterval();

    /** Rows deleted per retention transaction (short transactions, no long lock on the tables). */
    @WithDefault("5000")
    int retentionBatch();

    /** How many recent health changes {@code GET /api/v1/leases/{id}/health} returns (newest first). */
    @WithDefault("50")
    int recentChanges();

    /** How far back {@code GET /api/v1/leases/{id}/health} returns roll-ups. */
    @WithDefault("PT1H")
    Duration rollupWindow();

    /** The stale-after of a lease watched every {@code watchIntervalSeconds} (null = the default interval). */
    default Duration staleAfterFor(Integer watchIntervalSeconds) {
        if (staleAfter().isPresent()) {
            return staleAfter().get();
        }
        Duration interval = watchIntervalSeconds == null ? defaultWatchInterval() : Duration.ofSeconds(watchIntervalSeconds);
        Duration three = interval.multipliedBy(3);
        return three.compareTo(staleAfterMin()) < 0 ? staleAfterMin() : three;
    }
}
