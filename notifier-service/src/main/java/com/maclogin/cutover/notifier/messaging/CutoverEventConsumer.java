package com.maclogin.cutover.notifier.messaging;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.notifier.service.DeliveryService;
import com.maclogin.cutover.notifier.service.NotificationService;
import com.maclogin.cutover.contracts.Redelivery;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code cutover.events} (group {@code notifier-service}): stores the notifications in one transaction,
 * then wakes the delivery thread. A database failure fails the message (the offset is not committed, so it is
 * consumed again after a restart) and the inbox makes that redelivery harmless.
 */
@ApplicationScoped
public class CutoverEventConsumer {

    private final NotificationService notifications;
    private final DeliveryService delivery;

    public CutoverEventConsumer(NotificationService notifications, DeliveryService delivery) {
        this.notifications = notifications;
        this.delivery = delivery;
    }

    @Incoming("events")
    @Blocking
    public void consume(String payload) {
        CutoverEvent event;
        try {
            event = Json.read(payload, CutoverEvent.class);
        } catch (IllegalArgumentException e) {
            Log.errorf("skipping an unreadable cutover event: %s", e.getMessage());
            return;
        }
        if (event.messageId() == null || event.cutoverId() == null || event.leaseId() == null || event.type() == null) {
            Log.errorf("skipping cutover event %s of cutover %s lease %s: messageId, cutoverId, leaseId and type are required",
                    event.messageId(), event.cutoverId(), event.leaseId());
            return;
        }
        int[] stored = new int[1];
        Redelivery.untilCommitted(Redelivery.describe(event), () -> stored[0] = notifications.accept(event));
        if (stored[0] > 0) {
            delivery.wake();
        }
    }
}
