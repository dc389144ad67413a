package com.maclogin.cutover.orchestrator.health;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.WatchRollup;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The continuous watch's tables (Flyway V14, V15) in plain JDBC: {@code lease_health} (one row per reported lease),
 * {@code lease_health_change} (every change), {@code lease_rollup} (one row per lease and minute). No entities, so the
 * other readers of these tables (the LEASE_HEALTH gate, the rolling LATENCY baseline) keep their own queries. Every
 * method runs in the caller's transaction (the data source's connection is the transaction's, as for the outbox).
 */
@ApplicationScoped
public class LeaseHealthRepository {

    /** A {@code lease_health} row. */
    public record Row(String leaseId, LeaseHealthState state, String reason, Instant since, Instant observedAt,
            String workerId, boolean crashLooping, Integer certDaysLeft, boolean certAlerted, boolean downAlerted,
            Instant updatedAt) {

        HealthDecision.Held held() {
            return new HealthDecision.Held(state, crashLooping, certDaysLeft, certAlerted, downAlerted, observedAt, since);
        }
    }

    /** A {@code lease_health_change} row. */
    public record Change(long id, String leaseId, LeaseHealthState state, LeaseHealthState previousState, String reason,
            boolean crashLooping, Instant at) {
    }

    /** A {@code lease_rollup} row ({@code layers} as stored JSON). */
    public record Rollup(Instant minuteStart, int rounds, String layers, long latencySamples, Long p50, Long p95,
            Long p99, Long max, Integer certDaysLeft, Double diskFreePercent, Integer processRuns, int processRestarts,
            LeaseHealthState state, String workerId) {
    }

    /** A lease not UNKNOWN whose row has not changed for a while, with its watch interval (null = default). */
    public record Candidate(String leaseId, Integer watchIntervalSeconds, Instant updatedAt) {
    }

    private static final String COLUMNS = "lease_id, state, reason, since, observed_at, worker_id, crash_looping, "
            + "cert_days_left, cert_alerted, down_alerted, updated_at";

    private final DataSource dataSource;

