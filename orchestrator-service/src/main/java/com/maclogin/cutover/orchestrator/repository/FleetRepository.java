package com.maclogin.cutover.orchestrator.repository;

import com.maclogin.cutover.orchestrator.Fleet;
import com.maclogin.cutover.orchestrator.FleetAuditEvent;
import com.maclogin.cutover.orchestrator.FleetControlCheck;
import com.maclogin.cutover.orchestrator.FleetLeaseRecord;
import com.maclogin.cutover.orchestrator.FleetWaveRecord;
import com.maclogin.cutover.orchestrator.fleet.FleetState;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Fleets, their waves, leases, audit and control checks. */
@ApplicationScoped
public class FleetRepository implements PanacheRepositoryBase<Fleet, String> {

    private final EventLogRepository eventLog;

    public FleetRepository(EventLogRepository eventLog) {
        this.eventLog = eventLog;
    }

    /** {@code SELECT ... FOR UPDATE}: one orchestrator instance at a time acts on a fleet. */
    public Optional<Fleet> lock(String id) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public Optional<Fleet> byIdempotencyKey(String key) {
        return find("idempotencyKey", key).firstResultOptional();
    }

    public List<String> activeIds() {
        return find("state in ?1 and state <> ?2 order by createdAt", FleetState.ACTIVE, FleetState.PENDING)
                .project(IdOnly.class).list().stream().map(IdOnly::id).toList();
    }

    /** For the active-fleet query's projection. */
    public record IdOnly(String id) {
    }

    public List<Fleet> search(FleetState state, int limit) {
        return state == null ? find("order by createdAt desc").page(0, limit).list()
                : find("state = ?1 order by createdAt desc", state).page(0, limit).list();
    }

    public List<FleetWaveRecord> waves(String fleetId) {
        return getEntityManager().createQuery("from FleetWaveRecord where fleetId = ?1 order by idx", FleetWaveRecord.class)
                .setParameter(1, fleetId).getResultList();
    }

    public List<FleetLeaseRecord> leases(String fleetId) {
        return getEntityManager().createQuery("from FleetLeaseRecord where fleetId = ?1 order by wave, leaseId",
                FleetLeaseRecord.class).setParameter(1, fleetId).getResultList();
    }

    /** The active fleet holding this lease, if any. */
    public Optional<String> activeFleetOf(String leaseId) {
        return getEntityManager().createQuery("select fleetId from FleetLeaseRecord where leaseId = ?1 and active = true",
                String.class).setParameter(1, leaseId).getResultStream().findFirst();
    }

    /** Leases of this fleet are no longer held (the fleet ended). */
    public void release(String fleetId) {
        getEntityManager().createQuery("update FleetLeaseRecord set active = false where fleetId = ?1 and active = true")
                .setParameter(1, fleetId).executeUpdate();
    }

    public void audit(String fleetId, String actor, String action, String detail) {
        FleetAuditEvent e = new FleetAuditEvent();
        e.fleetId = fleetId;
        e.at = Instant.now();
        e.actor = actor;
        e.action = action;
        e.detail = detail;
        getEntityManager().persist(e);
        eventLog.fleetAuditLine(fleetId, actor, action, detail);
    }

    public List<FleetAuditEvent> auditOf(String fleetId) {
        return getEntityManager().createQuery("from FleetAuditEvent where fleetId = ?1 order by id", FleetAuditEvent.class)
                .setParameter(1, fleetId).getResultList();
    }

    public Optional<FleetControlCheck> controlCheck(String id) {
        return Optional.ofNullable(getEntityManager().find(FleetControlCheck.class, id));
    }

    public List<FleetControlCheck> overdueChecks(String fleetId, Instant now) {
        return getEntityManager().createQuery("from FleetControlCheck where fleetId = ?1 and state = ?2 and deadline < ?3",
                FleetControlCheck.class).setParameter(1, fleetId).setParameter(2, FleetControlCheck.PENDING)
                .setParameter(3, now).getResultList();
    }

    public List<FleetControlCheck> checksOf(String fleetId) {
        return getEntityManager().createQuery("from FleetControlCheck where fleetId = ?1 order by createdAt",
                FleetControlCheck.class).setParameter(1, fleetId).getResultList();
    }
}
