package com.maclogin.cutover.orchestrator.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An Idempotency-Key of POST /api/v1/cutovers: the hash of the body it was first used with and the cutover it made. */
@Entity
@Table(name = "idempotency")
public class IdempotencyRecord extends PanacheEntityBase {
    @Id
    public String key;
    @Column(name = "request_hash")
    public String requestHash;
    @Column(name = "cutover_id")
    public String cutoverId;
    @Column(name = "created_at")
    public Instant createdAt;
}
