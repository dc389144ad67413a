package com.maclogin.cutover.messaging;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The SQL of one outbox table: {@code id} (identity, the publication order), {@code message_id}, {@code topic},
 * {@code message_key} (the lease id), {@code type}, {@code payload} (JSON), {@code created_at}, {@code sent_at},
 * {@code publish_attempts}, {@code last_error}, {@code trace_parent} (the W3C {@code traceparent} of the context the
 * row was written in, see {@link MessageTracing}). Every method runs on the caller's connection and transaction.
 */
public final class OutboxStore {

    /** First key of the relay's two-int advisory lock; the second is the table's oid, so each outbox has its own. */
    static final int RELAY_LOCK_SPACE = 0x4f555442; // "OUTB"

    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

    private final String table;
    private final String insert;
    private final String lockUnsent;
    private final String markSent;
    private final String recordFailure;

    public OutboxStore(String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.table = table;
        this.insert = "insert into " + table + " (message_id, topic, message_key, type, payload, created_at, trace_parent)"
                + " values (?, ?, ?, ?, ?, ?, ?)";
        this.lockUnsent = "select id, message_id, topic, message_key, type, payload, trace_parent from " + table
                + " where sent_at is null order by id limit ? for update skip locked";
        this.markSent = "update " + table + " set sent_at = now(), publish_attempts = publish_attempts + 1,"
                + " last_error = null where id = any(?)";
        this.recordFailure = "update " + table + " set publish_attempts = publish_attempts + 1, last_error = ?"
                + " where id = ?";
    }

    public String table() {
        return table;
    }

    /** Inserts {@code message} as JSON, keyed by its lease id, with the trace context current now. */
    public void insert(Connection c, String topic, CutoverMessage message) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(insert)) {
            s.setString(1, message.messageId());
            s.setString(2, topic);
            s.setString(3, message.leaseId());
            s.setString(4, message.getClass().getSimpleName());
            s.setString(5, Json.write(message));
            s.setObject(6, OffsetDateTime.now(ZoneOffset.UTC));
            s.setString(7, MessageTracing.currentTraceparent());
            s.executeUpdate();
        }
    }

    /**
     * The transaction-scoped advisory lock that lets one relay at a time publish this table, across instances: rows
     * then leave in id order, so one lease's messages stay in order. False when another relay holds it.
     */
    public boolean tryRelayLock(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_try_advisory_xact_lock(?, to_regclass(?)::oid::integer)")) {
            s.setInt(1, RELAY_LOCK_SPACE);
            s.setString(2, table);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }

    /** The oldest unsent rows, locked for this transaction; rows another transaction holds are skipped. */
    public List<OutboxRow> lockUnsent(Connection c, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(lockUnsent)) {
            s.setInt(1, limit);
            try (ResultSet r = s.executeQuery()) {
                List<OutboxRow> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(new OutboxRow(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), r.getString(7)));
                }
                return rows;
            }
        }
    }

    /** Marks the rows sent, counting the attempt and clearing an earlier error. */
    public void markSent(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        Array array = c.createArrayOf("bigint", ids.toArray());
        try (PreparedStatement s = c.prepareStatement(markSent)) {
            s.setArray(1, array);
            s.executeUpdate();
        } finally {
            array.free();
        }
    }

    /** Counts a failed attempt and keeps its error; the row stays unsent. */
    public void recordFailure(Connection c, long id, String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(recordFailure)) {
            s.setString(1, error);
            s.setLong(2, id);
            s.executeUpdate();
        }
    }
}
