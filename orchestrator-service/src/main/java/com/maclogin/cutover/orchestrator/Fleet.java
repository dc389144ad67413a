package com.maclogin.cutover.orchestrator;

import com.maclogin.cutover.orchestrator.fleet.FleetState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A fleet cutover: the request (template, selector, plan) and the fleet saga's state. Only {@code FleetEngine} writes
 * the saga fields, on the row locked with {@code SELECT ... FOR UPDATE}.
 */
@Entity
@Table(name = "fleet")
public class Fleet extends PanacheEntityBase {
    @Id
    public String id;
    @Enumerated(EnumType.STRING)
    public FleetState state;
    @Enumerated(EnumType.STRING)
    @Column(name = "resume_state")
    public FleetState resumeState;
    @Column(name = "candidate_version")
    public String candidateVersion;
    @Column(name = "ticket_id")
    public String ticketId;
    @Column(name = "rollback_owner")
    public String rollbackOwner;
    @Column(name = "requested_by")
    public String requestedBy;
    /** The CutoverRequest every lease's cutover starts with (its leaseId null), as JSON. */
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String template;
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String selector;
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String plan;
    @Column(name = "current_wave")
    public int currentWave = -1;
    @Column(name = "progress_mark")
    public Instant progressMark;
    @Column(name = "rollback_scope")
    public Integer rollbackScope;
    /** Comma-separated regions whose path is broken. */
    @Column(name = "paused_regions")
    public String pausedRegions = "";
    @Column(name = "next_action")
    public String nextAction;
    @Column(name = "next_at")
    public Instant nextAt;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "request_hash")
    public String requestHash;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
}
