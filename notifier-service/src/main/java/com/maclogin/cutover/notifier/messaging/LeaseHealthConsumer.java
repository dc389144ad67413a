package com.maclogin.cutover.notifier.messaging;

import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.notifier.service.DeliveryService;
import com.maclogin.cutover.notifier.service.LeaseAlertService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code lease.health} (group {@code notifier-service}) like {@link CutoverEventConsumer} does
 * {@code cutover.events}: the lease's alert rows, its {@code lease_alert} row and the inbox row in one transaction (a
 * redelivery stops at the inbox; an invalid event is set aside on the dead-letter topic with the reason), then a wake
 * of the delivery thread.
 */
@ApplicationScoped
public class LeaseHealthConsumer {

    private final TransactionalConsumer consumer;
    private final LeaseAlertService alerts;
    private final DeliveryService delivery;

    public LeaseHealthConsumer(TransactionalConsumer consumer, LeaseAlertService alerts, DeliveryService delivery) {
        this.consumer = consumer;
        this.alerts = alerts;
        this.delivery = delivery;
    }

    @Incoming("lease-health")
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        if (consumer.consumeAll(Topics.LEASE_HEALTH, records, LeaseHealthEnvelope.class,
                m -> alerts.accept(m.event())) > 0) {
            delivery.wake();
        }
    }
}
