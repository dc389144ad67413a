package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.CommandTimeoutException;
import com.maclogin.cutover.probe.client.HostKeyMismatchException;
import com.maclogin.cutover.probe.client.SshUnavailableException;
import java.util.Map;

/** Maps SSH trouble while probing to an ERROR outcome (could not measure), never to FAILED. */
final class SshProbes {

    private SshProbes() {
    }

    static ProbeOutcome fromSsh(ProbeLayer layer, Exception e) {
        if (e instanceof HostKeyMismatchException) {
            return new ProbeOutcome(layer, Verdict.ERROR, null,
                    "host key mismatch for " + e.getMessage(), Map.of(), null, true);
        }
        if (e instanceof SshUnavailableException || e instanceof CommandTimeoutException) {
            return ProbeOutcome.error(layer, "ssh: " + e.getMessage());
        }
        return ProbeOutcome.error(layer, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
