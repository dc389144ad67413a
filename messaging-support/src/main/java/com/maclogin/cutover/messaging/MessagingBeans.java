package com.maclogin.cutover.messaging;

import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.Config;

/**
 * The kit in a service: {@link OutboxWriter} and {@link OutboxRelay} when {@code messaging.outbox.table} is set (the
 * relay starts with the application and stops at shutdown), {@link Inbox} and {@link TransactionalConsumer} when
 * {@code messaging.inbox.table} is set (its poison records go to {@link DeadLetters}, see {@link DeadLetterBeans}). The relay's producer is built from the service's {@code kafka.*} keys.
 * {@link MessageTracing} uses the service's OpenTelemetry bean when quarkus-opentelemetry provides one.
 */
@Singleton
public class MessagingBeans {

    private final MessagingConfig config;
    private volatile OutboxRelay started;

    public MessagingBeans(MessagingConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    Transactions transactions(TransactionManager tm, DataSource dataSource) {
        return new JtaTransactions(tm, dataSource);
    }

    @Produces
    @Singleton
    Inbox inbox(DataSource dataSource, TransactionSynchronizationRegistry registry) {
        MessagingConfig.Inbox c = config.inbox();
        String table = c.table().orElseThrow(() -> new IllegalStateException("messaging.inbox.table is not set"));
        return new Inbox(new Inbox.Table(table, c.processedAtColumn(), c.topicColumn().orElse(null),
                c.cutoverIdColumn().orElse(null)), dataSource, registry);
    }

    /** The service's OpenTelemetry (quarkus-opentelemetry) when there is one, else nothing is traced. */
    @Produces
    @Singleton
    MessageTracing tracing(Instance<OpenTelemetry> openTelemetry) {
        return openTelemetry.isResolvable() ? new MessageTracing(openTelemetry.get()) : MessageTracing.disabled();
    }

    @Produces
    @Singleton
    TransactionalConsumer consumer(Inbox inbox, Transactions transactions, MessageTracing tracing,
            DeadLetters deadLetters) {
        return new TransactionalConsumer(inbox, transactions, config.consumer().giveUpAfter(), tracing, deadLetters);
    }

    @Produces
    @Singleton
    OutboxRelay relay(Transactions transactions, Config kafkaConfig, Instance<DispatchHook> hooks,
            MessageTracing tracing) {
        MessagingConfig.Outbox c = config.outbox();
        OutboxStore store = new OutboxStore(c.table().orElseThrow(
                () -> new IllegalStateException("messaging.outbox.table is not set")));
        KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaClientProperties.outboxProducer(
                KafkaClientProperties.fromConfig(kafkaConfig), c.clientId(), c.sendTimeout()));
        return new OutboxRelay(c.clientId(), store, transactions, producer,
                new OutboxRelay.Settings(c.batchSize(), c.sendTimeout(), c.pollInterval()),
                hooks.isResolvable() ? hooks.get() : DispatchHook.NONE, tracing);
    }

    @Produces
    @Singleton
    OutboxWriter writer(OutboxRelay relay, DataSource dataSource, TransactionSynchronizationRegistry registry) {
        return new OutboxWriter(new OutboxStore(config.outbox().table().orElseThrow()), dataSource, registry,
                relay::trigger);
    }

    void start(@Observes StartupEvent event, Instance<OutboxRelay> relay) {
        if (config.outbox().table().isPresent()) {
            started = relay.get();
            started.start();
        }
    }

    /** Before the datasource goes: rows not yet published stay in the outbox. */
    void stop(@Observes ShutdownEvent event) {
        OutboxRelay relay = started;
        if (relay != null) {
            relay.close();
        }
    }
}
