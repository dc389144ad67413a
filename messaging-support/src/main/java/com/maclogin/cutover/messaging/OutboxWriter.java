package com.maclogin.cutover.messaging;

import com.maclogin.cutover.contracts.CutoverMessage;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Writes messages into the outbox inside the caller's transaction, so they exist exactly when the change that caused
 * them commits. After that commit the relay is woken; rows whose wake-up is lost are found by its sweep.
 */
public record OutboxWriter(OutboxStore store, DataSource dataSource, TransactionSynchronizationRegistry registry,
        Runnable afterCommit) {

    /** Stores {@code message} for {@code topic} (key = its lease id); must run inside the caller's transaction. */
    public void enqueue(String topic, CutoverMessage message) {
        if (registry.getTransactionStatus() != Status.STATUS_ACTIVE) {
            throw new IllegalStateException("the outbox is written inside the transaction of the change that causes "
                    + message.getClass().getSimpleName() + " " + message.messageId());
        }
        try (Connection c = dataSource.getConnection()) {
            store.insert(c, topic, message);
        } catch (SQLException e) {
            throw new IllegalStateException("outbox insert of " + message.getClass().getSimpleName() + " "
                    + message.messageId() + " failed", e);
        }
        if (registry.getResource(afterCommit) == null) { // once per transaction
            registry.putResource(afterCommit, Boolean.TRUE);
            registry.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        afterCommit.run();
                    }
                }
            });
        }
    }
}
