package com.maclogin.cutover.rollback.service;

import static com.maclogin.cutover.rollback.service.RollbackReasons.HASH_PACKAGE;
import static com.maclogin.cutover.rollback.service.RollbackReasons.HASH_PLIST;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepParameters;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.rollback.Rollback;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds the messages rollback-service sends, from the rollback row alone (it works while the orchestrator is down). */
public final class RollbackMessages {

    private RollbackMessages() {
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
                intervalMillis);
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
        return Map.of(HASH_PLIST, rb.expectedPlistSha256, HASH_PACKAGE, rb.expectedPackageSha256);
    }

    public static LeaseTarget target(Rollback rb) {
        return rb.target == null ? null : Json.read(rb.target, LeaseTarget.class);
    }
}
