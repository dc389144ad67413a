package com.maclogin.cutover.rollback.saga;

import com.maclogin.cutover.contracts.ArtifactHashes;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_PACKAGE;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_PLIST;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_STATE;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.rollback.RollbackState;
import java.time.Instant;
import java.util.Map;

/**
 * One cutover's rollback as the saga sees it: what to restore (copied from the request that started the epoch),
 * what the worker found, the command waited for, and where the rollback stands. {@link RollbackSaga#decide} reads
 * one and answers with the next ({@link RollbackEffect.SetState}); the engine maps it onto the
 * {@code rollback} row and back. A value: every change makes a new one.
 *
 * @param attempt         attempt number of the outstanding command's idempotency key; grows across epochs
 * @param restoreAttempts RESTORE attempts made in the current epoch
 */
public record RollbackSnapshot(String cutoverId, String leaseId, long epoch, RollbackState state, Request request,
                               Found found, Outstanding outstanding, int attempt, int restoreAttempts,
                               String failureReason, Instant updatedAt, Instant finishedAt, Instant matrixGreenAt,
                               Integer matrixGreenRound) {

    /** What to restore and why: the RollbackRequested (or the breach standing for one) that started this epoch. */
    public record Request(String messageId, String requestedBy, String reason, String ticketId, String rollbackOwner,
                          LeaseTarget target, String previousVersion, String candidateVersion, Hashes expected,
                          Instant requestedAt) {

        public Region region() {
            return target == null ? null : target.region();
        }
    }

    /** The three artifact hashes: gateway plist, package tree, the SNAPSHOT's state/config archive. */
    public record Hashes(String plist, String packageTree, String state, String packageStat) {

        public static final Hashes NONE = new Hashes(null, null, null);

        /** Without the package tree's stat listing hash (optional; only expected hashes carry it). */
        public Hashes(String plist, String packageTree, String state) {
            this(plist, packageTree, state, null);
        }

        /**
         * From {@code expectedSha256} ({@code plist}, {@code package}, {@code state}, optional
         * {@code packageStat}); absent keys are null.
         */
        public static Hashes of(Map<String, String> byName) {
            Map<String, String> m = byName == null ? Map.of() : byName;
            return new Hashes(m.get(HASH_PLIST), m.get(HASH_PACKAGE), m.get(HASH_STATE),
                    m.get(ArtifactHashes.PACKAGE_STAT));
        }
    }

    /** What the worker reported after (or while failing) the restore: the three hashes and the running version. */
    public record Found(Hashes hashes, String version) {

        public static final Found NONE = new Found(Hashes.NONE, null);
    }

    /** The command the rollback waits for (kept after a finish, except its deadline). */
    public record Outstanding(StepKind step, String commandId, String idempotencyKey, Instant deadline) {

        public static final Outstanding NONE = new Outstanding(null, null, null, null);
    }

    /**
     * The state a request starts: the request's content, nothing found yet, RESTORING, a new attempt number (never a
     * reused idempotency key, not even across epochs) and the first RESTORE attempt of the epoch. A superseded
     * rollback's outstanding command stays until the new RESTORE replaces it.
     *
     * @param previous the rollback this request supersedes, or null when it starts the first one
     */
    public static RollbackSnapshot started(RollbackSnapshot previous, RollbackRequested req, Instant at) {
        Request request = new Request(req.messageId(), req.requestedBy(), req.reason(), req.ticketId(),
                req.rollbackOwner(), req.target(), req.previousVersion(), req.candidateVersion(),
                Hashes.of(req.expectedSha256()), req.timestamp() == null ? at : req.timestamp());
        return new RollbackSnapshot(req.cutoverId(), req.leaseId(), req.epoch(), RollbackState.RESTORING, request,
                Found.NONE, previous == null ? Outstanding.NONE : previous.outstanding(),
                (previous == null ? 0 : previous.attempt()) + 1, 1, null, at, null, null, null);
    }

    public String previousVersion() {
        return request.previousVersion();
    }

    public boolean terminal() {
        return state.terminal();
    }

    public RollbackSnapshot withFound(Found f) {
        return new RollbackSnapshot(cutoverId, leaseId, epoch, state, request, f, outstanding, attempt, restoreAttempts,
                failureReason, updatedAt, finishedAt, matrixGreenAt, matrixGreenRound);
    }

    public RollbackSnapshot withMatrixGreen(Instant at, Integer round) {
        return new RollbackSnapshot(cutoverId, leaseId, epoch, state, request, found, outstanding, attempt,
                restoreAttempts, failureReason, updatedAt, finishedAt, at, round);
    }

    public RollbackSnapshot updated(Instant at) {
        return new RollbackSnapshot(cutoverId, leaseId, epoch, state, request, found, outstanding, attempt,
                restoreAttempts, failureReason, at, finishedAt, matrixGreenAt, matrixGreenRound);
    }

    /** Restore verified: the health window runs next. */
    public RollbackSnapshot validating() {
        return new RollbackSnapshot(cutoverId, leaseId, epoch, RollbackState.VALIDATING, request, found, outstanding,
                attempt, restoreAttempts, failureReason, updatedAt, finishedAt, matrixGreenAt, matrixGreenRound);
    }

    /** RESTORE is sent again: a new attempt number (a new idempotency key) and one more attempt in this epoch. */
    public RollbackSnapshot retried() {
        return new RollbackSnapshot(cutoverId, leaseId, epoch, state, request, found, outstanding, attempt + 1,
                restoreAttempts + 1, failureReason, updatedAt, finishedAt, matrixGreenAt, matrixGreenRound);
    }

    public RollbackSnapshot rolledBack(Instant at) {
        return new RollbackSnapshot(cutoverId, leaseId, epoch, RollbackState.ROLLED_BACK, request, found,
                withoutDeadline(), attempt, restoreAttempts, failureReason, updatedAt, at, matrixGreenAt,
                matrixGreenRound);
    }

    public RollbackSnapshot failed(String reason, Instant at) {
        return new RollbackSnapshot(cutoverId, leaseId, epoch, RollbackState.ROLLBACK_FAILED, request, found,
                withoutDeadline(), attempt, restoreAttempts, reason, at, at, matrixGreenAt, matrixGreenRound);
    }

    private Outstanding withoutDeadline() {
        return new Outstanding(outstanding.step(), outstanding.commandId(), outstanding.idempotencyKey(), null);
    }
}
