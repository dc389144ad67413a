package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.orchestrator.Cutover;
import com.maclogin.cutover.orchestrator.ProbeResultRecord;
import com.maclogin.cutover.orchestrator.StreamEvents;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.EventLogRepository;
import com.maclogin.cutover.orchestrator.repository.ProbeResultRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the workers report from a validation window: every ProbeResult is stored; a ThresholdBreached moves the saga. */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class ValidationEventService {

    private final CutoverRepository cutovers;
    private final ProbeResultRepository probes;
    private final SagaEngine saga;
    private final FleetControlService controls;
    private final EventLogRepository eventLog;

    public ValidationEventService(CutoverRepository cutovers, ProbeResultRepository probes,
            SagaEngine saga, FleetControlService controls, EventLogRepository eventLog) {
        this.eventLog = eventLog;
        this.cutovers = cutovers;
        this.probes = probes;
        this.saga = saga;
        this.controls = controls;
    }

    public void probeResult(ProbeResult r) {
        if (r.messageId() == null || r.cutoverId() == null || r.layer() == null || r.verdict() == null
                || r.schemaVersion() > CutoverMessage.SCHEMA_VERSION) {
            Log.warnf("probe result %s (cutover %s, lease %s) incomplete or of a newer schema; ignored", r.messageId(),
                    r.cutoverId(), r.leaseId());
            return;
        }
        if (cutovers.findByIdOptional(r.cutoverId()).isEmpty()) {
            if (r.cutoverId().startsWith("ctl-")) {
                return; // a fleet control check's probe: its verdict arrives with the VALIDATE result
            }
            Log.warnf("probe result %s for unknown cutover %s (lease %s) ignored", r.messageId(), r.cutoverId(), r.leaseId());
            return;
        }
        ProbeResultRecord p = new ProbeResultRecord();
        p.messageId = r.messageId();
        p.cutoverId = r.cutoverId();
        p.leaseId = r.leaseId() == null ? "" : r.leaseId();
        p.epoch = r.epoch();
        p.commandMessageId = r.commandMessageId();
        p.round = r.round();
        p.layer = r.layer();
        p.verdict = r.verdict();
        p.latencyMillis = r.latencyMillis();
        p.detail = r.detail();
        p.observed = Json.write(r.observed() == null ? Map.of() : r.observed());
        p.probedAt = r.timestamp() != null ? r.timestamp() : Instant.now();
        p.receivedAt = Instant.now();
        probes.persist(p);
        rollup(cutovers.findById(r.cutoverId()), p);
        Log.debugf("cutover %s lease %s: probe round %d %s %s", r.cutoverId(), r.leaseId(), r.round(), r.layer(), r.verdict());
    }

    /**
     * One PROBE_ROUND event per round: when the round has every layer of the plan, or (a round left short, e.g. a
     * worker that stopped mid-round) when the next round's first probe arrives.
     */
    private void rollup(Cutover c, ProbeResultRecord p) {
        if (p.commandMessageId == null) {
            return;
        }
        List<ProbeResultRecord> window = probes.window(c.id, p.commandMessageId, p.round);
        ProbePlan plan = saga.context(c).probePlan();
        int expected = plan.layers().size();
        long inRound = window.stream().filter(x -> x.round == p.round).map(x -> x.layer).distinct().count();
        int round;
        if (inRound >= expected) {
            round = p.round;
        } else {
            long previous = window.stream().filter(x -> x.round == p.round - 1).map(x -> x.layer).distinct().count();
            if (inRound != 1 || previous == 0 || previous >= expected) {
                return;
            }
            round = p.round - 1;
        }
        int closed = round;
        Map<String, Object> data = new LinkedHashMap<>(ProbeRounds.rollup(
                window.stream().filter(x -> x.round <= closed).toList(), closed, plan.thresholds(),
                plan.baselineP95Millis()));
        data.put("epoch", p.epoch);
        data.put("complete", round == p.round);
        eventLog.append(c, StreamEvents.PROBE_ROUND, data);
    }

    public void breach(ThresholdBreached b) {
        if (b.messageId() == null || b.cutoverId() == null || b.trigger() == null
                || b.schemaVersion() > CutoverMessage.SCHEMA_VERSION) {
            Log.warnf("breach %s (cutover %s, lease %s) incomplete or of a newer schema; ignored", b.messageId(),
                    b.cutoverId(), b.leaseId());
            return;
        }
        Optional<Cutover> found = cutovers.lock(b.cutoverId());
        if (found.isEmpty() && controls.breach(b)) {
            return; // a fleet control check's control lease breached: it failed
        }
        if (found.isEmpty()) {
            Log.warnf("breach %s for unknown cutover %s (lease %s) ignored", b.messageId(), b.cutoverId(), b.leaseId());
            return;
        }
        saga.applyBreach(found.get(), b);
    }
}
