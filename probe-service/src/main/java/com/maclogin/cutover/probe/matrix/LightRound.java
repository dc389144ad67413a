package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.lease.SplitExec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The continuous watch's light matrix in two SSH channels instead of five, each layer still judged by its own probe's
 * rules with its own verdict (docs/architecture.md "Continuous watch"):
 * <ul>
 *   <li>{@link #processAndDisk}: PROCESS's launchd read and DISK's {@code df} in one exec ({@link SplitExec}), each
 *       answer judged as {@link ProcessProbe} and {@link DiskProbe} judge their own exec;</li>
 *   <li>{@link #tcpAndApplication}: {@code GET /healthz} and {@code GET /readyz} on one direct-tcpip channel
 *       (keep-alive); TCP is that channel's open: PASSED when it opened, FAILED with the reason when it was refused or
 *       not opened within the TCP timeout, as {@link TcpProbe} judges its own channel; APPLICATION is judged as
 *       {@link ApplicationProbe} judges its two requests.</li>
 * </ul>
 * The outcomes carry no evidence: the watch publishes verdicts, details and observed values, never evidence, and the
 * redaction of launchd's whole answer was most of a round's CPU (docs/benchmarks.md "P4"). VALIDATE's matrix
 * ({@link ProbeMatrix}) is not this: it keeps one probe per layer, each with its evidence.
 */
public final class LightRound {

    private LightRound() {
    }

    /** PROCESS and DISK of {@code s} from one exec. SSH trouble, or an answer that cannot be split, is ERROR for both. */
    public static Map<ProbeLayer, ProbeOutcome> processAndDisk(ProbeSession s) {
        String read = s.launchdRead();
        String df = DiskProbe.script(s.gatewayHome());
        SplitExec exec = SplitExec.of(read, df);
        Map<ProbeLayer, ProbeOutcome> out = new EnumMap<>(ProbeLayer.class);
        try {
            CommandResult whole = s.ssh().exec(s.target(), exec.script(), s.timeouts().command());
            SplitExec.Parts parts = exec.split(whole);
            if (parts == null) {
                String why = "the launchd read and df ran as one command whose answer did not carry its split marker"
                        + " exactly once (exit " + whole.exitCode() + ")";
                out.put(ProbeLayer.PROCESS, ProbeOutcome.error(ProbeLayer.PROCESS, why));
                out.put(ProbeLayer.DISK, ProbeOutcome.error(ProbeLayer.DISK, why));
                return out;
            }
            out.put(ProbeLayer.PROCESS, ProcessProbe.read(parts.first(), read, s.target().sshUser(), false));
            out.put(ProbeLayer.DISK, DiskProbe.judge(parts.second(), s.diskFreeMinPercent(), df));
        } catch (Exception ex) {
            out.put(ProbeLayer.PROCESS, SshProbes.fromSsh(ProbeLayer.PROCESS, ex));
            out.put(ProbeLayer.DISK, SshProbes.fromSsh(ProbeLayer.DISK, ex));
        }
        return out;
    }

    /** TCP and APPLICATION of {@code s} from one direct-tcpip channel. SSH trouble is ERROR for both. */
    public static Map<ProbeLayer, ProbeOutcome> tcpAndApplication(ProbeSession s) {
        Map<ProbeLayer, ProbeOutcome> out = new EnumMap<>(ProbeLayer.class);
        int port = s.gatewayPort();
        try {
            LeaseSshClient.ForwardedHttp f = s.ssh().httpOnOneChannel(s.target(), port, List.of("/healthz", "/readyz"),
                    s.timeouts().tcpConnect(), s.timeouts().http());
            out.put(ProbeLayer.TCP, TcpProbe.judge(f.connect(), port));
            out.put(ProbeLayer.APPLICATION, ApplicationProbe.judge(f.responses().get(0), f.responses().get(1), port, false));
        } catch (Exception ex) {
            out.put(ProbeLayer.TCP, SshProbes.fromSsh(ProbeLayer.TCP, ex));
            out.put(ProbeLayer.APPLICATION, SshProbes.fromSsh(ProbeLayer.APPLICATION, ex));
        }
        return out;
    }
}
