package com.maclogin.cutover.rollback.saga;

import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_PACKAGE;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_PLIST;
import static com.maclogin.cutover.rollback.saga.RollbackReasons.HASH_STATE;

import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.rollback.RollbackState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The pure checks {@link RollbackSaga} is built from: no database, no Kafka, no clock. Tested as tables. */
public final class RollbackRules {

    private RollbackRules() {
    }

    /** What to do with a RollbackRequested given the epoch already recorded for its cutover (null: none). */
    public enum RequestDecision { START, DUPLICATE, STALE, SUPERSEDE }

    public static RequestDecision onRequest(Long recordedEpoch, long requestEpoch) {
        if (recordedEpoch == null) {
            return RequestDecision.START;
        }
        if (requestEpoch == recordedEpoch) {
            return RequestDecision.DUPLICATE;
        }
        return requestEpoch > recordedEpoch ? RequestDecision.SUPERSEDE : RequestDecision.STALE;
    }

    /** Why a request cannot drive a verified restore, or null when it can. */
    public static String requestProblem(RollbackRequested r) {
        List<String> problems = new ArrayList<>();
        if (r.target() == null || r.target().region() == null) {
            problems.add("target with region is required");
        }
        String v = Validation.version(r.previousVersion());
        if (v != null) {
            problems.add("previous " + v);
        }
        Map<String, String> hashes = r.expectedSha256() == null ? Map.of() : r.expectedSha256();
        for (String key : List.of(HASH_PLIST, HASH_PACKAGE, HASH_STATE)) {
            String h = Validation.sha256(hashes.get(key));
            if (h != null) {
                problems.add("expected " + key + " " + h);
            }
        }
        String stat = hashes.get(com.maclogin.cutover.contracts.ArtifactHashes.PACKAGE_STAT);
        String statProblem = stat == null ? null : Validation.sha256(stat);
        if (statProblem != null) {
            problems.add("expected packageStat " + statProblem);
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** What the RESTORE result says about the restored files and the running version. */
    public record Verification(boolean verified, String reason, String foundPlistSha256, String foundPackageSha256,
                               String foundStateSha256, String foundVersion) {
    }

    /**
     * Checks the report of a successful RESTORE: the plist and package hashes must be reported and equal the inventory
     * gate's, the state archive's hash must be reported and equal the SNAPSHOT's, and the running version, when
     * reported, must be the previous version. Every mismatch is named in the reason.
     */
    public static Verification verifyRestore(String expectedPlist, String expectedPackage, String expectedState,
                                             String previousVersion, StepReport report) {
        String plist = foundPlist(report);
        String pkg = foundPackage(report);
        String state = foundState(report);
        String version = foundVersion(report);
        List<String> problems = new ArrayList<>();
        checkHash(problems, HASH_PLIST, StepFacts.PLIST_SHA256_AFTER, expectedPlist, plist);
        checkHash(problems, HASH_PACKAGE, StepFacts.PACKAGE_SHA256_AFTER, expectedPackage, pkg);
        checkHash(problems, HASH_STATE, StepFacts.STATE_ARCHIVE_SHA256, expectedState, state);
        if (version != null && !version.equals(previousVersion)) {
            problems.add(RollbackReasons.versionMismatch(previousVersion, version));
        }
        return new Verification(problems.isEmpty(), problems.isEmpty() ? null : String.join("; ", problems),
                plist, pkg, state, version);
    }

    /** State archive hash as the worker found it before restoring (RESTORE report). */
    public static String foundState(StepReport report) {
        return report instanceof StepReport.Restore r ? r.stateArchiveSha256() : null;
    }

    /**
     * A failed RESTORE whose reported state archive hash differs from the expected one: the archive on the lease is
     * not the snapshot (retrying cannot help), so the rollback fails at once. Null when that is not the case.
     */
    public static String stateArchiveMismatch(String expectedState, StepReport report) {
        String found = foundState(report);
        if (found == null || expectedState == null || found.equalsIgnoreCase(expectedState)) {
            return null;
        }
        return RollbackReasons.hashMismatch(HASH_STATE, expectedState, found);
    }

    /** Plist hash after the restore (RESTORE report). */
    public static String foundPlist(StepReport report) {
        return report instanceof StepReport.Restore r ? r.plistSha256After() : null;
    }

    /** Package tree hash after the restore (RESTORE report). */
    public static String foundPackage(StepReport report) {
        return report instanceof StepReport.Restore r ? r.packageSha256After() : null;
    }

    /** Running version from {@code /startupz} (RESTORE or VALIDATE report). */
    public static String foundVersion(StepReport report) {
        if (report instanceof StepReport.Restore r) {
            return r.runningVersion();
        }
        return report instanceof StepReport.Validate v ? v.runningVersion() : null;
    }

    /** The verification's first all-green round as the worker reported it, or null (absent or unreadable). */
    public record MatrixGreen(Instant at, int round) {
    }

    public static MatrixGreen matrixGreen(StepReport report) {
        if (!(report instanceof StepReport.Validate v) || v.firstGreenAt() == null) {
            return null;
        }
        return new MatrixGreen(v.firstGreenAt(), v.firstGreenRound() == null ? 0 : v.firstGreenRound());
    }

    private static void checkHash(List<String> problems, String artifact, String fact, String expected, String found) {
        if (found == null || found.isBlank()) {
            problems.add(RollbackReasons.factMissing(fact));
        } else if (!found.trim().equalsIgnoreCase(expected)) {
            problems.add(RollbackReasons.hashMismatch(artifact, expected, found.trim()));
        }
    }

    /** Next move after a result that matches the outstanding command. */
    public enum Action {
        /** Restore verified: run the health window on the restored version. */
        SEND_VALIDATE,
        /** Restore failed or timed out and attempts remain: send RESTORE again with a new idempotency key. */
        RETRY_RESTORE,
        /** Health window passed: the rollback is done. */
        ROLLED_BACK,
        /** The lease needs a human. */
        ROLLBACK_FAILED
    }

    public record Decision(Action action, RollbackState nextState, String reason) {
    }

    /**
     * @param restoreAttempts RESTORE attempts made in this epoch, including the one answered
     * @param verification    result of {@link #verifyRestore} for a SUCCEEDED RESTORE, else ignored
     * @param validatedVersion running version reported by a VALIDATE result (null when not reported)
     */
    public static Decision onResult(StepKind kind, StepOutcome outcome, String workerReason, int restoreAttempts,
                                    int maxAttempts, Verification verification, String previousVersion,
                                    String validatedVersion) {
        if (outcome == StepOutcome.REFUSED) {
            return fail(RollbackReasons.refused(kind, workerReason));
        }
        if (kind == StepKind.RESTORE) {
            if (outcome == StepOutcome.SUCCEEDED) {
                return verification != null && verification.verified()
                        ? new Decision(Action.SEND_VALIDATE, RollbackState.VALIDATING, null)
                        : fail(verification == null ? RollbackReasons.factMissing(StepFacts.PLIST_SHA256) : verification.reason());
            }
            return restoreAttempts < maxAttempts
                    ? new Decision(Action.RETRY_RESTORE, RollbackState.RESTORING, RollbackReasons.attemptsExhausted(outcome, restoreAttempts, workerReason))
                    : fail(RollbackReasons.attemptsExhausted(outcome, restoreAttempts, workerReason));
        }
        if (kind == StepKind.VALIDATE) {
            if (outcome != StepOutcome.SUCCEEDED) {
                return fail(RollbackReasons.validateFailed(outcome, workerReason));
            }
            if (validatedVersion != null && !validatedVersion.equals(previousVersion)) {
                return fail(RollbackReasons.validatedWrongVersion(previousVersion, validatedVersion));
            }
            return new Decision(Action.ROLLED_BACK, RollbackState.ROLLED_BACK, RollbackReasons.rolledBack(previousVersion));
        }
        return fail(RollbackReasons.UNEXPECTED_KIND + ": " + kind);
    }

    private static Decision fail(String reason) {
        return new Decision(Action.ROLLBACK_FAILED, RollbackState.ROLLBACK_FAILED, reason);
    }

    /** Why a result does not answer the outstanding command (older epoch, other idempotency key), or null if it does. */
    public static String mismatch(long rollbackEpoch, String outstandingKey, long resultEpoch, String resultKey) {
        if (resultEpoch > rollbackEpoch) {
            return RollbackReasons.futureEpoch(resultEpoch, rollbackEpoch);
        }
        if (resultEpoch != rollbackEpoch) {
            return RollbackReasons.staleEpoch(resultEpoch, rollbackEpoch);
        }
        if (outstandingKey == null || !outstandingKey.equals(resultKey)) {
            return RollbackReasons.keyMismatch(resultKey, outstandingKey);
        }
        return null;
    }
}
