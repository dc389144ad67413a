package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import java.time.Duration;

/**
 * What every probe of one validation window needs. {@code hooksToken} was read on the lease at the start of
 * VALIDATE; it is used for the synthetic webhook only and never appears in an outcome, evidence or log line.
 *
 * @param target         the login the probes use: in a validation window the probe account
 *                       ({@link LeaseSshClient#probeLogin}), never the gateway's account
 * @param serviceTarget  {@code gui/<gateway uid>/ai.openclaw.gateway} (the gateway's job, whoever prints it)
 * @param tlsEndpoint    {@code host:port} or {@code null}
 * @param gatewayHome    the gateway user's home (DISK measures its volume; the probe account's {@code $HOME} is
 *                       another directory); null = {@code $HOME} of the login
 * @param launchdRead    the PROCESS probe's command: {@code launchctl print '<serviceTarget>'} as the gateway's
 *                       account, or the probe account's grant {@code sudo -n -u '<gateway user>' '/bin/launchctl'
 *                       'print' '<serviceTarget>'} ({@link com.maclogin.cutover.probe.lease.LaunchdRead})
 */
public record ProbeSession(LeaseSshClient ssh, LeaseTarget target, int gatewayPort, String serviceTarget,
        String hooksToken, String tlsEndpoint, int tlsMinValidDays, double diskFreeMinPercent, Timeouts timeouts,
        String gatewayHome, String launchdRead) {

    /** A session whose PROCESS probe reads launchd as the login's own domain ({@code launchctl print}). */
    public ProbeSession(LeaseSshClient ssh, LeaseTarget target, int gatewayPort, String serviceTarget,
            String hooksToken, String tlsEndpoint, int tlsMinValidDays, double diskFreeMinPercent, Timeouts timeouts,
            String gatewayHome) {
        this(ssh, target, gatewayPort, serviceTarget, hooksToken, tlsEndpoint, tlsMinValidDays, diskFreeMinPercent,
                timeouts, gatewayHome, com.maclogin.cutover.probe.lease.LaunchdRead.own(serviceTarget));
    }

    /** Each probe's own bound. */
    public record Timeouts(Duration command, Duration tcpConnect, Duration http, Duration integration, Duration tls) {
    }

    @Override
    public String toString() {
        // never print the token
        return "ProbeSession[" + target.sshUser() + "@" + target.host() + ":" + target.sshPort() + ", port " + gatewayPort
                + "]";
    }
}
