package com.maclogin.cutover.orchestrator.api;

import java.util.Map;

/**
 * Body of {@code POST /api/v1/leases} and one entry of the {@code orchestrator.leases-file} list.
 * {@code tlsEndpoint} ({@code host:port}, optional) adds the TLS layer to the validation probe matrix.
 * {@code stage} (optional): {@code STAGING} or {@code PRODUCTION} (default).
 * {@code labels} (optional): up to 50 {@code key: value} pairs that fleet selectors match on.
 * {@code probeUser} (optional): the OS account the validation probe matrix logs in as; a POSIX user name other than
 * {@code sshUser} (the gateway's account); default {@link #DEFAULT_PROBE_USER}.
 * {@code watchIntervalSeconds} (optional): how often the continuous watch probes the lease, 5..3600; default the
 * worker's ({@code probe.watch.interval}).
 */
public record LeaseRequest(String id, String region, String host, Integer sshPort, String sshUser, String hostKey,
        Integer gatewayPort, String tlsEndpoint, String stage, String probeUser, Map<String, String> labels,
        Integer watchIntervalSeconds) {

    public LeaseRequest(String id, String region, String host, Integer sshPort, String sshUser, String hostKey,
            Integer gatewayPort, String tlsEndpoint, String stage, String probeUser, Map<String, String> labels) {
        this(id, region, host, sshPort, sshUser, hostKey, gatewayPort, tlsEndpoint, stage, probeUser, labels, null);
    }

    /** The probe account when a registration names none. */
    public static final String DEFAULT_PROBE_USER = "openclaw-probe";

    public LeaseRequest(String id, String region, String host, Integer sshPort, String sshUser, String hostKey,
            Integer gatewayPort, String tlsEndpoint, String stage) {
        this(id, region, host, sshPort, sshUser, hostKey, gatewayPort, tlsEndpoint, stage, null, null);
    }

    public LeaseRequest(String id, String region, String host, Integer sshPort, String sshUser, String hostKey,
            Integer gatewayPort, String tlsEndpoint, String stage, String probeUser) {
        this(id, region, host, sshPort, sshUser, hostKey, gatewayPort, tlsEndpoint, stage, probeUser, null);
    }

    /** {@link #probeUser} or the default when the request names none. */
    public String probeUserOrDefault() {
        return probeUser == null ? DEFAULT_PROBE_USER : probeUser;
    }
}
