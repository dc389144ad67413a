package com.maclogin.cutover.notifier.repository;

import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.Notification;
import com.maclogin.cutover.notifier.NotificationStatus;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Queries over {@code notifier.notification}. Callers own the transaction. */
@ApplicationScoped
public class NotificationRepository implements PanacheRepository<Notification> {

    public List<Notification> byCutover(String cutoverId) {
        return list("cutoverId = ?1 order by id", cutoverId);
    }

    /** Whether the cutover has a row of this event type on any channel. */
    public boolean hasType(String cutoverId, String eventType) {
        return count("cutoverId = ?1 and eventType = ?2", cutoverId, eventType) > 0;
    }

    /**
     * PENDING rows that are due and first in line: no earlier PENDING row of the same cutover and channel exists,
     * so messages of one thread go out in the order the events arrived and a reply never overtakes its parent.
     */
    public List<Notification> dueInOrder(Instant now, int limit) {
        return find("""
                from Notification n where n.status = ?1 and n.nextAttemptAt <= ?2 and not exists (
                    select 1 from Notification e where e.cutoverId = n.cutoverId
                    and e.channel = n.channel and e.status = ?1 and e.id < n.id)
                order by n.id""", NotificationStatus.PENDING, now).page(0, limit).list();
    }

    /** The external id of the thread parent: the first POSTED message of the cutover on the channel. */
    public Optional<String> threadParent(String cutoverId, ChatChannel channel) {
        return find("cutoverId = ?1 and channel = ?2 and status = ?3 order by id",
                cutoverId, channel, NotificationStatus.POSTED).firstResultOptional().map(n -> n.externalId);
    }

    /**
     * Claims a due PENDING row for one attempt: counts the attempt and pushes its next attempt past {@code leaseUntil}
     * so no other pass (or instance) posts it meanwhile. Returns false when someone else got it first.
     */
    public boolean claim(long id, Instant now, Instant leaseUntil) {
        return update("attempts = attempts + 1, nextAttemptAt = ?1 where id = ?2 and status = ?3 and nextAttemptAt <= ?4",
                leaseUntil, id, NotificationStatus.PENDING, now) == 1;
    }
}
