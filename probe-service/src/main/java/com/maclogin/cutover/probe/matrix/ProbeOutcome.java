package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import java.util.Map;

/**
 * What one probe saw: verdict, latency (when it measured one), a one-line detail, the raw numbers
 * ({@code observed}, the contract with the trigger rules) and the evidence (command and response, never a secret).
 * {@code hostKeyMismatch} marks an ERROR caused by a changed host key: the worker then refuses the whole step.
 */
public record ProbeOutcome(ProbeLayer layer, Verdict verdict, Long latencyMillis, String detail,
        Map<String, String> observed, Evidence evidence, boolean hostKeyMismatch) {

    public static ProbeOutcome of(ProbeLayer layer, Verdict verdict, Long latencyMillis, String detail,
            Map<String, String> observed, Evidence evidence) {
        return new ProbeOutcome(layer, verdict, latencyMillis, detail, observed, evidence, false);
    }

    public static ProbeOutcome error(ProbeLayer layer, String detail) {
        return new ProbeOutcome(layer, Verdict.ERROR, null, detail, Map.of(), null, false);
    }

    /** The same outcome with another verdict and detail (used for the restart drill's recovery). */
    public ProbeOutcome withVerdict(Verdict v, String newDetail) {
        return new ProbeOutcome(layer, v, latencyMillis, newDetail, observed, evidence, hostKeyMismatch);
    }
}
