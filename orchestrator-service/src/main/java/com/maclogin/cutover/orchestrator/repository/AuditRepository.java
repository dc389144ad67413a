package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.orchestrator.AuditEvent;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEvent, Long> {

    private final EventLogRepository eventLog;

    public AuditRepository(EventLogRepository eventLog) {
        this.eventLog = eventLog;
    }

    public void record(String cutoverId, String actor, String action, String detail) {
        record(cutoverId, actor, action, detail, null);
    }

    /** With a reference to the evidence ({@code step:<idempotencyKey>}, {@code breach:<messageId>}, ...). */
    public void record(String cutoverId, String actor, String action, String detail, String evidenceRef) {
        AuditEvent e = new AuditEvent();
        e.evidenceRef = evidenceRef;
        e.cutoverId = cutoverId;
        e.at = Instant.now();
        e.actor = actor;
        e.action = action;
        e.detail = detail;
        persist(e);
        eventLog.auditLine(cutoverId, actor, action, detail);
    }

    public List<AuditEvent> forCutover(String cutoverId) {
        return list("cutoverId = ?1 order by id", cutoverId);
    }
}
