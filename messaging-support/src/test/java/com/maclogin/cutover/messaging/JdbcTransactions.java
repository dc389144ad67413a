package com.maclogin.cutover.messaging;

import java.sql.Connection;
import javax.sql.DataSource;

/** Plain JDBC transactions: how the relay test runs relays without a JTA transaction manager. */
final class JdbcTransactions implements Transactions {

    private final DataSource dataSource;

    JdbcTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public <T> T inNewTransaction(Work<T> work) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            }
        }
    }
}
