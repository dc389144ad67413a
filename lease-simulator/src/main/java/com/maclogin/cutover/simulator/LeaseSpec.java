package com.maclogin.cutover.simulator;

import com.maclogin.cutover.contracts.Region;

/**
 * One simulated lease.
 *
 * @param id             lease id, also the directory name under the state dir ({@code [A-Za-z0-9._-]+})
 * @param region         region the lease belongs to
 * @param sshPort        SSH port on 127.0.0.1; 0 = ephemeral
 * @param gatewayPort    the gateway's {@code --port} written into the LaunchAgent plist
 * @param initialVersion OpenClaw version installed in {@code ~/.npm-global} when the lease home is first created
 * @param initialFaults  fault switches set when the lease starts (before its gateway is awaited); null = none
 */
public record LeaseSpec(String id, Region region, int sshPort, int gatewayPort, String initialVersion,
                        Faults initialFaults) {

    public LeaseSpec(String id, Region region, int sshPort, int gatewayPort, String initialVersion) {
        this(id, region, sshPort, gatewayPort, initialVersion, null);
    }

    public LeaseSpec {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("invalid lease id: " + id);
        }
        if (region == null) {
            throw new IllegalArgumentException("region is required for lease " + id);
        }
        if (sshPort < 0 || sshPort > 65535 || gatewayPort <= 0 || gatewayPort > 65535) {
            throw new IllegalArgumentException("invalid ports for lease " + id);
        }
        if (initialVersion == null || !GatewayPackage.isVersionSyntax(initialVersion)) {
            throw new IllegalArgumentException("invalid initialVersion for lease " + id + ": " + initialVersion);
        }
        initialFaults = initialFaults == null ? Faults.none() : initialFaults;
    }
}
