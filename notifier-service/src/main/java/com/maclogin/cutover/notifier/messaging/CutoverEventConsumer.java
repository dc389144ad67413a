package com.maclogin.cutover.notifier.messaging;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.TransactionalConsumer;
import com.maclogin.cutover.notifier.service.DeliveryService;
import com.maclogin.cutover.notifier.service.NotificationService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code cutover.events} (group {@code notifier-service}): stores the notifications in one transaction
 * through the {@link TransactionalConsumer} (its inbox makes a redelivery harmless), then wakes the delivery thread.
 */
@ApplicationScoped
public class CutoverEventConsumer {

    private final TransactionalConsumer consumer;
    private final NotificationService notifications;
    private final DeliveryService delivery;

    public CutoverEventConsumer(TransactionalConsumer consumer, NotificationService notifications,
            DeliveryService delivery) {
        this.consumer = consumer;
        this.notifications = notifications;
        this.delivery = delivery;
    }

    @Incoming("events")
    @Blocking
    public void consume(ConsumerRecords<String, String> records) {
        if (consumer.consumeAll(Topics.EVENTS, records, CutoverEvent.class, notifications::accept) > 0) {
            delivery.wake();
        }
    }
}
