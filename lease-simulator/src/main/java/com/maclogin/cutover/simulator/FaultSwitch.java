package com.maclogin.cutover.simulator;

/**
 * One fault switch per row of the playbook a cutover must catch. Each names the {@link Faults} component(s) it sets;
 * {@link Faults#without(FaultSwitch)} clears one switch and {@link Faults#active()} lists the switches that are on.
 */
public enum FaultSwitch {
    /** {@link Faults#envFile()}: env file missing or invalid; the wrapper exits 78 on every KeepAlive respawn. */
    CRASH_LOOP,
    /** {@link Faults#portHijacked()}: a stale process listens on the gateway port; the gateway exits 1 (EADDRINUSE). */
    PORT_HIJACK,
    /** {@link Faults#halfAppliedMigration()}: {@code /readyz} 503 failing {@code ["state-database"]}, {@code /healthz} 200. */
    HALF_APPLIED_MIGRATION,
    /** {@link Faults#hookDelayMillis()} and {@link Faults#hookFailure()}: {@code POST /hooks/wake} slow or failing. */
    DNS_DRIFT,
    /** {@link Faults#responseDelayMillis()}: every gateway HTTP response delayed. */
    LATENCY,
    /** {@link Faults#hookErrorPercent()}: that share of {@code POST /hooks/wake} answers 503. */
    ERROR_RATE,
    /** {@link Faults#diskFreePercent()}: {@code df} reports that much free space on the lease volume. */
    DISK_LOW,
    /** {@link Faults#tlsExpiresInDays()}: the lease's TLS endpoint serves a certificate expiring in N days. */
    TLS_EXPIRING,
    /** {@link Faults#ssh()}: the SSH server closes sessions or refuses connections. */
    SSH_DROP,
    /** {@link Faults#sshCommandDelayMillis()}: every SSH exec starts that much later. */
    SSH_SLOW,
    /** {@link Faults#hostKeyRotated()}: the SSH server presents another host key; the pinned key no longer matches. */
    HOST_KEY_CHANGED,
    /** {@link Faults#loginNodeMajor()}: the login shell's {@code node -v} reports another major than the plist's node. */
    LOGIN_NODE_MAJOR,
    /**
     * {@link Faults#probeGrantRemoved()}: the probe account's sudoers grant for {@code launchctl print} of the
     * gateway's job is gone; its launchd read is refused as on a Mac without the grant.
     */
    PROBE_GRANT_REMOVED,
    /**
     * {@link Faults#cliVersion()}: the lease user's login shell finds another {@code openclaw} (that version) before
     * the npm global prefix's, so the CLI and the service differ (INVENTORY's {@code cliVersion} vs
     * {@code gatewayVersion}).
     */
    CLI_DRIFT
}
