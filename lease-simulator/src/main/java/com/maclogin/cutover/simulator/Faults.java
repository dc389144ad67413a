package com.maclogin.cutover.simulator;

import java.util.EnumSet;
import java.util.Set;

/**
 * The fault switches of one lease (immutable; {@link #none()} = a healthy lease). Set them with
 * {@link LeaseSimulator#setFaults(String, Faults)} or {@code PUT /v1/leases/{id}/fault-switches}; JSON uses the
 * component names, and a missing component means "off".
 *
 * @param envFile               CRASH_LOOP: {@code MISSING} moves the service env file away, {@code INVALID} breaks its
 *                              header; the running gateway is restarted so the wrapper exits 78 on every respawn
 * @param portHijacked          PORT_HIJACK: the gateway is killed and a stale process takes its port before the
 *                              KeepAlive respawn, which then exits 1 (EADDRINUSE)
 * @param halfAppliedMigration  HALF_APPLIED_MIGRATION: {@code /readyz} 503 with failing {@code ["state-database"]}
 * @param hookDelayMillis       DNS_DRIFT: extra latency of {@code POST /hooks/wake} (0 = none)
 * @param hookFailure           DNS_DRIFT: {@code POST /hooks/wake} answers 502/504 or never answers
 * @param responseDelayMillis   LATENCY: extra latency of every gateway HTTP response (0 = none)
 * @param hookErrorPercent      ERROR_RATE: 0–100 % of {@code POST /hooks/wake} answer 503 (evenly spread, deterministic)
 * @param diskFreePercent       DISK_LOW: {@code df} reports this free percentage on the lease volume (null = real)
 * @param tlsExpiresInDays      TLS_EXPIRING: the TLS endpoint's certificate expires in N days (negative = expired;
 *                              null = the default of {@link #DEFAULT_TLS_DAYS} days)
 * @param ssh                   SSH_DROP: close sessions right after they open, or refuse TCP connections
 * @param sshCommandDelayMillis SSH_SLOW: every exec starts this much later (0 = none)
 * @param hostKeyRotated        HOST_KEY_CHANGED: the server presents a second, persistent host key
 * @param loginNodeMajor        LOGIN_NODE_MAJOR: a {@code node} earlier on the login PATH reports this major (null = off)
 * @param probeGrantRemoved     PROBE_GRANT_REMOVED: the lease's sudoers rule that lets the probe account read the
 *                              gateway's launchd state ({@code sudo -n -u <gateway> /bin/launchctl print ...}) is
 *                              gone, so the probe account sees what it sees on a Mac without the grant
 * @param cliVersion            CLI_DRIFT: another {@code openclaw} at this version comes first on the lease user's login
 *                              PATH, so {@code openclaw --version} there differs from the version the service runs
 *                              (null = off: the login shell finds the npm global prefix's CLI, the service's version)
 */
