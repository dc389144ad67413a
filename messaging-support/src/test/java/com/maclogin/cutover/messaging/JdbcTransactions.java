package com.maclogin.cutover.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Plain JDBC transactions: how the relay test runs relays without a JTA transaction manager. Each thread keeps one
 * connection (a pool would do the same), so a thousand small transactions do not each open a connection.
 */
final class JdbcTransactions implements Transactions, AutoCloseable {

    private final DataSource dataSource;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private final List<Connection> opened = new CopyOnWriteArrayList<>();

    JdbcTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public <T> T inNewTransaction(Work<T> work) throws Exception {
        Connection c = connection();
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (Exception | Error e) {
            c.rollback();
            throw e;
        }
    }

    /** The calling thread's connection: inside {@link #inNewTransaction}, the one of that transaction. */
    Connection connection() throws SQLException {
        Connection c = connection.get();
        if (c == null || c.isClosed()) {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            connection.set(c);
            opened.add(c);
        }
        return c;
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : opened) {
            c.close();
        }
    }
}
