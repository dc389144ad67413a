package com.maclogin.cutover.orchestrator;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One registration or change of a lease: who (an admin), when, and the registered fields before and after (JSON). */
@Entity
@Table(name = "lease_audit")
public class LeaseAuditEntry extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "lease_id")
    public String leaseId;
    public Instant at;
    public String actor;
    /** {@code LEASE_REGISTERED} or {@code LEASE_CHANGED}. */
    public String action;
    /** The fields before the change (JSON), null for a registration. */
    @Column(name = "old_value")
    public String oldValue;
    @Column(name = "new_value")
    public String newValue;
}
