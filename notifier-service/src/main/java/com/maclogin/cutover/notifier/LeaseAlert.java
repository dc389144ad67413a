package com.maclogin.cutover.notifier;

import com.maclogin.cutover.contracts.LeaseHealthState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * What the notifier last learned of one lease's health from {@code lease.health} (alert or not) and which of its
 * alert messages are open (Flyway V10). It makes the alerts one message per change (a repeated or stale event posts
 * nothing) and threads a recovery under the DOWN message it ends. Changed only under a row lock, in the consumer's
 * transaction.
 */
@Entity
@Table(name = "lease_alert")
public class LeaseAlert extends PanacheEntityBase {

    /** Certificate state as the last certificate event said. */
    public enum CertState {
        /** Under the warning limit. */
        EXPIRING,
        /** Back at or above the limit (renewed). */
        OK
    }

    @Id
    @Column(name = "lease_id")
    public String leaseId;

    /** The state of the last STATE_CHANGED event applied; null before the first. */
    @Enumerated(EnumType.STRING)
    @Column(name = "health_state", length = 16)
    public LeaseHealthState healthState;

    /** When the lease entered {@link #healthState} (the event's {@code since}). */
    @Column(name = "health_since")
    public Instant healthSince;

    /** The thread of the DOWN message that is posted and not yet followed by a recovery; null when none. */
    @Column(name = "down_thread_key")
    public String downThreadKey;

    /** When the lease went DOWN (with {@link #downThreadKey}). */
    @Column(name = "down_since")
    public Instant downSince;

    @Enumerated(EnumType.STRING)
    @Column(name = "cert_state", length = 16)
    public CertState certState;

    /** The time of the last certificate event applied. */
    @Column(name = "cert_at")
    public Instant certAt;

    /** The thread of the open certificate warning; null when none. */
    @Column(name = "cert_thread_key")
    public String certThreadKey;

    /** Alert threads opened so far: the next one is {@code lease:<lease id>#<threads + 1>}. */
    @Column(name = "threads", nullable = false)
    public long threads;

    /** The last event that changed this row. */
    @Column(name = "last_message_id")
    public String lastMessageId;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
