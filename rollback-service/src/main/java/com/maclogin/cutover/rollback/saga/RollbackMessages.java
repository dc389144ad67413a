package com.maclogin.cutover.rollback.saga;

import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_PACKAGE;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_PLIST;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_STATE;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
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
        return ProbePlan.builder().layers(VERIFY_LAYERS).intervalMillis(intervalMillis).windowSeconds(windowSeconds)
                .thresholds(TriggerThresholds.playbook()).actions(actions).rollbackOwner(rb.rollbackOwner).build();
    }

    /** A breach with action ROLLBACK, as the RollbackRequested it stands for: epoch {@code breach.epoch + 1}. */
    public static RollbackRequested requestFromBreach(ThresholdBreached b) {
        return RollbackRequested.builder().messageId(b.messageId()).cutoverId(b.cutoverId()).leaseId(b.leaseId())
                .timestamp(b.timestamp()).schemaVersion(b.schemaVersion()).epoch(b.epoch() + 1)
                .requestedBy(RollbackReasons.requestedByTrigger(b.trigger())).reason(RollbackReasons.breach(b))
                .target(b.target()).ticketId(b.ticketId()).previousVersion(b.previousVersion())
                .candidateVersion(b.candidateVersion()).rollbackOwner(b.rollbackOwner())
                .expectedSha256(b.expectedSha256()).build();
    }

    public static RunStep restore(Rollback rb, Instant now, Duration timeout) {
        return command(rb, new StepCommand.Restore(rb.previousVersion, expectedHashes(rb)), now, now.plus(timeout));
    }

    public static RunStep validate(Rollback rb, Instant now, Duration window, Duration probeInterval, Duration margin) {
        int seconds = (int) Math.max(1, window.toSeconds());
        int intervalMillis = (int) Math.max(1, probeInterval.toMillis());
        StepCommand.Validate p = new StepCommand.Validate(null, rb.previousVersion, rb.ticketId, Map.of(), seconds,
                intervalMillis, verificationPlan(rb, seconds, intervalMillis));
        return command(rb, p, now, now.plusSeconds(seconds).plus(margin));
    }

    private static RunStep command(Rollback rb, StepCommand command, Instant now, Instant deadline) {
        return RunStep.builder().timestamp(now).cutoverId(rb.cutoverId).leaseId(rb.leaseId).epoch(rb.epoch)
                .attempt(rb.attempt).replyTo(Topics.ROLLBACK_STEP_RESULTS).target(target(rb)).command(command)
                .deadline(deadline).build();
    }

    public static CutoverEvent event(Rollback rb, CutoverEventType type, String reason, Instant now) {
        boolean terminal = type == CutoverEventType.ROLLED_BACK || type == CutoverEventType.ROLLBACK_FAILED;
        return CutoverEvent.builder().timestamp(now).cutoverId(rb.cutoverId).leaseId(rb.leaseId).epoch(rb.epoch)
                .type(type).region(rb.region).ticketId(rb.ticketId).previousVersion(rb.previousVersion)
                .candidateVersion(rb.candidateVersion).rollbackOwner(rb.rollbackOwner).channels(List.of())
                .startedAt(rb.requestedAt).endedAt(terminal ? now : null).reason(reason).build();
    }

    public static Map<String, String> expectedHashes(Rollback rb) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(HASH_PLIST, rb.expectedPlistSha256);
        m.put(HASH_PACKAGE, rb.expectedPackageSha256);
        m.put(HASH_STATE, rb.expectedStateSha256);
        if (rb.expectedPackageStatSha256 != null) {
            m.put(com.maclogin.cutover.contracts.ArtifactHashes.PACKAGE_STAT, rb.expectedPackageStatSha256);
        }
        return m;
    }

    public static LeaseTarget target(Rollback rb) {
        return rb.target == null ? null : Json.read(rb.target, LeaseTarget.class);
    }
}
