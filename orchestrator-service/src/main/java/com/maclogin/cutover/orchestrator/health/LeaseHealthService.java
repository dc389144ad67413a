package com.maclogin.cutover.orchestrator.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseHealthEvent;
import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.contracts.LeaseWatchReport;
import com.maclogin.cutover.contracts.Redaction;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.InvalidMessageException;
import com.maclogin.cutover.messaging.OutboxWriter;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.orchestrator.StreamEvents;
import com.maclogin.cutover.orchestrator.api.LeaseHealthDetail;
import com.maclogin.cutover.orchestrator.api.LeaseHealthView;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.EventLogRepository;
import com.maclogin.cutover.orchestrator.repository.LeaseRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Lease health from the continuous watch (issue 12 point 2): applies each {@link LeaseWatchReport} of
 * {@code lease.watch} to {@code lease_health} ({@link HealthDecision}), records every change in
 * {@code lease_health_change}, upserts the minute's roll-up into {@code lease_rollup}, and for every state change and
 * certificate crossing enqueues a {@link LeaseHealthEvent} to {@code lease.health} through the outbox and appends a
 * {@code LEASE_HEALTH} row to the event log, all in the consumer's transaction. The stale sweep marks silent leases
 * UNKNOWN the same way.
 */
@ApplicationScoped
public class LeaseHealthService {

    private final LeaseHealthRepository health;
    private final LeaseRepository leases;
    private final CutoverRepository cutovers;
    private final OutboxWriter outbox;
    private final EventLogRepository eventLog;
    private final LeaseHealthConfig config;

    public LeaseHealthService(LeaseHealthRepository health, LeaseRepository leases, CutoverRepository cutovers,
            OutboxWriter outbox, EventLogRepository eventLog, LeaseHealthConfig config) {
        this.health = health;
        this.leases = leases;
        this.cutovers = cutovers;
        this.outbox = outbox;
        this.eventLog = eventLog;
        this.config = config;
    }

    /**
     * One watch report, in the consumer's transaction (after the inbox: a redelivery never gets here). Refused (dead
     * letter with the reason) when invalid, for a lease that is not registered, or from a worker of another region than
     * the lease's registration.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void onReport(LeaseWatchReport r) {
        String bad = r.invalid();
        if (bad != null) {
            throw new InvalidMessageException("watch report " + r.messageId() + ": " + bad);
        }
        Lease lease = leases.findById(r.leaseId());
        if (lease == null) {
            throw new InvalidMessageException(HealthReasons.unknownLease(r.leaseId()));
        }
        if (lease.region != r.region()) {
            throw new InvalidMessageException(HealthReasons.otherRegion(r.leaseId(), lease.region, r.region(), r.workerId()));
        }
        Instant now = Instant.now();
        String reason = Redaction.reason(r.reason()); // again where it is kept (docs/architecture.md, "Secrets")
        HealthDecision.Observation seen = new HealthDecision.Observation(r.state(), r.crashLooping(), r.certDaysLeft(),
                r.observedAt());
        Optional<LeaseHealthRepository.Row> held = health.lock(lease.id);
        if (held.isEmpty()) {
            Decided d = decide(lease, HealthDecision.NEVER, seen);
            LeaseHealthRepository.Row first = row(lease.id, d.outcome(), reason, r.observedAt(), r.workerId(),
                    r.certDaysLeft(), now);
            if (health.insertIfAbsent(first)) {
                effects(lease, d, reason, r.certDaysLeft(), now, r.observedAt());
                rollup(lease, r, now);
                return;
            }
            held = health.lock(lease.id); // inserted by a report handled at the same moment: its row now counts
        }
        LeaseHealthRepository.Row row = held.orElseThrow();
        Decided d = decide(lease, row.held(), seen);
        if (!d.outcome().applied()) {
            Log.debugf("lease %s: watch report %s of %s (worker %s) is not newer than the health held (%s): ignored",
                    lease.id, r.messageId(), r.observedAt(), r.workerId(), row.observedAt());
        } else {
            health.update(row(lease.id, d.outcome(), reason, r.observedAt(), r.workerId(),
                    r.certDaysLeft() == null ? row.certDaysLeft() : r.certDaysLeft(), now));
            effects(lease, d, reason, r.certDaysLeft() == null ? row.certDaysLeft() : r.certDaysLeft(), now,
                    r.observedAt());
        }
        rollup(lease, r, now);
    }

    /** The outcome and, when it emits events, the lease's active cutover (decided with it: a DOWN inside one is no alert). */
    private record Decided(HealthDecision.Outcome outcome, String activeCutoverId) {
    }

