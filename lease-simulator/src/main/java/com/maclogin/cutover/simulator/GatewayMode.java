package com.maclogin.cutover.simulator;

import java.util.Locale;

/**
 * How the leases of a simulator run their gateway ({@link SimulatorConfig#gatewayMode()}, the CLI's
 * {@code "gatewayMode"}).
 * <ul>
 *   <li>{@link #PROCESS} (default): launchd spawns the plist's ProgramArguments, a real {@code node} process per lease
 *       running the stand-in {@code dist/index.js}.</li>
 *   <li>{@link #LIGHT}: when launchd would exec the stand-in gateway, it starts an in-JVM gateway instead
 *       ({@link LightGateway}): same endpoints, bodies, start-up delay, run-time and start-up faults, exit codes and
 *       launchd bookkeeping, served by one shared event loop for every lease ({@link LightIo}); SSH servers share one
 *       IO pool, and the probe's read commands are answered without forking a shell ({@link LightExec}). Several
 *       thousand leases fit in one simulator JVM. No Node process exists: whatever reads the process table or runs
 *       the gateway's node binary on the lease is PROCESS-mode only.</li>
 * </ul>
 */
public enum GatewayMode {
    PROCESS,
    LIGHT;

    /** {@code "process"} / {@code "light"} (any case); null or blank = {@link #PROCESS}. */
    public static GatewayMode parse(String text) {
        if (text == null || text.isBlank()) {
            return PROCESS;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gatewayMode must be \"process\" or \"light\", not \"" + text + "\"");
        }
    }
}
