package com.maclogin.cutover.orchestrator;

import com.maclogin.cutover.contracts.StepOutcome;
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
import org.hibernate.annotations.ColumnTransformer;

/** One command of a cutover (or the local COMMUNICATE step) with its result, facts and evidence. */
@Entity
@Table(name = "cutover_step")
public class CutoverStep extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "cutover_id")
    public String cutoverId;
    /** Saga step name (a StepKind or COMMUNICATE). */
    public String kind;
    public int attempt;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "command_message_id")
    public String commandMessageId;
    public long epoch;
    @Enumerated(EnumType.STRING)
    public StepState state;
    @Enumerated(EnumType.STRING)
    public StepOutcome outcome;
    public String reason;
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String facts = "{}";
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String evidence = "[]";
    @Column(name = "worker_id")
    public String workerId;
    @Column(name = "created_at")
    public Instant createdAt;
    public Instant deadline;
    @Column(name = "dispatched_at")
    public Instant dispatchedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "duration_millis")
    public Long durationMillis;
}
