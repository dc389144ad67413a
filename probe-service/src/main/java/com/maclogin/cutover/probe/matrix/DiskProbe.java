package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.DiskFree;
import com.maclogin.cutover.contracts.ShellQuote;
import java.util.Map;
import java.util.OptionalInt;

/**
 * DISK: {@code df -k '<gateway home>'} (the volume the gateway's state lives on, measured by the probe account);
 * FAILED below {@code diskFreeMinPercent} free.
 */
public final class DiskProbe implements Probe {

    static final String SCRIPT = "df -k \"$HOME\"";

    @Override
    public ProbeLayer layer() {
        return ProbeLayer.DISK;
    }

    @Override
    public ProbeOutcome probe(ProbeSession s) {
        try {
            String script = script(s.gatewayHome());
            CommandResult r = s.ssh().exec(s.target(), script, s.timeouts().command());
            return judge(r, s.diskFreeMinPercent(), script);
        } catch (Exception ex) {
            return SshProbes.fromSsh(layer(), ex);
        }
    }

    static String script(String gatewayHome) {
        return gatewayHome == null ? SCRIPT : "df -k " + ShellQuote.quote(gatewayHome);
    }

    public static ProbeOutcome judge(CommandResult r, double minPercent) {
        return judge(r, minPercent, SCRIPT);
    }

    static ProbeOutcome judge(CommandResult r, double minPercent, String script) {
        Evidence e = Evidence.of("df", script, r.exitCode(), r.combined());
        OptionalInt free = r.ok() ? DiskFree.freePercent(r.stdout()) : OptionalInt.empty();
        if (free.isEmpty()) {
            return ProbeOutcome.of(ProbeLayer.DISK, Verdict.ERROR, r.durationMillis(),
                    "cannot read free space (df exit " + r.exitCode() + ")", Map.of(), e);
        }
        int p = free.getAsInt();
        Verdict v = p < minPercent ? Verdict.FAILED : Verdict.PASSED;
        return ProbeOutcome.of(ProbeLayer.DISK, v, r.durationMillis(), p + "% free", Map.of("diskFreePercent",
                Integer.toString(p)), e);
    }
}
