package com.maclogin.cutover.messaging;

import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * A new JTA transaction per unit of work (any transaction of the calling thread is suspended meanwhile). The
 * connection handed to the work comes from the service's datasource inside the transaction, so it is the one
 * Hibernate uses for the same transaction: an outbox or inbox row and the business change commit together.
 */
public record JtaTransactions(TransactionManager tm, DataSource dataSource) implements Transactions {

    @Override
    public <T> T inNewTransaction(Work<T> work) throws Exception {
        Transaction outer = tm.suspend();
        try {
            tm.begin();
            T result;
            try (Connection connection = dataSource.getConnection()) {
                result = work.run(connection);
            } catch (Exception | Error e) {
                rollback();
                throw e;
            }
            tm.commit();
            return result;
        } finally {
            if (outer != null) {
                tm.resume(outer);
            }
        }
    }

    private void rollback() throws Exception {
        if (tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
            tm.rollback();
        }
    }
}
