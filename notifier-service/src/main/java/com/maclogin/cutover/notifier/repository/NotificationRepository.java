package com.maclogin.cutover.notifier.repository;

import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.Notification;
import com.maclogin.cutover.notifier.NotificationStatus;
import com.maclogin.cutover.notifier.ThreadRole;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Queries over {@code notifier.notification}. Callers own the transaction. */
@ApplicationScoped
public class NotificationRepository implements PanacheRepository<Notification> {

    public List<Notification> byCutover(String cutoverId) {
        return list("cutoverId = ?1 order by id", cutoverId);
    }

    /** A lease's health alerts (rows of role LEASE), in creation order. */
    public List<Notification> leaseAlerts(String leaseId) {
        return list("leaseId = ?1 and threadRole = ?2 order by id", leaseId, ThreadRole.LEASE);
    }

    /** Whether the cutover has a row of this event type on any channel. */
    public boolean hasType(String cutoverId, String eventType) {
        return count("cutoverId = ?1 and eventType = ?2", cutoverId, eventType) > 0;
    }

    /** Rows of a fleet's thread (its own events and its leases' incidents), in creation order. */
    public List<Notification> byFleet(String fleetId) {
        return list("fleetId = ?1 order by id", fleetId);
    }

    /** Whether the thread has a row of this event type on any channel. */
    public boolean threadHasType(String threadKey, String eventType) {
        return count("threadKey = ?1 and eventType = ?2", threadKey, eventType) > 0;
    }

    /** Whether the thread already has its banner on any channel. */
    public boolean hasBanner(String threadKey) {
        return count("threadKey = ?1 and threadRole = ?2", threadKey, ThreadRole.BANNER) > 0;
    }

    /**
     * PENDING rows that are due and first in line in their thread (same thread key and channel), so messages of one
     * thread go out in the order the events arrived and a reply never overtakes its parent:
     * <ul>
     * <li>a fleet's BANNER is always first in line: replies stored before it (the leases' incidents come on another
     * topic) wait for it;</li>
     * <li>a REPLY waits until its thread's banner is no longer PENDING (posted, or failed: then the first posted row
     * is the parent); with no banner row at all it waits until it is older than {@code bannerDeadline}, so that a
     * banner that never comes does not hold the fleet's incidents back forever;</li>
     * <li>otherwise a row waits for every earlier PENDING row of its thread except the banner.</li>
     * </ul>
     * A single cutover's rows (role CUTOVER) thus keep the old rule: no earlier PENDING row of the same cutover.
     */
    public List<Notification> dueInOrder(Instant now, Instant bannerDeadline, int limit) {
        return find("""
                from Notification n where n.status = ?1 and n.nextAttemptAt <= ?2 and (n.threadRole = ?3 or (
                    (n.threadRole <> ?4
                        or exists (select 1 from Notification b where b.threadKey = n.threadKey
                            and b.channel = n.channel and b.threadRole = ?3 and b.status <> ?1)
                        or (n.createdAt <= ?5 and not exists (select 1 from Notification b where
                            b.threadKey = n.threadKey and b.channel = n.channel and b.threadRole = ?3)))
                    and not exists (select 1 from Notification e where e.threadKey = n.threadKey
                        and e.channel = n.channel and e.status = ?1 and e.threadRole <> ?3 and e.id < n.id)))
                order by n.id""", NotificationStatus.PENDING, now, ThreadRole.BANNER, ThreadRole.REPLY, bannerDeadline)
                .page(0, limit).list();
    }

    /**
     * The external id of the thread parent: the thread's POSTED banner, else (a single cutover, or a fleet whose
     * banner failed or never came) the first POSTED message of the thread on the channel.
     */
    public Optional<String> threadParent(String threadKey, ChatChannel channel) {
        return find("""
                threadKey = ?1 and channel = ?2 and status = ?3
                order by case when threadRole = ?4 then 0 else 1 end, id""",
                threadKey, channel, NotificationStatus.POSTED, ThreadRole.BANNER)
                .firstResultOptional().map(n -> n.externalId);
    }

    /**
     * Claims a due PENDING row for one attempt: counts the attempt and pushes its next attempt past {@code leaseUntil}
     * so no other pass (or instance) posts it meanwhile. Returns false when someone else got it first.
     */
    public boolean claim(long id, Instant now, Instant leaseUntil) {
        return update("attempts = attempts + 1, nextAttemptAt = ?1 where id = ?2 and status = ?3 and nextAttemptAt <= ?4",
                leaseUntil, id, NotificationStatus.PENDING, now) == 1;
    }

    /**
     * Takes the next post slot of a channel ({@code key}) for every notifier instance at once: succeeds (returns 0) when
     * the channel's {@code next_post_at} has passed, and moves it {@code minInterval} past now (the database's clock,
     * one clock for all instances); else returns the milliseconds until it passes. One conditional upsert: of two
     * instances asking at the same moment, the second waits for the first's row lock, sees the moved time and gets
     * the wait. Runs in the caller's transaction (the row stays locked until it commits).
     */
    public long takePostSlot(String key, Duration minInterval) {
        List<?> taken = getEntityManager().createNativeQuery("""
                insert into notifier.channel_pace as p (pace_key, next_post_at)
                values (?1, clock_timestamp() + cast(?2 as double precision) * interval '1 millisecond')
                on conflict (pace_key) do update set next_post_at = excluded.next_post_at
                 where p.next_post_at <= clock_timestamp()
                returning p.pace_key""").setParameter(1, key).setParameter(2, minInterval.toMillis()).getResultList();
        if (!taken.isEmpty()) {
            return 0;
        }
        Number wait = (Number) getEntityManager().createNativeQuery("""
                select greatest(1, ceil(extract(epoch from (next_post_at - clock_timestamp())) * 1000))
                  from notifier.channel_pace where pace_key = ?1""").setParameter(1, key).getSingleResult();
        return wait.longValue();
    }
}
