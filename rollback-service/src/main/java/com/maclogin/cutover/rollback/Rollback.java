package com.maclogin.cutover.rollback;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.StepKind;
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
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The rollback of one cutover: what to restore (copied from the RollbackRequested, so nothing else is needed) and
 * which command is outstanding. One row per cutover; a request with a higher epoch supersedes the row's content.
 */
@Entity
@Table(name = "rollback")
public class Rollback extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "cutover_id", nullable = false, unique = true)
    public String cutoverId;

    @Column(name = "lease_id", nullable = false)
    public String leaseId;

    @Enumerated(EnumType.STRING)
    public Region region;

    @Column(nullable = false)
    public long epoch;

    @Column(name = "request_message_id")
    public String requestMessageId;

    @Column(name = "requested_by")
    public String requestedBy;

    public String reason;

    @Column(name = "ticket_id")
    public String ticketId;

    @Column(name = "rollback_owner")
    public String rollbackOwner;

    /** {@link com.maclogin.cutover.contracts.LeaseTarget} as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "target")
    public String target;

    @Column(name = "previous_version")
    public String previousVersion;

    @Column(name = "candidate_version")
    public String candidateVersion;

    @Column(name = "expected_plist_sha256")
    public String expectedPlistSha256;

    @Column(name = "expected_package_sha256")
    public String expectedPackageSha256;

    @Column(name = "found_plist_sha256")
    public String foundPlistSha256;

    @Column(name = "found_package_sha256")
    public String foundPackageSha256;

    /** sha256 of the SNAPSHOT's state/config archive ({@code state.tgz}), checked by the worker before it restores. */
    @Column(name = "expected_state_sha256")
    public String expectedStateSha256;

    /** The inventory gate's hash of the package tree's stat listing (optional: RESTORE then skips the content hash). */
    @Column(name = "expected_package_stat_sha256")
    public String expectedPackageStatSha256;

    @Column(name = "found_state_sha256")
    public String foundStateSha256;

    @Column(name = "found_gateway_version")
    public String foundGatewayVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RollbackState state;

    @Enumerated(EnumType.STRING)
    @Column(name = "current_step")
    public StepKind currentStep;

    @Column(name = "current_command_id")
    public String currentCommandId;

    @Column(name = "current_idempotency_key")
    public String currentIdempotencyKey;

    @Column(name = "command_deadline")
    public Instant commandDeadline;

    /** Attempt number of the outstanding command's idempotency key; grows across epochs so keys never repeat. */
    @Column(nullable = false)
    public int attempt;

    /** RESTORE attempts made in the current epoch. */
    @Column(name = "restore_attempts", nullable = false)
    public int restoreAttempts;

    @Column(name = "failure_reason")
    public String failureReason;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /**
     * When the verification's probe matrix was first green on the restored version: the instant of the first round in
     * which every layer PASSED (worker fact {@code firstGreenAt}); null until a verification reported one.
     */
    @Column(name = "matrix_green_at")
    public Instant matrixGreenAt;

    /** W3C {@code traceparent} of the message that started the rollback: its deadline work continues that trace. */
    @Column(name = "trace_parent")
    public String traceParent;

    /** That round's number in the verification window (worker fact {@code firstGreenRound}). */
    @Column(name = "matrix_green_round")
    public Integer matrixGreenRound;
}
