package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.contracts.ChatDelivered;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.OutboxWriter;
import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.Notification;
import com.maclogin.cutover.notifier.NotificationStatus;
import com.maclogin.cutover.notifier.repository.NotificationRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The short transactions of the delivery loop; each commits before or right after a chat API call, never around one. */
@ApplicationScoped
public class NotificationStore {

    private final NotificationRepository repository;
    private final OutboxWriter outbox;

    public NotificationStore(NotificationRepository repository, OutboxWriter outbox) {
        this.repository = repository;
        this.outbox = outbox;
    }

    @Transactional
    public List<Notification> due(Instant now, Instant bannerDeadline, int limit) {
        return repository.dueInOrder(now, bannerDeadline, limit);
    }

    @Transactional
    public Optional<String> threadParent(String threadKey, ChatChannel channel) {
        return repository.threadParent(threadKey, channel);
    }

    @Transactional
    public boolean claim(long id, Instant now, Instant leaseUntil) {
        return repository.claim(id, now, leaseUntil);
    }

    /** What {@link #claimWithSlot} got: the row and the channel's post slot, or not the row, or the wait for the slot. */
    public record Claim(boolean claimed, long waitMillis) {
        public boolean mayPost() {
            return claimed && waitMillis == 0;
        }
    }

    /**
     * Claims a row for one attempt and takes its channel's post slot ({@link NotificationRepository#takePostSlot}) in
     * one transaction: both or neither. A row another instance claimed first is left alone (the slot is not taken);
     * with the slot not free yet the claim is undone and the wait returned, so a row never sits claimed while it waits.
     */
    @Transactional
    public Claim claimWithSlot(long id, Instant now, Instant leaseUntil, String paceKey, java.time.Duration minInterval) {
        if (!repository.claim(id, now, leaseUntil)) {
            return new Claim(false, 0);
        }
        long wait = repository.takePostSlot(paceKey, minInterval);
        if (wait > 0) {
            io.quarkus.narayana.jta.QuarkusTransaction.setRollbackOnly();
        }
        return new Claim(true, wait);
    }

    /** {@link NotificationRepository#takePostSlot} in a transaction of its own. */
    @Transactional
    public long takePostSlot(String paceKey, java.time.Duration minInterval) {
        return repository.takePostSlot(paceKey, minInterval);
    }

    /** Records the external id first thing after a successful post, so the row is never posted again. */
    @Transactional
    public void markPosted(long id, String externalId, String parentExternalId, Instant postedAt) {
        Notification n = repository.findById(id);
        n.externalId = externalId;
        n.parentExternalId = parentExternalId;
        n.status = NotificationStatus.POSTED;
        n.postedAt = postedAt;
        n.lastError = null;
        delivered(n, ChatDelivered.POSTED);
    }

    /** @param uncertainAttempts attempts so far that may have been delivered (see {@link Notification#uncertainAttempts}) */
    @Transactional
    public void markRetry(long id, String error, Instant nextAttemptAt, int uncertainAttempts) {
        Notification n = repository.findById(id);
        if (n.status == NotificationStatus.PENDING) {
            n.lastError = error;
            n.nextAttemptAt = nextAttemptAt;
            n.uncertainAttempts = uncertainAttempts;
        }
    }

    @Transactional
    public void markFailed(long id, String error) {
        Notification n = repository.findById(id);
        if (n.status == NotificationStatus.PENDING) {
            n.status = NotificationStatus.FAILED;
            n.lastError = error;
            delivered(n, ChatDelivered.FAILED);
        }
    }

    /**
     * ChatDelivered on chat.deliveries (the orchestrator's live event stream), in this transaction: what was delivered
     * where and how it ended, never the text. A fleet's own message carries the fleet id as its ids; a lease alert
     * publishes none.
     */
    private void delivered(Notification n, String outcome) {
        if (n.threadRole == com.maclogin.cutover.notifier.ThreadRole.LEASE) {
            return; // a lease alert belongs to no cutover or fleet: there is no stream on the orchestrator to join
        }
        // in the trace of the event the message was queued for: the orchestrator's span for it joins the cutover's trace
        try (io.opentelemetry.context.Scope scope = com.maclogin.cutover.messaging.MessageTracing.contextOf(n.traceParent)
                .makeCurrent()) {
            enqueueDelivered(n, outcome);
        }
    }

    private void enqueueDelivered(Notification n, String outcome) {
        outbox.enqueue(Topics.CHAT_DELIVERIES, new ChatDelivered(UUID.randomUUID().toString(), n.cutoverId, n.fleetId,
                n.leaseId, Instant.now(), CutoverMessage.SCHEMA_VERSION, n.channel.name(), n.eventType, outcome,
                n.attempts));
    }
}
