package com.maclogin.cutover.rollback;

import com.maclogin.cutover.contracts.Region;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * rollback-service's own record of one cutover: what a restore needs, as the orchestrator armed it
 * ({@code RollbackRequested} with purpose ARM) before the cutover changed anything. A restore takes lease, versions,
 * ticket, owner and expected hashes from here; a breach, request or result that contradicts it is audited and ignored.
 */
@Entity
@Table(name = "cutover_record")
public class CutoverRecord extends PanacheEntityBase {

    @Id
    @Column(name = "cutover_id")
    public String cutoverId;

    @Column(name = "lease_id", nullable = false)
    public String leaseId;

    @Enumerated(EnumType.STRING)
    public Region region;

    /** The cutover's epoch as last armed: a breach or request of a higher epoch is refused. */
    @Column(nullable = false)
    public long epoch;

    /** {@link com.maclogin.cutover.contracts.LeaseTarget} as JSON, as the orchestrator registered the lease. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String target;

    @Column(name = "ticket_id")
    public String ticketId;

    @Column(name = "rollback_owner")
    public String rollbackOwner;

    @Column(name = "previous_version")
    public String previousVersion;

    @Column(name = "candidate_version")
    public String candidateVersion;

    @Column(name = "expected_plist_sha256")
    public String expectedPlistSha256;

    @Column(name = "expected_package_sha256")
    public String expectedPackageSha256;

    @Column(name = "expected_state_sha256")
    public String expectedStateSha256;

    @Column(name = "expected_package_stat_sha256")
    public String expectedPackageStatSha256;

    @Column(name = "armed_message_id")
    public String armedMessageId;

    @Column(name = "armed_at", nullable = false)
    public Instant armedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
