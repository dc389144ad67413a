package com.maclogin.cutover.probe.trigger;

import com.maclogin.cutover.contracts.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The recovery of the validation window's restart drill: from {@code launchctl kickstart -k} until {@code /readyz}
 * answers 200 again, plus a settle period ({@code probe.validate.drill-settle}), because a freshly started gateway
 * answers its first requests slowly. The product restarted the gateway on purpose: the probes of this period are
 * published with {@code observed.drillRecovery=true} and do not feed the ERROR_RATE and LATENCY rules
 * ({@link TriggerRules}); the drill has its own limit instead ({@code probe.validate.drill-recovery-timeout}, from the
 * kickstart until {@code /readyz} 200). No clock inside: every instant is passed in.
 */
public final class DrillRecovery {

    /** {@code observed} key marking a probe taken during the drill's recovery (value {@code "true"}). */
    public static final String MARKER = "drillRecovery";

    private final Instant kickstartAt;
    private final Duration limit;
    private final Duration settle;
    private Instant readyAt;

    public DrillRecovery(Instant kickstartAt, Duration limit, Duration settle) {
        this.kickstartAt = kickstartAt;
        this.limit = limit;
        this.settle = settle;
    }

    /** Whether a probe taken at {@code t} belongs to the drill's recovery. */
    public boolean covers(Instant t) {
        return !t.isBefore(kickstartAt) && (readyAt == null || t.isBefore(readyAt.plus(settle)));
    }

    /** {@code /readyz} answered 200 at {@code t} (the first time after the kickstart counts). */
    public void ready(Instant t) {
        if (readyAt == null && !t.isBefore(kickstartAt)) {
            readyAt = t;
        }
    }

    /** Still waiting for {@code /readyz} 200 after the kickstart. */
    public boolean waitingForReady() {
        return readyAt == null;
    }

    /** The drill's own limit passed at {@code now} without {@code /readyz} 200. */
    public boolean overdue(Instant now) {
        return readyAt == null && Duration.between(kickstartAt, now).compareTo(limit) > 0;
    }

    /** Kickstart until {@code /readyz} 200, once it answered. */
    public Optional<Long> recoveredMillis() {
        return readyAt == null ? Optional.empty() : Optional.of(Duration.between(kickstartAt, readyAt).toMillis());
    }

    public Duration limit() {
        return limit;
    }

    /** Whether {@code r} was taken during a drill's recovery (its {@link #MARKER}). */
    public static boolean marked(ProbeResult r) {
        return r.observed() != null && "true".equals(r.observed().get(MARKER));
    }
}