    private Decided decide(Lease lease, HealthDecision.Held held, HealthDecision.Observation seen) {
        int warn = config.certWarnDays();
        HealthDecision.Outcome outside = HealthDecision.report(held, seen, false, warn);
        if (outside.events().isEmpty()) {
            return new Decided(outside, null);
        }
        String active = cutovers.findActive(lease.id).map(c -> c.id).orElse(null);
        boolean inCutover = active != null || endedWithinGrace(lease.id);
        return new Decided(inCutover ? HealthDecision.report(held, seen, true, warn) : outside, active);
    }

    /** Whether a cutover of the lease ended within {@code cutover-grace}: its own restarts may still be reported. */
    private boolean endedWithinGrace(String leaseId) {
        return cutovers.count("leaseId = ?1 and endedAt >= ?2", leaseId,
                Instant.now().minus(config.cutoverGrace())) > 0;
    }

    private static LeaseHealthRepository.Row row(String leaseId, HealthDecision.Outcome o, String reason,
            Instant observedAt, String workerId, Integer certDaysLeft, Instant now) {
        return new LeaseHealthRepository.Row(leaseId, o.state(), reason, o.since(), observedAt, workerId,
                o.crashLooping(), certDaysLeft, o.certAlerted(), o.downAlerted(), now);
    }

    /**
     * The change row (at {@code observedAt}: when the change was seen, as {@code since}), the events (outbox) and the
     * event-log rows of an applied outcome.
     */
    private void effects(Lease lease, Decided d, String reason, Integer certDaysLeft, Instant now, Instant observedAt) {
        HealthDecision.Outcome o = d.outcome();
        if (o.changeRecorded()) {
            health.insertChange(lease.id, o.state(), o.previousState(), reason, o.crashLooping(), observedAt);
        }
        for (HealthDecision.Emitted e : o.events()) {
            boolean stateEvent = e.kind() == LeaseHealthEventKind.STATE_CHANGED;
            String why = stateEvent ? reason : HealthReasons.certificate(e.kind(), certDaysLeft, config.certWarnDays());
            LeaseHealthEvent event = new LeaseHealthEvent(UUID.randomUUID().toString(), lease.id, now,
                    CutoverMessage.SCHEMA_VERSION, lease.region, lease.stage == null ? null : lease.stage.name(), e.kind(),
                    o.state(), stateEvent ? o.previousState() : o.state(), why, o.since(), certDaysLeft,
                    d.activeCutoverId(), e.alert());
            outbox.enqueue(Topics.LEASE_HEALTH, event);
            eventLog.append(StreamEvents.LEASE_HEALTH, d.activeCutoverId(), null, lease.id,
                    lease.region == null ? null : lease.region.name(), EventLogRepository.fields("kind", e.kind().name(),
                            "state", o.state().name(), "previousState", event.previousState().name(), "reason", why,
                            "since", o.since() == null ? null : o.since().toString(), "certDaysLeft", certDaysLeft,
                            "crashLooping", o.crashLooping(), "alert", e.alert()));
            Log.infof("lease %s: %s %s -> %s (%s)%s", lease.id, e.kind(), event.previousState(), o.state(), why,
                    e.alert() ? ", alert" : "");
        }
    }

    private void rollup(Lease lease, LeaseWatchReport r, Instant now) {
        if (r.rollup() != null) {
            health.upsertRollup(lease.id, r.rollup(), r.state(), r.workerId(), now);
        }
    }

