package com.maclogin.cutover.orchestrator.api;

import com.maclogin.cutover.contracts.LeaseHealthState;
import java.time.Instant;

/**
 * A lease's health as the continuous watch last saw it (issue 12). A lease never reported is {@code UNKNOWN} with
 * {@code since} and {@code observedAt} null.
 *
 * @param since      when the lease entered {@code state}
 * @param observedAt when the last round any applied report described ended
 * @param workerId   the worker whose report was applied last
 */
public record LeaseHealthView(LeaseHealthState state, String reason, Instant since, Instant observedAt,
        Integer certDaysLeft, boolean crashLooping, String workerId) {

    /** Reason shown for a lease no watch report ever arrived for. */
    public static final String NEVER_REPORTED = "no watch report yet";

    public static final LeaseHealthView UNKNOWN = new LeaseHealthView(LeaseHealthState.UNKNOWN, NEVER_REPORTED, null,
            null, null, false, null);
}
