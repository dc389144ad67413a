package com.maclogin.cutover.orchestrator;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One line of a cutover's audit trail: who did what, when. */
@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "cutover_id")
    public String cutoverId;
    public Instant at;
    public String actor;
    public String action;
    public String detail;
    /** Where the evidence is: {@code step:<idempotencyKey>}, {@code step:<key>#gate:<GATE>}, {@code breach:<messageId>}. */
    @Column(name = "evidence_ref")
    public String evidenceRef;
}
