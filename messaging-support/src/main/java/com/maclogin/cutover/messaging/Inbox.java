package com.maclogin.cutover.messaging;

import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The ids of the messages a service processed, in its own table (insert-if-absent on the primary key
 * {@code message_id}, in the consumer's transaction): a redelivered message finds its id and is skipped, and a
 * transaction that rolls back takes its id with it, so the redelivery is processed. Within one transaction the answer
 * for an id is stable: asking again for an id this transaction recorded answers true again.
 */
public class Inbox {

    /** The table and its columns; {@code topicColumn} and {@code cutoverIdColumn} may be null (no such column). */
    public record Table(String name, String processedAtColumn, String topicColumn, String cutoverIdColumn) {
    }

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

    private final DataSource dataSource;
    private final TransactionSynchronizationRegistry registry;
    private final Table table;
    private final String insert;

    public Inbox(Table table, DataSource dataSource, TransactionSynchronizationRegistry registry) {
        StringBuilder columns = new StringBuilder("message_id, ").append(checked(table.processedAtColumn()));
        StringBuilder values = new StringBuilder("?, ?");
        for (String optional : new String[] {table.topicColumn(), table.cutoverIdColumn()}) {
            if (optional != null) {
                columns.append(", ").append(checked(optional));
                values.append(", ?");
            }
        }
        this.insert = "insert into " + checked(table.name()) + " (" + columns + ") values (" + values
                + ") on conflict (message_id) do nothing";
        this.table = table;
        this.dataSource = dataSource;
        this.registry = registry;
    }

    /**
     * Records the message id in the caller's transaction; true the first time, false when it was processed before.
     * {@code topic} and {@code cutoverId} are stored where the table has a column for them.
     */
    public boolean firstDelivery(String messageId, String topic, String cutoverId) {
        Set<String> recorded = recordedInThisTransaction();
        if (recorded.contains(messageId)) {
            return true;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(insert)) {
            int i = 1;
            s.setString(i++, messageId);
            s.setObject(i++, OffsetDateTime.now(ZoneOffset.UTC));
            if (table.topicColumn() != null) {
                s.setString(i++, topic);
            }
            if (table.cutoverIdColumn() != null) {
                s.setString(i, cutoverId);
            }
            boolean first = s.executeUpdate() == 1;
            if (first) {
                recorded.add(messageId);
            }
            return first;
        } catch (SQLException e) {
            throw new IllegalStateException("inbox " + table.name() + ": recording " + messageId + " failed", e);
        }
    }

    @SuppressWarnings("unchecked")
    private Set<String> recordedInThisTransaction() {
        Set<String> recorded = (Set<String>) registry.getResource(this); // throws outside a transaction
        if (recorded == null) {
            recorded = new HashSet<>();
            registry.putResource(this, recorded);
        }
        return recorded;
    }

    private static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a table or column name: " + name);
        }
        return name;
    }
}
