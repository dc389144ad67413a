package com.maclogin.cutover.orchestrator;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One line of a fleet's audit trail (every wave transition and operator action, with its actor). */
@Entity
@Table(name = "fleet_audit")
public class FleetAuditEvent extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "fleet_id")
    public String fleetId;
    public Instant at;
    public String actor;
    public String action;
    public String detail;
}
