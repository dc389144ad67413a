package com.maclogin.cutover.probe.watch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The continuous watch of the region's leases (issue 12; docs/architecture.md "Continuous watch"). */
@ConfigMapping(prefix = "probe.watch")
public interface WatchConfig {

    /** Whether this worker watches the leases of the step topic partitions it owns. */
    @WithDefault("true")
    boolean enabled();

    /** Time between two rounds of one lease when its registration names no {@code watchIntervalSeconds}. */
    @WithDefault("PT30S")
    Duration interval();

    /** Time between two TLS certificate reads of one lease; the rounds in between reuse the last value. */
    @WithDefault("PT5M")
    Duration tlsInterval();

    /** Rounds running at once (threads of the round pool); the scheduler itself is one thread. */
    @WithDefault("32")
    int concurrency();

    /**
     * {@link #crashLoopCrashes()} crashes (launchd respawns after an unclean exit) within this window are a crash loop
     * (DOWN): PLAYBOOK "Exit loop: 3 crashes within 5 minutes".
     */
    @WithDefault("PT5M")
    Duration crashLoopWindow();

    /** Crashes within {@link #crashLoopWindow()} that make a crash loop (3, the playbook's). */
    @WithDefault("3")
    int crashLoopCrashes();

    /** A TLS certificate with fewer days left than this makes the lease DEGRADED. */
    @WithDefault("14")
    int certWarnDays();

    /** Free space below this percentage of the gateway's volume fails DISK (DEGRADED). */
    @WithDefault("10")
    double diskFreeMinPercent();

    /**
     * SSH (re)connects of this worker per second, all leases together (a token bucket of this rate and burst): after
     * a region-wide network blip every lease reconnects through it (architecture.md "Continuous watch" says why 50).
     */
    @WithDefault("50")
    double reconnectsPerSecond();

    /** First delay before a lease whose SSH failed is tried again (full jitter: a random share of it). */
    @WithDefault("PT1S")
    Duration reconnectBackoffInitial();

    /** Longest delay between two reconnect attempts of one lease (the exponential backoff's cap). */
    @WithDefault("PT2M")
    Duration reconnectBackoffMax();

    /**
     * The round's form: true (default) = two SSH channels per round, the launchd read and {@code df} in one exec and
     * {@code /healthz} and {@code /readyz} on one direct-tcpip channel whose open is TCP's check
     * ({@link com.maclogin.cutover.probe.matrix.LightRound}); false = one channel per probe as VALIDATE's matrix runs
     * them (five), kept for the benchmark's side-by-side run (docs/benchmarks.md "P4").
     */
    @WithDefault("true")
    boolean combinedRound();
}
