package com.maclogin.cutover.orchestrator.api;

/**
 * Body of {@code POST /api/v1/leases} and one entry of the {@code orchestrator.leases-file} list.
 * {@code tlsEndpoint} ({@code host:port}, optional) adds the TLS layer to the validation probe matrix.
 * {@code stage} (optional): {@code STAGING} or {@code PRODUCTION} (default).
 */
public record LeaseRequest(String id, String region, String host, Integer sshPort, String sshUser, String hostKey,
        Integer gatewayPort, String tlsEndpoint, String stage) {
}
