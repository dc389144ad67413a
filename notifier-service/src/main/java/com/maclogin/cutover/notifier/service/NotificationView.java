package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.Notification;
import com.maclogin.cutover.notifier.NotificationStatus;
import com.maclogin.cutover.notifier.ThreadRole;
import java.time.Instant;

/** What was (or will be) posted for one event on one channel, and in which thread. Holds no token. */
public record NotificationView(
        long id,
        String cutoverId,
        String leaseId,
        String fleetId,
        String threadKey,
        ThreadRole threadRole,
        String eventMessageId,
        String eventType,
        ChatChannel channel,
        String target,
        NotificationStatus status,
        String externalId,
        String parentExternalId,
        int attempts,
        String lastError,
        String text,
        Instant createdAt,
        Instant postedAt) {

    public static NotificationView of(Notification n) {
        return new NotificationView(n.id, n.cutoverId, n.leaseId, n.fleetId, n.threadKey, n.threadRole,
                n.eventMessageId, n.eventType, n.channel, n.target,
                n.status, n.externalId, n.parentExternalId, n.attempts, n.lastError, n.text, n.createdAt, n.postedAt);
    }
}
