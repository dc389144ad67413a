package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.TcpConnectResult;
import java.util.LinkedHashMap;
import java.util.Map;

/** TCP: connect to {@code 127.0.0.1:<port>} on the lease (an SSH direct-tcpip channel, as {@code nc -vz}) within 2 s. */
public final class TcpProbe implements Probe {

    @Override
    public ProbeLayer layer() {
        return ProbeLayer.TCP;
    }

    @Override
    public ProbeOutcome probe(ProbeSession s) {
        try {
            TcpConnectResult r = s.ssh().tcpConnect(s.target(), "127.0.0.1", s.gatewayPort(),
                    s.timeouts().tcpConnect());
            return judge(r, s.gatewayPort());
        } catch (Exception ex) {
            return SshProbes.fromSsh(layer(), ex);
        }
    }

    public static ProbeOutcome judge(TcpConnectResult r, int port) {
        Map<String, String> observed = new LinkedHashMap<>();
        observed.put("port", Integer.toString(port));
        observed.put("connected", Boolean.toString(r.connected()));
        String what = "connect 127.0.0.1:" + port + " (ssh direct-tcpip)";
        String detail = r.connected() ? "connected in " + r.latencyMillis() + " ms" : r.error();
        return ProbeOutcome.of(ProbeLayer.TCP, r.connected() ? Verdict.PASSED : Verdict.FAILED, r.latencyMillis(),
                detail, observed, Evidence.of("tcp connect", what, r.connected() ? 0 : 1, detail));
    }
}
