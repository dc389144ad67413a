package com.maclogin.cutover.rollback.service;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.rollback.Rollback;
import com.maclogin.cutover.rollback.RollbackAudit;
import com.maclogin.cutover.rollback.RollbackState;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** What operators see of a rollback. The lease's host key and address are not shown. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RollbackView(String cutoverId, String leaseId, Region region, long epoch, RollbackState state,
                           String requestedBy, String reason, String ticketId, String rollbackOwner,
                           String previousVersion, String candidateVersion, StepKind currentStep, String currentCommandId,
                           String currentIdempotencyKey, Instant commandDeadline, int attempt, int restoreAttempts,
                           Hashes expected, Hashes found, String foundGatewayVersion, String failureReason,
                           Instant requestedAt, Instant updatedAt, Instant finishedAt, Instant matrixGreenAt,
                           Integer matrixGreenRound, List<Entry> events) {

    /** {@code state}: the SNAPSHOT's state/config archive. */
    public record Hashes(String plist, String packageTree, String state) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(Instant at, String action, RollbackState fromState, RollbackState toState, StepKind stepKind,
                        Integer attempt, StepOutcome outcome, Long epoch, Hashes expected, Hashes found,
                        String expectedVersion, String foundVersion, String detail) {
    }

    public static RollbackView of(Rollback r, List<RollbackAudit> audit) {
        return new RollbackView(r.cutoverId, r.leaseId, r.region, r.epoch, r.state, r.requestedBy, r.reason, r.ticketId,
                r.rollbackOwner, r.previousVersion, r.candidateVersion, r.currentStep, r.currentCommandId,
                r.currentIdempotencyKey, r.commandDeadline, r.attempt, r.restoreAttempts,
                new Hashes(r.expectedPlistSha256, r.expectedPackageSha256, r.expectedStateSha256),
                new Hashes(r.foundPlistSha256, r.foundPackageSha256, r.foundStateSha256), r.foundGatewayVersion, r.failureReason,
                r.requestedAt, r.updatedAt, r.finishedAt, r.matrixGreenAt, r.matrixGreenRound,
                audit == null ? null : audit.stream().map(RollbackView::entry).toList());
    }

    private static Entry entry(RollbackAudit a) {
        return new Entry(a.at, a.action, a.fromState, a.toState, a.stepKind, a.attempt, a.outcome, a.epoch,
                new Hashes(a.expectedPlistSha256, a.expectedPackageSha256, a.expectedStateSha256),
                new Hashes(a.foundPlistSha256, a.foundPackageSha256, a.foundStateSha256), a.expectedVersion, a.foundVersion, a.detail);
    }
}
