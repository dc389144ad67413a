package com.maclogin.cutover.rollback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A message written in the business transaction, published by the relay after commit, in id order. */
@Entity
@Table(name = "outbox")
public class OutboxMessage extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String topic;

    /** Kafka record key: the lease id. */
    @Column(name = "message_key", nullable = false)
    public String messageKey;

    @Column(name = "message_id", nullable = false)
    public String messageId;

    /** Simple name of the record type (RunStep, CutoverEvent). */
    @Column(name = "message_type", nullable = false)
    public String messageType;

    @Column(nullable = false)
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "publish_attempts", nullable = false)
    public int publishAttempts;

    @Column(name = "last_error")
    public String lastError;
}
