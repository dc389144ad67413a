package com.maclogin.cutover.notifier.messaging;

import com.maclogin.cutover.contracts.FleetEvent;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.notifier.service.DeliveryService;
import com.maclogin.cutover.notifier.service.FleetNotificationService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code fleet.events} (group {@code notifier-service}) like {@link CutoverEventConsumer} does
 * {@code cutover.events}: the fleet thread's rows and the inbox row in one transaction (a redelivery stops at the
 * inbox, which both topics share: message ids are unique), then a wake of the delivery thread.
 */
@ApplicationScoped
public class FleetEventConsumer {

    private final TransactionalConsumer consumer;
    private final FleetNotificationService notifications;
    private final DeliveryService delivery;

    public FleetEventConsumer(TransactionalConsumer consumer, FleetNotificationService notifications,
            DeliveryService delivery) {
        this.consumer = consumer;
        this.notifications = notifications;
        this.delivery = delivery;
    }

    @Incoming("fleet-events")
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        if (consumer.consumeAll(Topics.FLEET_EVENTS, records, FleetEvent.class, notifications::accept) > 0) {
            delivery.wake();
        }
    }
}
