package com.maclogin.cutover.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@link LeaseSimulator#start(SimulatorConfig)} builds.
 *
 * @param stateDir            root of every lease's files: {@code <stateDir>/<leaseId>/home} is the lease's home,
 *                            {@code <stateDir>/<leaseId>/ssh_host_ed25519_key} its persistent host key
 * @param leases              the leases to run
 * @param authorizedKeys      OpenSSH public key lines ({@code ssh-ed25519 AAAA... [comment]}) allowed to log in
 * @param controlPort         port of the loopback control API the macOS command shims call; 0 = ephemeral
 * @param gatewayStartupDelay how long each gateway stand-in reports {@code starting} after it listens
 * @param throttleInterval    launchd KeepAlive respawn throttle used instead of the plist's ThrottleInterval;
 *                            {@code null} = honour the plist (OpenClaw writes 10 s)
 * @param probeUser           every lease's probe account, the second login of its SSH server ({@link ProbeUserAccount});
 *                            {@code null} = {@code -Dlease-simulator.probe-user}, else {@code openclaw-probe}
 * @param gatewayMode         how every lease runs its gateway ({@link GatewayMode}); {@code null} =
 *                            {@code -Dlease-simulator.gateway-mode}, else {@link GatewayMode#PROCESS}
 */
public record SimulatorConfig(Path stateDir, List<LeaseSpec> leases, List<String> authorizedKeys, int controlPort,
                              Duration gatewayStartupDelay, Duration throttleInterval, String probeUser,
                              GatewayMode gatewayMode) {

    /** With the default gateway mode ({@link GatewayMode#PROCESS} unless {@code -Dlease-simulator.gateway-mode}). */
    public SimulatorConfig(Path stateDir, List<LeaseSpec> leases, List<String> authorizedKeys, int controlPort,
                           Duration gatewayStartupDelay, Duration throttleInterval, String probeUser) {
        this(stateDir, leases, authorizedKeys, controlPort, gatewayStartupDelay, throttleInterval, probeUser, null);
    }

    /** This configuration with another gateway mode. */
    public SimulatorConfig withGatewayMode(GatewayMode mode) {
        return new SimulatorConfig(stateDir, leases, authorizedKeys, controlPort, gatewayStartupDelay, throttleInterval,
                probeUser, mode);
    }

    /** With the default probe account ({@link ProbeUserAccount#DEFAULT_NAME}). */
    public SimulatorConfig(Path stateDir, List<LeaseSpec> leases, List<String> authorizedKeys, int controlPort,
                           Duration gatewayStartupDelay, Duration throttleInterval) {
        this(stateDir, leases, authorizedKeys, controlPort, gatewayStartupDelay, throttleInterval, null, null);
    }

    public SimulatorConfig {
        if (stateDir == null) {
            throw new IllegalArgumentException("stateDir is required");
        }
        leases = List.copyOf(leases == null ? List.of() : leases);
        authorizedKeys = List.copyOf(authorizedKeys == null ? List.of() : authorizedKeys);
        if (controlPort < 0 || controlPort > 65535) {
            throw new IllegalArgumentException("controlPort out of range: " + controlPort);
        }
        if (gatewayStartupDelay == null || gatewayStartupDelay.isNegative()) {
            gatewayStartupDelay = Duration.ofMillis(800);
        }
        if (probeUser == null) {
            probeUser = System.getProperty("lease-simulator.probe-user", ProbeUserAccount.DEFAULT_NAME);
        }
        if (!ProbeUserAccount.NAME.matcher(probeUser).matches()) {
            throw new IllegalArgumentException("invalid probeUser: " + probeUser);
        }
        if (gatewayMode == null) {
            gatewayMode = GatewayMode.parse(System.getProperty("lease-simulator.gateway-mode"));
        }
    }
}
