package com.maclogin.cutover.contracts;

/**
 * How a worker reaches a lease. Only public facts: the pinned host key is the server's public key in OpenSSH
 * format ({@code ssh-ed25519 AAAA...}); private keys never travel on Kafka, each regional worker loads its own.
 *
 * @param sshUser   the OS account the gateway runs as; every step that reads or changes the lease logs in as it
 * @param probeUser the OS account the validation probe matrix logs in as (same host, port, host key and worker
 *                  key), never the gateway's account; null only in messages from before it existed
 */
public record LeaseTarget(
        Region region,
        String host,
        int sshPort,
        String sshUser,
        String hostKey,
        int gatewayPort,
        String probeUser) {

    /** Without a probe account (messages and tests from before {@code probeUser} existed). */
    public LeaseTarget(Region region, String host, int sshPort, String sshUser, String hostKey, int gatewayPort) {
        this(region, host, sshPort, sshUser, hostKey, gatewayPort, null);
    }
}
