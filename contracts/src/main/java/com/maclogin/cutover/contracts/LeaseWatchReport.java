package com.maclogin.cutover.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * What the continuous watch (issue 12) saw of one lease. Published by the regional worker that owns the lease (the
 * owner of the lease's partition of {@code cutover.steps.<region>}) to {@code lease.watch}, keyed by lease id:
 * at once when the lease's health changes ({@code rollup} null), and once per minute with that minute's roll-up
 * ({@code rollup} set, {@code state} the health at the minute's end). orchestrator-service keeps the health and the
 * roll-ups.
 *
 * @param workerId      the worker that watched (its instance id)
 * @param state         the lease's health after the last round
 * @param reason        why, in words ({@code "launchd: state not running, last exit code 1"}); never a secret
 * @param previousState the health this worker held before ({@code UNKNOWN} for the first report after it took the lease)
 * @param crashLooping  the run counter grew at least twice within the crash-loop window, or launchd reports a
 *                      throttled respawn
 * @param certDaysLeft  days of validity left on the lease's TLS certificate at the last read, null if not probed
 * @param observedAt    when the last round ended
 * @param rollup        the minute's roll-up, null on a change report
 */
public record LeaseWatchReport(
        String messageId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        Region region,
        String workerId,
        LeaseHealthState state,
        String reason,
        LeaseHealthState previousState,
        boolean crashLooping,
        Integer certDaysLeft,
        Instant observedAt,
        WatchRollup rollup) implements CutoverMessage {

    /** A watch report is about a lease, not a cutover. */
    @JsonIgnore
    @Override
    public String cutoverId() {
        return null;
    }

    /** About a lease: consumers require its lease id, not a cutover id. */
    @Override
    public boolean aboutCutover() {
        return false;
    }

    /** Whether this is a per-minute roll-up (else a change of health). */
    @JsonIgnore
    public boolean isRollup() {
        return rollup != null;
    }

    /** What is wrong with this report (for the consumer), or null. */
    public String invalid() {
        String p = Validation.leaseId(leaseId);
        if (p == null && region == null) {
            p = "region is required";
        }
        if (p == null && state == null) {
            p = "state is required";
        }
        if (p == null && observedAt == null) {
            p = "observedAt is required";
        }
        if (p == null && rollup != null && rollup.minuteStart() == null) {
            p = "rollup.minuteStart is required";
        }
        return p;
    }
}
