package com.maclogin.cutover.orchestrator;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.fleet.LeaseOutcome;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One lease of a fleet: its wave, the cutover the fleet started on it (written in the same transaction as that
 * cutover), and the outcome the fleet recorded once (the failure budget is counted from these rows).
 */
@Entity
@Table(name = "fleet_lease")
public class FleetLeaseRecord extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "fleet_id")
    public String fleetId;
    @Column(name = "lease_id")
    public String leaseId;
    @Enumerated(EnumType.STRING)
    public Region region;
    public int wave;
    @Column(name = "cutover_id")
    public String cutoverId;
    @Enumerated(EnumType.STRING)
    public LeaseOutcome outcome;
    @Column(name = "outcome_reason")
    public String outcomeReason;
    @Column(name = "rollback_requested")
    public boolean rollbackRequested;
    /** The fleet still holds the lease (partial unique index: one active fleet per lease). */
    public boolean active = true;
}
