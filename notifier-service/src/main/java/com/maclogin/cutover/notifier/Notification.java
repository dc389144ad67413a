package com.maclogin.cutover.notifier;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One chat message for one cutover, fleet or lease health event on one channel. Unique per (event message id, channel): a
 * redelivered event never creates a second row, and a row that has an {@link #externalId} is never posted again.
 * Rows with the same {@link #threadKey} and channel form one thread, posted in id order.
 */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The lease's cutover the event is about; for a fleet event, the fleet id; null for a lease health alert. */
    @Column(name = "cutover_id")
    public String cutoverId;

    @Column(name = "lease_id", nullable = false)
    public String leaseId;

    /** The fleet cutover this message belongs to (a fleet event, or a lease of a fleet); null for a single cutover. */
    @Column(name = "fleet_id")
    public String fleetId;

    /** The thread this message goes to: the cutover id of a single cutover, {@code fleet:<fleet id>} for a fleet. */
    @Column(name = "thread_key", nullable = false)
    public String threadKey;

    /** How this message finds its thread parent. */
    @Enumerated(EnumType.STRING)
    @Column(name = "thread_role", nullable = false, length = 16)
    public ThreadRole threadRole;

    @Column(name = "event_message_id", nullable = false)
    public String eventMessageId;

    @Column(name = "event_type", nullable = false, length = 32)
    public String eventType;

    @Enumerated(EnumType.STRING)
    @Column(name = "channel", nullable = false, length = 16)
    public ChatChannel channel;

    /** Slack channel id or Telegram chat id, as configured when the event arrived. */
    @Column(name = "target", nullable = false)
    public String target;

    /** The message text as sent: Slack's escaped mrkdwn fallback, Telegram's plain text (both capped). */
    @Column(name = "text", nullable = false, columnDefinition = "text")
    public String text;

    /** Slack Block Kit JSON ({@code blocks}); null for Telegram. */
    @Column(name = "blocks", columnDefinition = "text")
    public String blocks;

    /** Slack {@code reply_broadcast}: an incident or outcome, shown in the channel as well as in its thread. */
    @Column(name = "broadcast", nullable = false)
    public boolean broadcast;

    /**
     * Attempts that ended after the request was sent without an answer: the message may exist. On a channel that
     * cannot look (Telegram) each retry after one is blind; bounded by {@code notifier.delivery.max-blind-retries}.
     */
    @Column(name = "uncertain_attempts", nullable = false)
    public int uncertainAttempts;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false, length = 16)
    public NotificationStatus status;

    /** Slack {@code ts} or Telegram {@code message_id} of the posted message. */
    @Column(name = "external_id", length = 64)
    public String externalId;

    /** The thread parent's external id this message replied to; null for the parent itself. */
    @Column(name = "parent_external_id", length = 64)
    public String parentExternalId;

    @Column(name = "attempts", nullable = false)
    public int attempts;

    /** Last API error, with any token masked. */
    @Column(name = "last_error", length = 1000)
    public String lastError;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "posted_at")
    public Instant postedAt;

    /** The traceparent of the event this message was queued for (the cutover's trace); null without tracing. */
    @Column(name = "trace_parent", columnDefinition = "text")
    public String traceParent;
}