public record Faults(EnvFileFault envFile, boolean portHijacked, boolean halfAppliedMigration, long hookDelayMillis,
                     HookFailure hookFailure, long responseDelayMillis, int hookErrorPercent, Integer diskFreePercent,
                     Integer tlsExpiresInDays, SshFault ssh, long sshCommandDelayMillis, boolean hostKeyRotated,
                     Integer loginNodeMajor, boolean probeGrantRemoved, String cliVersion) {

    /** Days to notAfter of a lease's TLS certificate when TLS_EXPIRING is off. */
    public static final int DEFAULT_TLS_DAYS = 90;

    public enum EnvFileFault { NONE, MISSING, INVALID }

    public enum HookFailure { NONE, BAD_GATEWAY_502, GATEWAY_TIMEOUT_504, HANG }

    public enum SshFault { NONE, CLOSE_SESSIONS, REFUSE_CONNECTIONS }

    private static final Faults NONE = new Faults(EnvFileFault.NONE, false, false, 0, HookFailure.NONE, 0, 0, null,
            null, SshFault.NONE, 0, false, null, false, null);

    public Faults {
        envFile = envFile == null ? EnvFileFault.NONE : envFile;
        hookFailure = hookFailure == null ? HookFailure.NONE : hookFailure;
        ssh = ssh == null ? SshFault.NONE : ssh;
        if (hookDelayMillis < 0 || responseDelayMillis < 0 || sshCommandDelayMillis < 0) {
            throw new IllegalArgumentException("delays must be >= 0");
        }
        if (hookErrorPercent < 0 || hookErrorPercent > 100) {
            throw new IllegalArgumentException("hookErrorPercent must be 0..100: " + hookErrorPercent);
        }
        if (diskFreePercent != null && (diskFreePercent < 0 || diskFreePercent > 100)) {
            throw new IllegalArgumentException("diskFreePercent must be 0..100: " + diskFreePercent);
        }
        if (loginNodeMajor != null && (loginNodeMajor < 1 || loginNodeMajor > 99)) {
            throw new IllegalArgumentException("loginNodeMajor must be 1..99: " + loginNodeMajor);
        }
        if (cliVersion != null && !GatewayPackage.isVersionSyntax(cliVersion)) {
            throw new IllegalArgumentException("cliVersion must be a version like 2026.9.4: " + cliVersion);
        }
        if (tlsExpiresInDays != null && Math.abs(tlsExpiresInDays) > 3650) {
            throw new IllegalArgumentException("tlsExpiresInDays must be within ±3650: " + tlsExpiresInDays);
        }
    }

    /** No fault: a healthy lease. */
    public static Faults none() {
        return NONE;
    }

    public Faults withEnvFile(EnvFileFault v) {
        return new Faults(v, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withPortHijacked(boolean v) {
        return new Faults(envFile, v, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withHalfAppliedMigration(boolean v) {
        return new Faults(envFile, portHijacked, v, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withHookDelayMillis(long v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, v, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withHookFailure(HookFailure v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, v, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withResponseDelayMillis(long v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, v,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withHookErrorPercent(int v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                v, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withDiskFreePercent(Integer v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, v, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withTlsExpiresInDays(Integer v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, v, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withSsh(SshFault v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, v, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withSshCommandDelayMillis(long v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, v, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withHostKeyRotated(boolean v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, v,
                loginNodeMajor, probeGrantRemoved, cliVersion);
    }

    public Faults withLoginNodeMajor(Integer v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                v, probeGrantRemoved, cliVersion);
    }

    public Faults withProbeGrantRemoved(boolean v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, v, cliVersion);
    }

    public Faults withCliVersion(String v) {
        return new Faults(envFile, portHijacked, halfAppliedMigration, hookDelayMillis, hookFailure, responseDelayMillis,
                hookErrorPercent, diskFreePercent, tlsExpiresInDays, ssh, sshCommandDelayMillis, hostKeyRotated,
                loginNodeMajor, probeGrantRemoved, v);
    }

    /** This with one switch turned off. */
    public Faults without(FaultSwitch s) {
        return switch (s) {
            case CRASH_LOOP -> withEnvFile(EnvFileFault.NONE);
            case PORT_HIJACK -> withPortHijacked(false);
            case HALF_APPLIED_MIGRATION -> withHalfAppliedMigration(false);
            case DNS_DRIFT -> withHookDelayMillis(0).withHookFailure(HookFailure.NONE);
            case LATENCY -> withResponseDelayMillis(0);
            case ERROR_RATE -> withHookErrorPercent(0);
            case DISK_LOW -> withDiskFreePercent(null);
            case TLS_EXPIRING -> withTlsExpiresInDays(null);
            case SSH_DROP -> withSsh(SshFault.NONE);
            case SSH_SLOW -> withSshCommandDelayMillis(0);
            case HOST_KEY_CHANGED -> withHostKeyRotated(false);
            case LOGIN_NODE_MAJOR -> withLoginNodeMajor(null);
            case PROBE_GRANT_REMOVED -> withProbeGrantRemoved(false);
            case CLI_DRIFT -> withCliVersion(null);
        };
    }

    /** The switches that are on. */
    public Set<FaultSwitch> active() {
        Set<FaultSwitch> s = EnumSet.noneOf(FaultSwitch.class);
        for (FaultSwitch f : FaultSwitch.values()) {
            if (!without(f).equals(this)) {
                s.add(f);
            }
        }
        return s;
    }

    /** Components read by the gateway stand-in at run time ({@code ~/.sim/runtime-faults.json}). */
    boolean sameGatewayRuntime(Faults o) {
        return halfAppliedMigration == o.halfAppliedMigration && hookDelayMillis == o.hookDelayMillis
                && hookFailure == o.hookFailure && responseDelayMillis == o.responseDelayMillis
                && hookErrorPercent == o.hookErrorPercent;
    }
}
