package com.maclogin.cutover.contracts;

/**
 * How a worker reaches a lease. Only public facts: the pinned host key is the server's public key in OpenSSH
 * format ({@code ssh-ed25519 AAAA...}); private keys never travel on Kafka, each regional worker loads its own.
 */
public record LeaseTarget(
        Region region,
        String host,
        int sshPort,
        String sshUser,
        String hostKey,
        int gatewayPort) {
}
