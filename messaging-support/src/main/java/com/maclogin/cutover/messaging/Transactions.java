package com.maclogin.cutover.messaging;

import java.sql.Connection;

/**
 * Runs work in a transaction of its own. In a service that is a JTA transaction ({@link JtaTransactions}), so
 * Hibernate and every other connection the work opens take part in it; the relay test runs the same relay on plain
 * JDBC transactions.
 */
public interface Transactions {

    /** Work done inside the transaction, on a connection that belongs to it. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws Exception;
    }

    /** Runs {@code work} in a new transaction: committed when it returns, rolled back when it throws. */
    <T> T inNewTransaction(Work<T> work) throws Exception;
}
