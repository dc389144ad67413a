package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.LeaseWatchReport;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.orchestrator.health.LeaseHealthService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code lease.watch} (group orchestrator-service): the continuous watch's reports, through the
 * {@link TransactionalConsumer} (inbox, one transaction, a dead letter for a report that is invalid or about a lease
 * that is not registered) to {@link LeaseHealthService#onReport}.
 */
@ApplicationScoped
public class LeaseWatchConsumer {

    private final TransactionalConsumer consumer;
    private final LeaseHealthService health;

    public LeaseWatchConsumer(TransactionalConsumer consumer, LeaseHealthService health) {
        this.consumer = consumer;
        this.health = health;
    }

    /** lease.watch: health changes and per-minute roll-ups of every watched lease. */
    @Incoming("lease-watch")
    @Blocking
    public void report(ConsumerRecords<String, String> records) {
        consumer.consumeAll(Topics.LEASE_WATCH, records, LeaseWatchReport.class, health::onReport);
    }
}
