package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import java.time.Instant;
import java.util.List;

/**
 * One wave of a fleet: its leases (ids, in start order), its bake after every lease ended, and where it stands.
 *
 * @param region the region of a REGION wave; null for the staging and canary waves (they span regions)
 */
public record Wave(int index, String name, WaveKind kind, Region region, List<String> leaseIds, long bakeSeconds,
        WaveState state, Instant startedAt, Instant bakeUntil, Instant endedAt) {

    public Wave {
        leaseIds = List.copyOf(leaseIds);
    }

    /** A wave not started yet. */
    public static Wave planned(int index, String name, WaveKind kind, Region region, List<String> leaseIds,
            long bakeSeconds) {
        return new Wave(index, name, kind, region, leaseIds, bakeSeconds, WaveState.PENDING, null, null, null);
    }

    public Wave with(WaveState s, Instant started, Instant bake, Instant ended) {
        return new Wave(index, name, kind, region, leaseIds, bakeSeconds, s, started, bake, ended);
    }
}
