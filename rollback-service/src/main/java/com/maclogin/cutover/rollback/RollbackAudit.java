package com.maclogin.cutover.rollback;

import com.maclogin.cutover.contracts.StepKind;
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

/** One line of the audit trail ({@code rollback_event}): a transition, or a message that was ignored, with the numbers. */
@Entity
@Table(name = "rollback_event")
public class RollbackAudit extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "rollback_id")
    public Long rollbackId;

    @Column(name = "cutover_id", nullable = false)
    public String cutoverId;

    @Column(name = "lease_id")
    public String leaseId;

    public Long epoch;

    @Column(nullable = false)
    public Instant at;

    /** What happened: REQUESTED, SUPERSEDED, RESTORE_SENT, RESTORE_VERIFIED, VALIDATE_SENT, ROLLED_BACK, ... */
    @Column(nullable = false)
    public String action;

    @Enumerated(EnumType.STRING)
    @Column(name = "from_state")
    public RollbackState fromState;

    @Enumerated(EnumType.STRING)
    @Column(name = "to_state")
    public RollbackState toState;

    @Enumerated(EnumType.STRING)
    @Column(name = "step_kind")
    public StepKind stepKind;

    public Integer attempt;

    @Enumerated(EnumType.STRING)
    public StepOutcome outcome;

    @Column(name = "message_id")
    public String messageId;

    @Column(name = "expected_plist_sha256")
    public String expectedPlistSha256;

    @Column(name = "found_plist_sha256")
    public String foundPlistSha256;

    @Column(name = "expected_package_sha256")
    public String expectedPackageSha256;

    @Column(name = "found_package_sha256")
    public String foundPackageSha256;

    @Column(name = "expected_state_sha256")
    public String expectedStateSha256;

    @Column(name = "found_state_sha256")
    public String foundStateSha256;

    @Column(name = "expected_version")
    public String expectedVersion;

    @Column(name = "found_version")
    public String foundVersion;

    public String detail;
}
