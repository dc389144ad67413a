package com.maclogin.cutover.rollback.saga;

import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_PACKAGE;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_PLIST;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_STATE;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepParameters;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.rollback.Rollback;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds the messages rollback-service sends, from the rollback row alone (it works while the orchestrator is down). */
public final class RollbackMessages {

    /**
     * The matrix run again on the restored (old) version (PLAYBOOK: verified rollback). No TLS layer: the rollback
     * does not know the public endpoint; no restart drill.
     */
    public static final List<ProbeLayer> VERIFY_LAYERS = List.of(
            ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION, ProbeLayer.INTEGRATION, ProbeLayer.DISK);

    private RollbackMessages() {
    }

    /**
     * The probe plan of the verification VALIDATE: playbook thresholds, every trigger OBSERVE (a rollback of a
     * rollback makes no sense; rollback-service turns any breach at its epoch into ROLLBACK_FAILED itself).
     */
    public static ProbePlan verificationPlan(Rollback rb, int windowSeconds, int intervalMillis) {
        Map<TriggerKind, TriggerAction> actions = new EnumMap<>(TriggerKind.class);
        for (TriggerKind k : TriggerKind.values()) {
            actions.put(k, TriggerAction.OBSERVE);
        }
        return new ProbePlan(VERIFY_LAYERS, intervalMillis, windowSeconds, null, TriggerThresholds.playbook(),
                actions, null, null, null, rb.rollbackOwner);
    }

    /** A breach with action ROLLBACK, as the RollbackRequested it stands for: epoch {@code breach.epoch + 1}. */
    public static RollbackRequested requestFromBreach(ThresholdBreached b) {
        return new RollbackRequested(b.messageId(), b.cutoverId(), b.leaseId(), b.timestamp(), b.schemaVersion(),
                b.epoch() + 1, RollbackReasons.requestedByTrigger(b.trigger()), RollbackReasons.breach(b), b.target(),
                b.ticketId(), b.previousVersion(), b.candidateVersion(), b.rollbackOwner(), b.expectedSha256());
    }

    public static RunStep restore(Rollback rb, Instant now, Duration timeout) {
        StepParameters p = new StepParameters(rb.candidateVersion, rb.previousVersion, rb.ticketId, null,
                expectedHashes(rb), null, null);
        return command(rb, StepKind.RESTORE, p, now, now.plus(timeout));
    }

    public static RunStep validate(Rollback rb, Instant now, Duration window, Duration probeInterval, Duration margin) {
        int seconds = (int) Math.max(1, window.toSeconds());
        int intervalMillis = (int) Math.max(1, probeInterval.toMillis());
        StepParameters p = new StepParameters(null, rb.previousVersion, rb.ticketId, null, Map.of(), seconds,
                intervalMillis, verificationPlan(rb, seconds, intervalMillis));
        return command(rb, StepKind.VALIDATE, p, now, now.plusSeconds(seconds).plus(margin));
    }

    private static RunStep command(Rollback rb, StepKind kind, StepParameters p, Instant now, Instant deadline) {
        return new RunStep(UUID.randomUUID().toString(), rb.cutoverId, rb.leaseId, now, CutoverMessage.SCHEMA_VERSION,
                rb.epoch, kind, rb.attempt, RunStep.idempotencyKey(rb.cutoverId, kind, rb.attempt),
                Topics.ROLLBACK_STEP_RESULTS, target(rb), p, deadline);
    }

    public static CutoverEvent event(Rollback rb, CutoverEventType type, String reason, Instant now) {
        boolean terminal = type == CutoverEventType.ROLLED_BACK || type == CutoverEventType.ROLLBACK_FAILED;
        return new CutoverEvent(UUID.randomUUID().toString(), rb.cutoverId, rb.leaseId, now,
                CutoverMessage.SCHEMA_VERSION, rb.epoch, type, rb.region, rb.ticketId, rb.previousVersion,
                rb.candidateVersion, rb.rollbackOwner, List.of(), rb.requestedAt, terminal ? now : null, reason);
    }

    public static Map<String, String> expectedHashes(Rollback rb) {
        return Map.of(HASH_PLIST, rb.expectedPlistSha256, HASH_PACKAGE, rb.expectedPackageSha256, HASH_STATE,
                rb.expectedStateSha256);
    }

    public static LeaseTarget target(Rollback rb) {
        return rb.target == null ? null : Json.read(rb.target, LeaseTarget.class);
    }
}
