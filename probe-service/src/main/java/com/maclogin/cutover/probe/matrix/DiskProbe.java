package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.DiskFree;
import java.util.Map;
import java.util.OptionalInt;

/** DISK: {@code df -k "$HOME"}; FAILED below {@code diskFreeMinPercent} free. */
public final class DiskProbe implements Probe {

    static final String SCRIPT = "df -k \"$HOME\"";

    @Override
    public ProbeLayer layer() {
        return ProbeLayer.DISK;
    }

    @Override
    public ProbeOutcome probe(ProbeSession s) {
        try {
            CommandResult r = s.ssh().exec(s.target(), SCRIPT, s.timeouts().command());
            return judge(r, s.diskFreeMinPercent());
        } catch (Exception ex) {
            return SshProbes.fromSsh(layer(), ex);
        }
    }

    public static ProbeOutcome judge(CommandResult r, double minPercent) {
        Evidence e = Evidence.of("df", SCRIPT, r.exitCode(), r.combined());
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
