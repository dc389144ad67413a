package com.maclogin.cutover.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.UUID;

/**
 * The lease registry: how a regional worker reaches one lease. Published by orchestrator-service alone (through its
 * outbox, in the transaction that creates or changes the lease, and again for every lease at its start) to the
 * compacted topic {@code cutover.leases.<region>} ({@link Topics#leaseRegistry(Region)}), keyed by lease id, so the
 * topic keeps the last registration of each lease. A worker reads its region's topic from the beginning and takes
 * host, port, users and pinned host key from it, never from a {@link RunStep}. A lease moved to another region is
 * published to both topics with its new region: the old region's worker then refuses it. Leases are never deleted,
 * so there are no tombstones (a null value is read as "lease removed" all the same).
 *
 * @param region      the lease's region; a worker serves only registrations of its own region
 * @param sshUser     the OS account the gateway runs as; every step that reads or changes the lease logs in as it
 * @param probeUser   the OS account the validation probe matrix logs in as
 * @param hostKey     the pinned server public key, OpenSSH format
 * @param stage       {@code STAGING} or {@code PRODUCTION}
 * @param updatedAt   when the lease row last changed: a registration older than the one a worker holds is ignored
 * @param watchIntervalSeconds how often the continuous watch probes this lease (issue 12); null = the worker's default
 *                    ({@code probe.watch.interval}, 30 s)
 * @param tlsEndpoint the lease's TLS endpoint {@code host:port} as a VALIDATE's probe plan names it (the continuous
 *                    watch reads its certificate's days left); null = the lease has none
 */
public record LeaseRegistration(
        String messageId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        Region region,
        String host,
        int sshPort,
        String sshUser,
        String probeUser,
        String hostKey,
        int gatewayPort,
        String stage,
        Instant updatedAt,
        Integer watchIntervalSeconds,
        String tlsEndpoint) implements CutoverMessage {

    /** The registration without a per-lease watch interval (the worker's default applies). */
    public LeaseRegistration(String messageId, String leaseId, Instant timestamp, int schemaVersion, Region region,
            String host, int sshPort, String sshUser, String probeUser, String hostKey, int gatewayPort, String stage,
            Instant updatedAt) {
        this(messageId, leaseId, timestamp, schemaVersion, region, host, sshPort, sshUser, probeUser, hostKey,
                gatewayPort, stage, updatedAt, null, null);
    }

    /** The registration without a TLS endpoint. */
    public LeaseRegistration(String messageId, String leaseId, Instant timestamp, int schemaVersion, Region region,
            String host, int sshPort, String sshUser, String probeUser, String hostKey, int gatewayPort, String stage,
            Instant updatedAt, Integer watchIntervalSeconds) {
        this(messageId, leaseId, timestamp, schemaVersion, region, host, sshPort, sshUser, probeUser, hostKey,
                gatewayPort, stage, updatedAt, watchIntervalSeconds, null);
    }

    /** Shortest per-lease watch interval accepted: 5 s (the P4 benchmark's; anything faster is a probe storm). */
    public static final int MIN_WATCH_INTERVAL_SECONDS = 5;
    /** Longest per-lease watch interval accepted: 1 hour. */
    public static final int MAX_WATCH_INTERVAL_SECONDS = 3600;

    /** A registration is about a lease, not a cutover. */
    @JsonIgnore
    @Override
    public String cutoverId() {
        return null;
    }

    /** How a worker reaches the lease, as the steps use it. */
    @JsonIgnore
    public LeaseTarget target() {
        return new LeaseTarget(region, host, sshPort, sshUser, hostKey, gatewayPort, probeUser);
    }

    /** The registration of {@code leaseId} at {@code target}, stamped now. */
    public static LeaseRegistration of(String leaseId, LeaseTarget target, String stage, Instant updatedAt) {
        return of(leaseId, target, stage, updatedAt, null);
    }

    /** The registration of {@code leaseId} at {@code target} with its own watch interval (null = default), stamped now. */
    public static LeaseRegistration of(String leaseId, LeaseTarget target, String stage, Instant updatedAt,
            Integer watchIntervalSeconds) {
        return of(leaseId, target, stage, updatedAt, watchIntervalSeconds, null);
    }

    /** The registration with its own watch interval (null = default) and TLS endpoint (null = none), stamped now. */
    public static LeaseRegistration of(String leaseId, LeaseTarget target, String stage, Instant updatedAt,
            Integer watchIntervalSeconds, String tlsEndpoint) {
        return new LeaseRegistration(UUID.randomUUID().toString(), leaseId, Instant.now(), SCHEMA_VERSION,
                target.region(), target.host(), target.sshPort(), target.sshUser(), target.probeUser(),
                target.hostKey(), target.gatewayPort(), stage, updatedAt, watchIntervalSeconds, tlsEndpoint);
    }

    /** This registration with {@code endpoint} as its TLS endpoint. */
    public LeaseRegistration withTlsEndpoint(String endpoint) {
        return new LeaseRegistration(messageId, leaseId, timestamp, schemaVersion, region, host, sshPort, sshUser,
                probeUser, hostKey, gatewayPort, stage, updatedAt, watchIntervalSeconds, endpoint);
    }

    /** What is wrong with this registration (for the worker's registry), or null. */
    public String invalid() {
        String p = Validation.leaseId(leaseId);
        if (p == null && region == null) {
            p = "region is required";
        }
        if (p == null) {
            p = Validation.host(host);
        }
        if (p == null) {
            p = Validation.port(sshPort);
        }
        if (p == null) {
            p = Validation.sshUser(sshUser);
        }
        if (p == null && probeUser != null) {
            p = Validation.sshUser(probeUser);
        }
        if (p == null) {
            p = Validation.hostKey(hostKey);
        }
        if (p == null) {
            p = Validation.port(gatewayPort);
        }
        if (p == null && watchIntervalSeconds != null && (watchIntervalSeconds < MIN_WATCH_INTERVAL_SECONDS
                || watchIntervalSeconds > MAX_WATCH_INTERVAL_SECONDS)) {
            p = "watchIntervalSeconds must be between " + MIN_WATCH_INTERVAL_SECONDS + " and "
                    + MAX_WATCH_INTERVAL_SECONDS + ", was " + watchIntervalSeconds;
        }
        return p;
    }

    /**
     * What is wrong with a {@code host:port} TLS endpoint, or null. Not part of {@link #invalid()}: a worker keeps a
     * registration with a bad endpoint and only leaves its TLS layer out.
     */
    public static String tlsEndpointProblem(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0) {
            return "tlsEndpoint must be host:port";
        }
        String bad = Validation.host(endpoint.substring(0, colon));
        if (bad == null) {
            try {
                bad = Validation.port(Integer.parseInt(endpoint.substring(colon + 1)));
            } catch (NumberFormatException e) {
                bad = "port is not a number";
            }
        }
        return bad == null ? null : "tlsEndpoint: " + bad;
    }
}
