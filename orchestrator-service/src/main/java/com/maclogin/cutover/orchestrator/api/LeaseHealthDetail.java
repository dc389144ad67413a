package com.maclogin.cutover.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.LeaseHealthState;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/leases/{id}/health}: the lease's health, its roll-ups of the last hour (oldest first) and its
 * recent health changes (newest first).
 */
public record LeaseHealthDetail(String leaseId, Integer watchIntervalSeconds, long staleAfterSeconds,
        LeaseHealthView health, List<Minute> rollups, List<Change> changes) {

    /**
     * One minute's roll-up: rounds, verdict counts per layer ({@code [{layer, passed, failed, error, inconclusive}]}),
     * the APPLICATION latency percentiles in ms, the certificate's days left, the lowest free disk, launchd's run
     * counter and the restarts within the minute, the health at the minute's end.
     */
    public record Minute(Instant minute, int rounds, JsonNode verdicts, Latency latency, Integer certDaysLeft,
            Double diskFreePercent, Integer processRuns, int restarts, LeaseHealthState state, String workerId) {
    }

    /** Latency percentiles in milliseconds; null without a sample. */
    public record Latency(long samples, Long p50, Long p95, Long p99, Long max) {
    }

    /** A change of the lease's health. */
    public record Change(Instant at, LeaseHealthState state, LeaseHealthState previousState, String reason,
            boolean crashLooping) {
    }
}
