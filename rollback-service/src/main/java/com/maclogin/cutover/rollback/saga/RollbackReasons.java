package com.maclogin.cutover.rollback.saga;

import com.maclogin.cutover.contracts.ArtifactHashes;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.TriggerKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Every sentence rollback-service writes to logs, stored status, audit and events, in one place. */
public final class RollbackReasons {

    /** Keys of {@code expectedSha256} in RollbackRequested and the RESTORE command ({@link ArtifactHashes}). */
    public static final String HASH_PLIST = ArtifactHashes.PLIST;
    public static final String HASH_PACKAGE = ArtifactHashes.PACKAGE;
    /** The SNAPSHOT's state/config archive ({@code state.tgz}). */
    public static final String HASH_STATE = ArtifactHashes.STATE;

    public static final String DUPLICATE_REQUEST = "duplicate rollback request for the same epoch ignored";
    public static final String STALE_REQUEST = "rollback request with an older epoch ignored";
    public static final String DUPLICATE_MESSAGE = "message already processed (inbox)";
    public static final String NO_ROLLBACK = "no rollback recorded for this cutover";
    public static final String ALREADY_FINISHED = "rollback already finished";
    public static final String UNEXPECTED_KIND = "result of a step this service did not send";
    public static final String DEADLINE_PASSED = "no result before the command deadline";

    public static final String BREACH_DURING_RESTORE =
            "breach at the rollback's epoch while no verification was running: recorded, nothing changed";
    public static final String BREACH_AFTER_FINISH = "breach of the verification after the rollback finished: recorded";

    private RollbackReasons() {
    }

    /** {@code requestedBy} of a rollback started by a breached trigger: {@code trigger:CRASH_LOOP}. */
    public static String requestedByTrigger(TriggerKind trigger) {
        return "trigger:" + trigger;
    }

    /** The breach in words with its numbers: {@code CRASH_LOOP: 3 crashes in 41 s (...) (threshold 3 crashes within 300 s)}. */
    public static String breach(ThresholdBreached b) {
        return b.trigger() + ": " + orUnknown(b.observed()) + " (threshold " + orUnknown(b.threshold()) + ")";
    }

    /** The breach's numbers by name, sorted, for the audit trail: {@code numbers {crashes=3, windowSeconds=41}}. */
    public static String numbers(Map<String, String> numbers) {
        return numbers == null || numbers.isEmpty() ? "no numbers" : "numbers " + new TreeMap<>(numbers);
    }

    /** A PAUSE or OBSERVE breach: recorded, no rollback. */
    public static String breachRecordedOnly(ThresholdBreached b) {
        return "breach with action " + b.action() + " recorded, no rollback: " + breach(b) + "; " + numbers(b.numbers());
    }

    /** A breach raised by the verification window on the restored version: the rollback failed. */
    public static String verificationBreached(String previousVersion, ThresholdBreached b) {
        return "verification of the restored " + orUnknown(previousVersion) + " breached " + breach(b);
    }

    public static String rolledBack(String previousVersion) {
        return "restored " + previousVersion + ", hashes verified, health green";
    }

    public static String matrixGreen(int round, Instant at, Instant requestedAt) {
        return "matrix green: every layer PASSED in verification round " + round + " at " + at
                + (requestedAt == null ? "" : " (" + Duration.between(requestedAt, at).toMillis()
                        + " ms after the request)");
    }

    public static String invalidRequest(String problem) {
        return "rollback request is not usable: " + problem;
    }

    public static String hashMismatch(String artifact, String expected, String found) {
        return artifact + " hash mismatch after restore: expected " + expected + ", found " + found;
    }

    public static String factMissing(String fact) {
        return "worker reported no " + fact + " after restore";
    }

    public static String versionMismatch(String expected, String found) {
        return "gateway runs " + found + " after restore, expected " + expected;
    }

    public static String validatedWrongVersion(String expected, String found) {
        return "health window passed on " + found + ", expected the previous version " + expected;
    }

    public static String refused(StepKind kind, String workerReason) {
        return kind + " refused by the worker: " + orUnknown(workerReason);
    }

    public static String attemptsExhausted(StepOutcome outcome, int attempts, String workerReason) {
        return "RESTORE " + outcome + " after " + attempts + " attempt(s): " + orUnknown(workerReason);
    }

    public static String validateFailed(StepOutcome outcome, String workerReason) {
        return "health check of the restored version " + outcome + ": " + orUnknown(workerReason);
    }

    public static String staleEpoch(long resultEpoch, long rollbackEpoch) {
        return "result for epoch " + resultEpoch + " ignored, rollback is at epoch " + rollbackEpoch;
    }

    /** A result of an epoch above the rollback's: no command of the rollback carried it (forged). */
    public static String futureEpoch(long resultEpoch, long rollbackEpoch) {
        return "result for future epoch " + resultEpoch + " refused, rollback is at epoch " + rollbackEpoch;
    }

    /** A breach or request for a cutover the orchestrator never armed: nothing to compare it with, ignored. */
    public static String noRecord(String cutoverId) {
        return "no record of cutover " + cutoverId + " (never armed by the orchestrator): ignored";
    }

    /** A breach or request whose field contradicts rollback-service's record of the cutover: ignored. */
    public static String contradicts(String field, Object got, Object recorded) {
        return field + " " + got + " contradicts the record (" + recorded + "): ignored";
    }

    /** A breach or request of an epoch above the cutover's as rollback-service knows it: ignored. */
    public static String futureEpochRefused(long got, long known) {
        return "future epoch " + got + " > " + known + " (the cutover's epoch as armed): ignored";
    }

    public static String keyMismatch(String resultKey, String expectedKey) {
        return "result for " + resultKey + " ignored, waiting for " + expectedKey;
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "no reason given" : s;
    }
}
