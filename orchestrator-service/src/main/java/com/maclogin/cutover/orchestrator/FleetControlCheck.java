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

/**
 * A quick read-only probe round on up to two untouched leases of a failing lease's region. Its id is the cutoverId of
 * the VALIDATE RunSteps it sends, so the results on cutover.step-results find it.
 */
@Entity
@Table(name = "fleet_control_check")
public class FleetControlCheck extends PanacheEntityBase {
    public static final String PENDING = "PENDING";
    public static final String DONE = "DONE";

    @Id
    public String id;
    @Column(name = "fleet_id")
    public String fleetId;
    @Enumerated(EnumType.STRING)
    public Region region;
    @Column(name = "subject_lease_id")
    public String subjectLeaseId;
    /** Comma-separated. */
    @Column(name = "control_lease_ids")
    public String controlLeaseIds;
    /** lease id to "PASSED" or "FAILED: reason", as JSON. */
    @Column(columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    public String results = "{}";
    public String state;
    @Column(name = "controls_failed")
    public Boolean controlsFailed;
    @Column(name = "created_at")
    public Instant createdAt;
    public Instant deadline;
    @Column(name = "ended_at")
    public Instant endedAt;
}