    /**
     * The stale sweep's step for one lease, in its own transaction: with the row locked, if it is still not UNKNOWN
     * and no report was applied for its stale-after, it becomes UNKNOWN. True when it did. Two instances sweeping at
     * once: the second waits for the row, finds it UNKNOWN and does nothing.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean markStale(String leaseId, Instant now) {
        Lease lease = leases.findById(leaseId);
        LeaseHealthRepository.Row row = health.lock(leaseId).orElse(null);
        if (lease == null || row == null) {
            return false;
        }
        Duration staleAfter = config.staleAfterFor(lease.watchIntervalSeconds);
        if (!row.updatedAt().isBefore(now.minus(staleAfter))) {
            return false;
        }
        HealthDecision.Outcome o = HealthDecision.stale(row.held(), now);
        if (o == null) {
            return false;
        }
        String reason = HealthReasons.stale(staleAfter);
        health.update(new LeaseHealthRepository.Row(leaseId, o.state(), reason, o.since(), row.observedAt(),
                row.workerId(), o.crashLooping(), row.certDaysLeft(), o.certAlerted(), o.downAlerted(), now));
        String active = cutovers.findActive(leaseId).map(c -> c.id).orElse(null);
        effects(lease, new Decided(o, active), reason, row.certDaysLeft(), now, now);
        return true;
    }

    /** Leases silent for their stale-after at {@code now}, oldest first. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<String> staleCandidates(Instant now, int limit) {
        return health.stale(now, config.staleAfter().map(Duration::toSeconds).orElse(null),
                config.defaultWatchInterval().toSeconds(), config.staleAfterMin().toSeconds(), limit).stream()
                .map(LeaseHealthRepository.Candidate::leaseId).toList();
    }

    /** Every lease's health by lease id (leases never reported are absent: {@link LeaseHealthView#UNKNOWN}). */
    @Transactional
    public Map<String, LeaseHealthView> views() {
        Map<String, LeaseHealthView> m = new HashMap<>();
        health.all().forEach((id, r) -> m.put(id, view(r)));
        return m;
    }

    @Transactional
    public LeaseHealthView view(String leaseId) {
        return health.find(leaseId).map(LeaseHealthService::view).orElse(LeaseHealthView.UNKNOWN);
    }

    /** The health, the last hour's roll-ups and the recent changes; empty for an unknown lease. */
    @Transactional
    public Optional<LeaseHealthDetail> detail(String leaseId) {
        Lease lease = leases.findById(leaseId);
        if (lease == null) {
            return Optional.empty();
        }
        LeaseHealthView now = view(leaseId);
        List<LeaseHealthDetail.Minute> minutes = health.rollups(leaseId, Instant.now().minus(config.rollupWindow()))
                .stream().map(r -> new LeaseHealthDetail.Minute(r.minuteStart(), r.rounds(),
                        Json.read(r.layers(), JsonNode.class),
                        new LeaseHealthDetail.Latency(r.latencySamples(), r.p50(), r.p95(), r.p99(), r.max()),
                        r.certDaysLeft(), r.diskFreePercent(), r.processRuns(), r.processRestarts(), r.state(),
                        r.workerId())).toList();
        List<LeaseHealthDetail.Change> changes = health.changes(leaseId, config.recentChanges()).stream()
                .map(c -> new LeaseHealthDetail.Change(c.at(), c.state(), c.previousState(), c.reason(), c.crashLooping()))
                .toList();
        return Optional.of(new LeaseHealthDetail(leaseId, lease.watchIntervalSeconds,
                config.staleAfterFor(lease.watchIntervalSeconds).toSeconds(), now, minutes, changes));
    }

    static LeaseHealthView view(LeaseHealthRepository.Row r) {
        return new LeaseHealthView(r.state(), r.reason(), r.since(), r.observedAt(), r.certDaysLeft(), r.crashLooping(),
                r.workerId());
    }
}
