package com.maclogin.cutover.probe.trigger;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The end-of-window rule "a blind layer never ends GREEN", as a pure function over the window's results and the
 * trigger rules' last evaluations (no clock, no I/O). Run after a window that no trigger stopped.
 *
 * <p>Blind spots:
 * <ul>
 *   <li>a probed <b>layer</b> with no PASSED result in the whole window (it never saw the gateway healthy: e.g. the
 *       PROCESS probe's launchd read refused every round);</li>
 *   <li>a <b>trigger</b> still INCONCLUSIVE at the end of the window for lack of data (its rules are cumulative, so
 *       that is INCONCLUSIVE for the whole window): CRASH_LOOP never read launchd's run counter, DISK never read the
 *       free space, ERROR_RATE or LATENCY had fewer usable INTEGRATION samples than {@link #samplesNeeded} (ERROR and
 *       INCONCLUSIVE probes measure nothing, and the restart drill's recovery is not theirs to judge). Not blind: a
 *       LATENCY rule that had its samples and stayed below the absolute limit but is INCONCLUSIVE only because no
 *       baseline was measured (it did judge them, it found no failure).</li>
 * </ul>
 * Exempt: what the plan leaves out (a layer not probed, and the triggers that read only such a layer).
 *
 * <p>Verdict: no blind spot → {@link Kind#PASS}; every blind spot a trigger whose plan action is PAUSE, or a layer
 * such a blind trigger reads → {@link Kind#PAUSE}; otherwise {@link Kind#FAIL}, whatever the trigger actions say
 * (OBSERVE is about breaches: a trigger that saw nothing cannot be observed either; TCP, APPLICATION and TLS have no
 * trigger, so they always FAIL). The reason names every blind layer and trigger.
 */
public final class WindowVerdict {

    public enum Kind { PASS, FAIL, PAUSE }

    /**
     * One blind spot. {@code trigger} is null for a layer that never passed.
     *
     * @param why what was missing, for the reason
     */
    public record Blind(ProbeLayer layer, TriggerKind trigger, String why) {

        public String describe() {
            return trigger == null ? "layer " + layer + " never PASSED (" + why + ")"
                    : "trigger " + trigger + " INCONCLUSIVE for lack of data (" + why + ")";
        }
    }

    /** The verdict, the blind spots behind it, and for PAUSE the trigger to report. */
    public record Result(Kind kind, List<Blind> blind, String reason, TriggerKind pauseTrigger) {
    }

    private WindowVerdict() {
    }

    /** The layer a trigger reads. */
    public static ProbeLayer layerOf(TriggerKind trigger) {
        return switch (trigger) {
            case CRASH_LOOP -> ProbeLayer.PROCESS;
            case ERROR_RATE, LATENCY -> ProbeLayer.INTEGRATION;
            case DISK -> ProbeLayer.DISK;
        };
    }

    /**
     * Usable INTEGRATION samples ERROR_RATE and LATENCY need before "too few" stops being blindness: {@code minSamples},
     * or for a window too short to ever hold that many rounds, a sample from at least half of the rounds it ran
     * (at least one).
     */
    public static int samplesNeeded(int rounds, TriggerThresholds t) {
        return Math.max(1, Math.min(t.minSamples(), (rounds + 1) / 2));
    }

    /** The blind spots of a finished window, layers first (in the plan's order), then triggers. */
    public static List<Blind> blindSpots(Collection<ProbeLayer> probed, List<ProbeResult> window, int rounds,
            List<TriggerEvaluation> evaluations, TriggerThresholds t) {
        List<Blind> out = new ArrayList<>();
        for (ProbeLayer layer : probed) {
            List<ProbeResult> results = window.stream().filter(r -> r.layer() == layer).toList();
            if (results.stream().noneMatch(r -> r.verdict() == Verdict.PASSED)) {
                String why = results.isEmpty() ? "no result in " + rounds + " rounds"
                        : countOf(results) + " in " + rounds + " rounds; last: " + last(results);
                out.add(new Blind(layer, null, why));
            }
        }
        for (TriggerEvaluation e : evaluations) {
            ProbeLayer layer = layerOf(e.trigger());
            if (!probed.contains(layer) || e.verdict() != Verdict.INCONCLUSIVE) {
                continue;
            }
            String why = switch (e.trigger()) {
                case CRASH_LOOP, DISK -> e.observed();
                case ERROR_RATE, LATENCY -> {
                    int samples = measured(window, ProbeLayer.INTEGRATION);
                    int needed = samplesNeeded(rounds, t);
                    yield samples < needed ? samples + " usable INTEGRATION samples, " + needed + " needed" : null;
                }
            };
            if (why != null) {
                out.add(new Blind(layer, e.trigger(), why));
            }
        }
        return out;
    }

    /** PASS, PAUSE or FAIL for these blind spots under the plan's trigger actions (absent = ROLLBACK). */
    public static Result judge(List<Blind> blind, Map<TriggerKind, TriggerAction> actions) {
        if (blind.isEmpty()) {
            return new Result(Kind.PASS, List.of(), null, null);
        }
        String reason = String.join("; ", blind.stream().map(Blind::describe).toList());
        List<TriggerKind> pausing = blind.stream().map(Blind::trigger)
                .filter(k -> k != null && actions != null && actions.get(k) == TriggerAction.PAUSE).toList();
        // a blind layer is covered by a PAUSE when a trigger that reads it is blind too and its action is PAUSE
        boolean allPause = !pausing.isEmpty() && blind.stream().allMatch(b -> b.trigger() != null
                ? pausing.contains(b.trigger()) : pausing.stream().anyMatch(k -> layerOf(k) == b.layer()));
        return allPause ? new Result(Kind.PAUSE, List.copyOf(blind), reason, pausing.get(0))
                : new Result(Kind.FAIL, List.copyOf(blind), reason, null);
    }

    /** {@link #blindSpots} then {@link #judge}. */
    public static Result evaluate(Set<ProbeLayer> probed, List<ProbeResult> window, int rounds,
            List<TriggerEvaluation> evaluations, TriggerThresholds t, Map<TriggerKind, TriggerAction> actions) {
        return judge(blindSpots(probed, window, rounds, evaluations, t), actions);
    }

    private static int measured(List<ProbeResult> window, ProbeLayer layer) {
        int n = 0;
        for (ProbeResult r : window) {
            // the restart drill's recovery is reported but not judged by ERROR_RATE and LATENCY: not their data either
            if (r.layer() == layer && (r.verdict() == Verdict.PASSED || r.verdict() == Verdict.FAILED)
                    && !DrillRecovery.marked(r)) {
                n++;
            }
        }
        return n;
    }

    private static String countOf(List<ProbeResult> results) {
        Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
        for (ProbeResult r : results) {
            counts.merge(r.verdict(), 1L, Long::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((v, n) -> parts.add(n + " " + v));
        return String.join(", ", parts);
    }

    private static String last(List<ProbeResult> results) {
        ProbeResult r = results.get(results.size() - 1);
        String detail = r.detail() == null ? "" : r.detail();
        if (detail.length() > 160) {
            detail = detail.substring(0, 160) + "...";
        }
        return r.verdict() + (detail.isEmpty() ? "" : " " + detail);
    }
}
