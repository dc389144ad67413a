package com.maclogin.cutover.orchestrator;

import com.maclogin.cutover.contracts.Region;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/** The saga state of one cutover: state, current step, fencing epoch, the step in flight, request data as JSON. */
@Entity
@Table(name = "cutover")
public class Cutover extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "lease_id")
    public String leaseId;
    @Enumerated(EnumType.STRING)
    public Region region;
    @Enumerated(EnumType.STRING)
    public CutoverState state;
    /** Saga step name (a StepKind or COMMUNICATE). */
    @Column(name = "current_step")
    public String currentStep;
    /** Idempotency key of the command whose result the saga waits for; null when none. */
    @Column(name = "in_flight_key")
    public String inFlightKey;
    public long epoch;
    @Column(name = "candidate_version")
    public String candidateVersion;
    /** sha256 of the npm tarball {@code openclaw-<candidateVersion>.tgz}; null when the request gave none. */
    @Column(name = "candidate_sha256")
    public String candidateSha256;
    /** PARALLEL_RUN canary port; null = no canary requested. */
    @Column(name = "canary_port")
    public Integer canaryPort;
    /** PARALLEL_RUN canary window in seconds; null = no canary requested. */
    @Column(name = "canary_seconds")
    public Integer canarySeconds;
    /** An approved skip of the staging-first gate, {@code "<approvedBy>: <reason>"}; null when none. */
    @Column(name = "staging_override")
    public String stagingOverride;
    /** An approved acceptance of a CLI that differs from the service (gate CLI_MATCHES_SERVICE), {@code "<approvedBy>: <reason>"}; null when none. */
    @Column(name = "cli_override")
    public String cliOverride;
    @Column(name = "previous_version")
    public String previousVersion;
    @Column(name = "ticket_id")
    public String ticketId;
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String operators;
    @Column(name = "rollback_owner")
    public String rollbackOwner;
    @Column(name = "blast_radius", columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String blastRadius;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** When the gates passed and the change began (the banner). */
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    public String reason;
    /** The resolved validation settings (window, interval, drill, thresholds, actions) as JSON; null = config defaults. */
    @Column(name = "validation_plan", columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String validationPlan;
    /** The saga data of earlier steps ({@code SagaData} as JSON); null for a cutover started before it existed. */
    @Column(name = "saga_data", columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String sagaData;
    /** While PAUSED with no step in flight: the saga step resume sends (the interrupted one or the next). */
    @Column(name = "resume_step")
    public String resumeStep;
    /** The fleet cutover that started this cutover; null for a single-lease cutover. */
    @Column(name = "fleet_id")
    public String fleetId;
    /** The fleet's wave it runs in; null without a fleet. */
    public Integer wave;
    /** W3C {@code traceparent} of the cutover's first span: later work continues its trace ({@code CutoverTrace}). */
    @Column(name = "trace_parent")
    public String traceParent;
    /**
     * The loosenings the request asked for (JSON list of ValidationPolicy.AppliedOverride) while they wait for a second
     * operator's approval; the cutover stays PENDING with nothing sent until then. Null once approved or without any.
     */
    @Column(name = "overrides_pending")
    public String overridesPending;
}
