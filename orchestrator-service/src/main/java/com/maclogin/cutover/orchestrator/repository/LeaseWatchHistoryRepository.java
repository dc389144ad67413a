package com.maclogin.cutover.orchestrator.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-only queries on what the continuous watch recorded ({@code V14__lease_health.sql}: {@code lease_health},
 * {@code lease_health_change}, {@code lease_rollup}), for the LEASE_HEALTH gate and the rolling LATENCY baseline. The
 * tables are written by the lease.watch consumer; this class only reads them (plain SQL, no entity of its own).
 */
@ApplicationScoped
public class LeaseWatchHistoryRepository {

    /** A lease's {@code lease_health} row. */
    public record Health(String state, String reason, Instant since, Instant observedAt, boolean crashLooping) {
    }

    /** A {@code lease_health_change} row. */
    public record Change(String state, String previousState, String reason, boolean crashLooping, Instant at) {
    }

    /** A {@code lease_rollup} row's latency part. */
    public record RollupLatency(Instant minuteStart, String latencyHistogram, long latencySamples) {
    }

    private final EntityManager em;

    public LeaseWatchHistoryRepository(EntityManager em) {
        this.em = em;
    }

    public Optional<Health> health(String leaseId) {
        List<?> rows = em.createNativeQuery("select state, reason, since, observed_at, crash_looping from lease_health"
                + " where lease_id = ?1").setParameter(1, leaseId).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        return Optional.of(new Health((String) r[0], (String) r[1], instant(r[2]), instant(r[3]), bool(r[4])));
    }

    /** The lease's changes at or after {@code from}, and the last one before it (the state in effect at {@code from}). */
    public List<Change> changesSince(String leaseId, Instant from) {
        List<?> rows = em.createNativeQuery("""
                (select state, previous_state, reason, crash_looping, at from lease_health_change
                  where lease_id = ?1 and at < ?2 order by at desc, id desc limit 1)
                union all
                (select state, previous_state, reason, crash_looping, at from lease_health_change
                  where lease_id = ?1 and at >= ?2 order by at, id limit 1000)
                """).setParameter(1, leaseId).setParameter(2, OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
                .getResultList();
        List<Change> out = new ArrayList<>();
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            out.add(new Change((String) r[0], (String) r[1], (String) r[2], bool(r[3]), instant(r[4])));
        }
        return out;
    }

    /** The lease's roll-up minutes that started in {@code [from, to)}, oldest first. */
    public List<RollupLatency> rollups(String leaseId, Instant from, Instant to) {
        List<?> rows = em.createNativeQuery("select minute_start, latency_histogram, latency_samples from lease_rollup"
                + " where lease_id = ?1 and minute_start >= ?2 and minute_start < ?3 order by minute_start")
                .setParameter(1, leaseId).setParameter(2, OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
                .setParameter(3, OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC)).getResultList();
        List<RollupLatency> out = new ArrayList<>();
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            out.add(new RollupLatency(instant(r[0]), (String) r[1], r[2] == null ? 0 : ((Number) r[2]).longValue()));
        }
        return out;
    }

    /** Another cutover of the lease: created, ended (null while active). */
    public record OtherCutover(String cutoverId, Instant from, Instant to, String state) {
    }

    /**
     * The lease's cutovers other than {@code cutoverId} still active or ended at or after {@code endedFrom} (only read
     * when LEASE_HEALTH would refuse on a past change: there is no index on {@code cutover.lease_id} alone).
     */
    public List<OtherCutover> otherCutovers(String leaseId, String cutoverId, Instant endedFrom) {
        List<?> rows = em.createNativeQuery("select id, created_at, ended_at, state from cutover where lease_id = ?1 and id <> ?2"
                + " and (ended_at is null or ended_at >= ?3) order by created_at").setParameter(1, leaseId)
                .setParameter(2, cutoverId).setParameter(3, OffsetDateTime.ofInstant(endedFrom, java.time.ZoneOffset.UTC))
                .getResultList();
        List<OtherCutover> out = new ArrayList<>();
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            out.add(new OtherCutover((String) r[0], instant(r[1]), instant(r[2]), (String) r[3]));
        }
        return out;
    }

    private static boolean bool(Object o) {
        return o instanceof Boolean b && b;
    }

    private static Instant instant(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof Instant i) {
            return i;
        }
        if (o instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (o instanceof ZonedDateTime zdt) {
            return zdt.toInstant();
        }
        if (o instanceof Timestamp ts) {
            return ts.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + o.getClass().getName());
    }
}
