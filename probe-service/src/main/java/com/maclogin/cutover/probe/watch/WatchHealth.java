package com.maclogin.cutover.probe.watch;

import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Redaction;
import com.maclogin.cutover.contracts.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A lease's health from one watch round (a pure function, tested as a table in {@code WatchHealthTest}):
 * <ul>
 *   <li>{@code UNREACHABLE}: SSH itself failed (connect refused or timed out, login or host key refused);</li>
 *   <li>{@code DOWN}: PROCESS FAILED (not running, not loaded, running again after a bad exit), APPLICATION FAILED
 *       ({@code /healthz} or {@code /readyz}), or crash-looping (launchd's run counter grew by 2 or more within the
 *       crash-loop window);</li>
 *   <li>{@code DEGRADED}: TCP, DISK or TLS FAILED, the certificate has fewer than {@code certWarnDays} days left, or a
 *       probe ended ERROR (could not measure);</li>
 *   <li>{@code HEALTHY} otherwise.</li>
 * </ul>
 * The reason names every finding of the deciding level, in words; it passes through {@link Redaction}.
 */
public final class WatchHealth {

    private WatchHealth() {
    }

    /** The health and why. */
    public record Judgement(LeaseHealthState state, String reason) {
    }

    /** One probe's verdict and detail, as the round saw it. */
    public record Seen(Verdict verdict, String detail) {
    }

    /**
     * @param sshFailure   why SSH failed, or null when the round was connected
     * @param seen         the round's probes by layer (TLS: the last read, reused between reads)
     * @param crashLoop    null, or the crash loop in words ({@code "run counter grew by 3 within PT10M"})
     * @param certDaysLeft days left on the TLS certificate at the last read, null if not read
     */
    public static Judgement judge(String sshFailure, Map<ProbeLayer, Seen> seen, String crashLoop,
            Integer certDaysLeft, int certWarnDays) {
        if (sshFailure != null) {
            return new Judgement(LeaseHealthState.UNREACHABLE, clean("ssh: " + sshFailure));
        }
        List<String> down = new ArrayList<>();
        failed(seen, ProbeLayer.PROCESS, "launchd", down);
        failed(seen, ProbeLayer.APPLICATION, "application", down);
        if (crashLoop != null) {
            down.add("crash loop: " + crashLoop);
        }
        if (!down.isEmpty()) {
            return new Judgement(LeaseHealthState.DOWN, clean(String.join("; ", down)));
        }
        List<String> degraded = new ArrayList<>();
        failed(seen, ProbeLayer.TCP, "tcp", degraded);
        failed(seen, ProbeLayer.DISK, "disk", degraded);
        failed(seen, ProbeLayer.TLS, "tls", degraded);
        if (certDaysLeft != null && certDaysLeft < certWarnDays
                && !(seen.get(ProbeLayer.TLS) != null && seen.get(ProbeLayer.TLS).verdict() == Verdict.FAILED)) {
            degraded.add("tls: certificate has " + certDaysLeft + " days left (warning below " + certWarnDays + ")");
        }
        for (Map.Entry<ProbeLayer, Seen> e : seen.entrySet()) {
            if (e.getValue().verdict() == Verdict.ERROR) {
                degraded.add(e.getKey().name().toLowerCase() + " could not be measured: " + e.getValue().detail());
            }
        }
        if (!degraded.isEmpty()) {
            return new Judgement(LeaseHealthState.DEGRADED, clean(String.join("; ", degraded)));
        }
        return new Judgement(LeaseHealthState.HEALTHY, "every probe passed");
    }

    private static void failed(Map<ProbeLayer, Seen> seen, ProbeLayer layer, String name, List<String> into) {
        Seen s = seen.get(layer);
        if (s != null && s.verdict() == Verdict.FAILED) {
            into.add(name + ": " + s.detail());
        }
    }

    /** At most 500 characters, secrets masked. */
    static String clean(String reason) {
        String r = Redaction.redact(reason);
        return r.length() > 500 ? r.substring(0, 497) + "..." : r;
    }
}
