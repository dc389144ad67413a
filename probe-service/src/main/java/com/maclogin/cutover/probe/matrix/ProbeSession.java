package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import java.time.Duration;

/**
 * What every probe of one validation window needs. {@code hooksToken} was read on the lease at the start of
 * VALIDATE; it is used for the synthetic webhook only and never appears in an outcome, evidence or log line.
 *
 * @param serviceTarget  {@code gui/<uid>/ai.openclaw.gateway}
 * @param tlsEndpoint    {@code host:port} or {@code null}
 */
public record ProbeSession(LeaseSshClient ssh, LeaseTarget target, int gatewayPort, String serviceTarget,
        String hooksToken, String tlsEndpoint, int tlsMinValidDays, double diskFreeMinPercent, Timeouts timeouts) {

    /** Each probe's own bound. */
    public record Timeouts(Duration command, Duration tcpConnect, Duration http, Duration integration, Duration tls) {
    }

    @Override
    public String toString() {
        // never print the token
        return "ProbeSession[" + target.host() + ":" + target.sshPort() + ", port " + gatewayPort + "]";
    }
}
