package com.maclogin.cutover.probe.trigger;

import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.TriggerThresholds;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The recovery of the validation window's restart drill: from {@code launchctl kickstart -k} until {@code /readyz}
 * answers 200 again, plus a settle period ({@code probe.validate.drill-settle}), because a freshly started gateway
 * answers its first requests slowly. The settle period ends early at the first synthetic probe that PASSED as fast as
 * the gateway answered normally ({@code normalLatencyMillis}: what the LATENCY rule accepts, or the window's P95 before
 * the drill when that was slower: a candidate that was slow before the restart is not excused by it); that probe is the
 * first one after the recovery. The product restarted the gateway on purpose: the probes of this period are
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
    private final double normalLatencyMillis;
    private Instant readyAt;
    private Instant settledAt;

    /** A recovery whose settle period only ends by time. */
    public DrillRecovery(Instant kickstartAt, Duration limit, Duration settle) {
        this(kickstartAt, limit, settle, -1);
    }

    /**
     * @param normalLatencyMillis a synthetic probe that PASSED within this after {@code /readyz} 200 ends the settle
     *                            period (negative: only time ends it)
     */
    public DrillRecovery(Instant kickstartAt, Duration limit, Duration settle, double normalLatencyMillis) {
        this.kickstartAt = kickstartAt;
        this.limit = limit;
        this.settle = settle;
        this.normalLatencyMillis = normalLatencyMillis;
    }

    /** Whether a probe taken at {@code t} belongs to the drill's recovery. */
    public boolean covers(Instant t) {
        if (t.isBefore(kickstartAt)) {
            return false;
        }
        if (readyAt == null) {
            return true;
        }
        Instant end = readyAt.plus(settle);
        if (settledAt != null && settledAt.isBefore(end)) {
            end = settledAt;
        }
        return t.isBefore(end);
    }

    /**
     * A synthetic (INTEGRATION) probe at {@code t}: when it PASSED within the normal latency after {@code /readyz} 200,
     * the gateway has settled and the recovery ends before it.
     */
    public void synthetic(Instant t, boolean passed, Long latencyMillis) {
        if (readyAt != null && settledAt == null && passed && latencyMillis != null && normalLatencyMillis >= 0
                && latencyMillis <= normalLatencyMillis && !t.isBefore(readyAt)) {
            settledAt = t;
        }
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

    /**
     * The latency a settled gateway answers synthetic probes within: what the LATENCY rule accepts
     * ({@link TriggerRules#acceptedLatencyMillis}), or the P95 of the window's synthetic probes before the drill when
     * that is higher.
     */
    public static double normalLatencyMillis(Double baselineP95Millis, TriggerThresholds t, Long p95BeforeDrill) {
        double accepted = TriggerRules.acceptedLatencyMillis(baselineP95Millis, t);
        return p95BeforeDrill == null ? accepted : Math.max(accepted, p95BeforeDrill);
    }

    /** Whether {@code r} was taken during a drill's recovery (its {@link #MARKER}). */
    public static boolean marked(ProbeResult r) {
        return r.observed() != null && "true".equals(r.observed().get(MARKER));
    }
}
