package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.Notification;
import com.maclogin.cutover.notifier.NotificationStatus;
import com.maclogin.cutover.notifier.repository.NotificationRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The short transactions of the delivery loop; each commits before or right after a chat API call, never around one. */
@ApplicationScoped
public class NotificationStore {

    private final NotificationRepository repository;

    public NotificationStore(NotificationRepository repository) {
        this.repository = repository;
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

    /** Records the external id first thing after a successful post, so the row is never posted again. */
    @Transactional
    public void markPosted(long id, String externalId, String parentExternalId, Instant postedAt) {
        Notification n = repository.findById(id);
        n.externalId = externalId;
        n.parentExternalId = parentExternalId;
        n.status = NotificationStatus.POSTED;
        n.postedAt = postedAt;
        n.lastError = null;
    }

    @Transactional
    public void markRetry(long id, String error, Instant nextAttemptAt) {
        Notification n = repository.findById(id);
        if (n.status == NotificationStatus.PENDING) {
            n.lastError = error;
            n.nextAttemptAt = nextAttemptAt;
        }
    }

    @Transactional
    public void markFailed(long id, String error) {
        Notification n = repository.findById(id);
        if (n.status == NotificationStatus.PENDING) {
            n.status = NotificationStatus.FAILED;
            n.lastError = error;
        }
    }
}
