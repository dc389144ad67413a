package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.List;

/**
 * One lease's watch rounds of one minute, rolled up (issue 12: results are rolled up, not stored one by one).
 *
 * @param minuteStart        start of the minute (UTC, whole minute) the rounds began in
 * @param rounds             watch rounds run in that minute
 * @param layers             verdict counts per probed layer
 * @param latencyHistogram   the APPLICATION layer's response times in milliseconds (the slower of /healthz and
 *                           /readyz per round) as an HdrHistogram, V2 compressed encoding, base64; null without a sample.
 *                           Histograms of several minutes add up (orchestrator-service's rolling P95 baseline).
 * @param latencySamples     samples in the histogram
 * @param latencyP50Millis   the histogram's 50th percentile, null without a sample
 * @param latencyP95Millis   95th percentile, null without a sample
 * @param latencyP99Millis   99th percentile, null without a sample
 * @param latencyMaxMillis   largest sample, null without a sample
 * @param certDaysLeft       fewest days of validity left seen on the lease's TLS certificate, null if not probed
 * @param diskFreePercent    lowest free space seen on the gateway's volume, null if not probed
 * @param processRuns        launchd's run counter at the minute's last read, null if not read
 * @param processRestarts    how much the run counter grew within the minute (0 = no restart)
 */
public record WatchRollup(
        Instant minuteStart,
        int rounds,
        List<WatchLayerCounts> layers,
        String latencyHistogram,
        long latencySamples,
        Long latencyP50Millis,
        Long latencyP95Millis,
        Long latencyP99Millis,
        Long latencyMaxMillis,
        Integer certDaysLeft,
        Double diskFreePercent,
        Integer processRuns,
        int processRestarts) {
}