    public LeaseHealthRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T jdbc(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** The lease's row locked {@code FOR UPDATE} (a report and the stale sweep on two instances wait for each other). */
    public Optional<Row> lock(String leaseId) {
        return one("select " + COLUMNS + " from lease_health where lease_id = ? for update", leaseId);
    }

    public Optional<Row> find(String leaseId) {
        return one("select " + COLUMNS + " from lease_health where lease_id = ?", leaseId);
    }

    private Optional<Row> one(String sql, String leaseId) {
        return jdbc("lease_health read", c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, leaseId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every reported lease's row, by lease id (the lease list shows them all with one query). */
    public Map<String, Row> all() {
        return jdbc("lease_health read", c -> {
            Map<String, Row> m = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("select " + COLUMNS + " from lease_health order by lease_id");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Row r = row(rs);
                    m.put(r.leaseId(), r);
                }
            }
            return m;
        });
    }

    /**
     * Inserts the lease's first row unless one exists (another report inserted it first: this waits for that commit
     * and inserts nothing); true when inserted.
     */
    public boolean insertIfAbsent(Row r) {
        return jdbc("lease_health insert", c -> {
            try (PreparedStatement s = c.prepareStatement("insert into lease_health (" + COLUMNS + ") values "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (lease_id) do nothing")) {
                s.setString(1, r.leaseId());
                bindRow(s, r, 2);
                return s.executeUpdate() == 1;
            }
        });
    }

    public void update(Row r) {
        jdbc("lease_health update", c -> {
            try (PreparedStatement s = c.prepareStatement("update lease_health set state = ?, reason = ?, since = ?, "
                    + "observed_at = ?, worker_id = ?, crash_looping = ?, cert_days_left = ?, cert_alerted = ?, "
                    + "down_alerted = ?, updated_at = ? where lease_id = ?")) {
                bindRow(s, r, 1);
                s.setString(11, r.leaseId());
                return s.executeUpdate();
            }
        });
    }

    /** Binds state .. updated_at from position {@code i} on. */
    private static void bindRow(PreparedStatement s, Row r, int i) throws SQLException {
        s.setString(i++, r.state().name());
        s.setString(i++, r.reason());
        s.setObject(i++, ts(r.since()), Types.TIMESTAMP_WITH_TIMEZONE);
        s.setObject(i++, ts(r.observedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
        s.setString(i++, r.workerId());
        s.setBoolean(i++, r.crashLooping());
        s.setObject(i++, r.certDaysLeft(), Types.INTEGER);
        s.setBoolean(i++, r.certAlerted());
        s.setBoolean(i++, r.downAlerted());
        s.setObject(i, ts(r.updatedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    public void insertChange(String leaseId, LeaseHealthState state, LeaseHealthState previous, String reason,
            boolean crashLooping, Instant at) {
        jdbc("lease_health_change insert", c -> {
            try (PreparedStatement s = c.prepareStatement("insert into lease_health_change (lease_id, state, "
                    + "previous_state, reason, crash_looping, at) values (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, leaseId);
                s.setString(2, state.name());
                s.setString(3, previous == null ? null : previous.name());
                s.setString(4, reason);
                s.setBoolean(5, crashLooping);
                s.setObject(6, ts(at), Types.TIMESTAMP_WITH_TIMEZONE);
                return s.executeUpdate();
            }
        });
    }

    /** Stores the minute's roll-up; a report of the same lease and minute (a redelivery, the other worker) replaces it. */
    public void upsertRollup(String leaseId, WatchRollup r, LeaseHealthState state, String workerId, Instant receivedAt) {
        jdbc("lease_rollup upsert", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    insert into lease_rollup (lease_id, minute_start, rounds, layers, latency_histogram, latency_samples,
                        latency_p50_ms, latency_p95_ms, latency_p99_ms, latency_max_ms, cert_days_left, disk_free_percent,
                        process_runs, process_restarts, state, worker_id, received_at)
                    values (?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (lease_id, minute_start) do update set rounds = excluded.rounds, layers = excluded.layers,
                        latency_histogram = excluded.latency_histogram, latency_samples = excluded.latency_samples,
                        latency_p50_ms = excluded.latency_p50_ms, latency_p95_ms = excluded.latency_p95_ms,
                        latency_p99_ms = excluded.latency_p99_ms, latency_max_ms = excluded.latency_max_ms,
                        cert_days_left = excluded.cert_days_left, disk_free_percent = excluded.disk_free_percent,
                        process_runs = excluded.process_runs, process_restarts = excluded.process_restarts,
                        state = excluded.state, worker_id = excluded.worker_id, received_at = excluded.received_at""")) {
                int i = 1;
                s.setString(i++, leaseId);
                s.setObject(i++, ts(r.minuteStart()), Types.TIMESTAMP_WITH_TIMEZONE);
                s.setInt(i++, r.rounds());
                s.setString(i++, Json.write(r.layers() == null ? List.of() : r.layers()));
                s.setString(i++, r.latencyHistogram());
                s.setLong(i++, r.latencySamples());
                s.setObject(i++, r.latencyP50Millis(), Types.BIGINT);
                s.setObject(i++, r.latencyP95Millis(), Types.BIGINT);
                s.setObject(i++, r.latencyP99Millis(), Types.BIGINT);
                s.setObject(i++, r.latencyMaxMillis(), Types.BIGINT);
                s.setObject(i++, r.certDaysLeft(), Types.INTEGER);
                s.setObject(i++, r.diskFreePercent(), Types.DOUBLE);
                s.setObject(i++, r.processRuns(), Types.INTEGER);
                s.setInt(i++, r.processRestarts());
                s.setString(i++, state.name());
                s.setString(i++, workerId);
                s.setObject(i, ts(receivedAt), Types.TIMESTAMP_WITH_TIMEZONE);
                return s.executeUpdate();
            }
        });
    }

    /**
     * Leases not UNKNOWN whose row has not changed for their stale-after at {@code now}: {@code fixedSeconds} for every
     * lease when set, else 3 x the lease's watch interval ({@code defaultIntervalSeconds} when it has none), at least
     * {@code minSeconds}. Oldest first.
     */
    public List<Candidate> stale(Instant now, Long fixedSeconds, long defaultIntervalSeconds, long minSeconds, int limit) {
        return jdbc("lease_health sweep read", c -> {
            List<Candidate> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("select h.lease_id, l.watch_interval_seconds, h.updated_at "
                    + "from lease_health h join lease l on l.id = h.lease_id where h.state <> 'UNKNOWN' "
                    + "and h.updated_at < cast(? as timestamptz) - make_interval(secs => coalesce(cast(? as bigint), "
                    + "greatest(3 * coalesce(l.watch_interval_seconds, cast(? as bigint)), cast(? as bigint)))) "
                    + "order by h.updated_at limit ?")) {
                s.setObject(1, ts(now), Types.TIMESTAMP_WITH_TIMEZONE);
                s.setObject(2, fixedSeconds, Types.BIGINT);
                s.setLong(3, defaultIntervalSeconds);
                s.setLong(4, minSeconds);
                s.setInt(5, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Candidate(rs.getString(1), (Integer) rs.getObject(2),
                                instant(rs.getObject(3, OffsetDateTime.class))));
                    }
                }
            }
            return out;
        });
    }

    /** The lease's roll-ups from {@code from} on, oldest first. */
    public List<Rollup> rollups(String leaseId, Instant from) {
        return jdbc("lease_rollup read", c -> {
            List<Rollup> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("select minute_start, rounds, cast(layers as text), "
                    + "latency_samples, latency_p50_ms, latency_p95_ms, latency_p99_ms, latency_max_ms, cert_days_left, "
                    + "disk_free_percent, process_runs, process_restarts, state, worker_id from lease_rollup "
                    + "where lease_id = ? and minute_start >= ? order by minute_start")) {
                s.setString(1, leaseId);
                s.setObject(2, ts(from), Types.TIMESTAMP_WITH_TIMEZONE);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Rollup(instant(rs.getObject(1, OffsetDateTime.class)), rs.getInt(2), rs.getString(3), rs.getLong(4),
                                (Long) rs.getObject(5), (Long) rs.getObject(6), (Long) rs.getObject(7),
                                (Long) rs.getObject(8), (Integer) rs.getObject(9), (Double) rs.getObject(10),
                                (Integer) rs.getObject(11), rs.getInt(12), LeaseHealthState.valueOf(rs.getString(13)),
                                rs.getString(14)));
                    }
                }
            }
            return out;
        });
    }

    /** The lease's latest changes, newest first. */
    public List<Change> changes(String leaseId, int limit) {
        return jdbc("lease_health_change read", c -> {
            List<Change> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("select id, lease_id, state, previous_state, reason, "
                    + "crash_looping, at from lease_health_change where lease_id = ? order by at desc, id desc limit ?")) {
                s.setString(1, leaseId);
                s.setInt(2, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String prev = rs.getString(4);
                        out.add(new Change(rs.getLong(1), rs.getString(2), LeaseHealthState.valueOf(rs.getString(3)),
                                prev == null ? null : LeaseHealthState.valueOf(prev), rs.getString(5), rs.getBoolean(6),
                                instant(rs.getObject(7, OffsetDateTime.class))));
                    }
                }
            }
            return out;
        });
    }

    /** Deletes at most {@code batch} roll-ups of minutes before {@code before}; returns how many. */
    public int deleteRollupsBefore(Instant before, int batch) {
        return delete("delete from lease_rollup where ctid in (select ctid from lease_rollup where minute_start < ? limit ?)",
                before, batch);
    }

    /** Deletes at most {@code batch} health changes before {@code before}; returns how many. */
    public int deleteChangesBefore(Instant before, int batch) {
        return delete("delete from lease_health_change where id in (select id from lease_health_change where at < ? limit ?)",
                before, batch);
    }

    private int delete(String sql, Instant before, int batch) {
        return jdbc("retention delete", c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setObject(1, ts(before), Types.TIMESTAMP_WITH_TIMEZONE);
                s.setInt(2, batch);
                return s.executeUpdate();
            }
        });
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), LeaseHealthState.valueOf(rs.getString(2)), rs.getString(3),
                instant(rs.getObject(4, OffsetDateTime.class)), instant(rs.getObject(5, OffsetDateTime.class)), rs.getString(6), rs.getBoolean(7),
                (Integer) rs.getObject(8), rs.getBoolean(9), rs.getBoolean(10), instant(rs.getObject(11, OffsetDateTime.class)));
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
