package com.maclogin.cutover.rollback.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.rollback.RollbackState;
import com.maclogin.cutover.rollback.saga.RollbackRules.Action;
import com.maclogin.cutover.rollback.saga.RollbackRules.RequestDecision;
import com.maclogin.cutover.rollback.saga.RollbackRules.Verification;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RollbackRulesTest {

    static final String PLIST = "a".repeat(64);
    static final String PKG = "b".repeat(64);
    static final String OTHER = "c".repeat(64);
    static final String STATE = "d".repeat(64);

    @ParameterizedTest(name = "recorded epoch {0}, request epoch {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "null, 1, START",
            "1,    1, DUPLICATE",
            "2,    1, STALE",
            "1,    2, SUPERSEDE",
            "3,    9, SUPERSEDE"})
    void requestDecisionDependsOnlyOnTheEpochs(Long recorded, long requested, RequestDecision expected) {
        assertThat(RollbackRules.onRequest(recorded, requested)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "plist={0} package={1} version={2} -> verified={3}")
    @CsvSource(nullValues = "null", value = {
            // plist fact, package fact, state archive fact, gatewayVersion fact, verified, reason must contain
            "aaaa, bbbb, dddd, 2026.7.1, true,  null",
            "aaaa, bbbb, dddd, null,     true,  null",
            "AAAA, bbbb, dddd, 2026.7.1, true,  null",
            "cccc, bbbb, dddd, 2026.7.1, false, 'plist hash mismatch after restore: expected aaaa, found cccc'",
            "aaaa, cccc, dddd, 2026.7.1, false, 'package hash mismatch after restore: expected bbbb, found cccc'",
            "aaaa, bbbb, cccc, 2026.7.1, false, 'state hash mismatch after restore: expected dddd, found cccc'",
            "null, bbbb, dddd, 2026.7.1, false, 'worker reported no plistSha256After'",
            "aaaa, null, dddd, 2026.7.1, false, 'worker reported no packageSha256After'",
            "aaaa, bbbb, null, 2026.7.1, false, 'worker reported no stateArchiveSha256'",
            "aaaa, bbbb, dddd, 2026.9.6, false, 'gateway runs 2026.9.6 after restore, expected 2026.7.1'"})
    void restoreIsVerifiedAgainstTheGateAndSnapshotHashesAndThePreviousVersion(String plist, String pkg, String state,
                                                                   String version, boolean verified, String reasonPart) {
        Map<String, String> facts = new HashMap<>();
        put(facts, "plistSha256After", expand(plist));
        put(facts, "packageSha256After", expand(pkg));
        put(facts, "stateArchiveSha256", expand(state));
        put(facts, "runningVersion", version);

        Verification v = RollbackRules.verifyRestore(PLIST, PKG, STATE, "2026.7.1", restore(facts));

        assertThat(v.verified()).isEqualTo(verified);
        if (reasonPart == null) {
            assertThat(v.reason()).isNull();
        } else {
            assertThat(v.reason()).contains(expandAll(reasonPart));
        }
        assertThat(v.foundPlistSha256()).isEqualTo(expand(plist));
        assertThat(v.foundPackageSha256()).isEqualTo(expand(pkg));
        assertThat(v.foundStateSha256()).isEqualTo(expand(state));
    }

    @ParameterizedTest(name = "expected state {0}, reported {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "dddd, cccc, 'state hash mismatch after restore: expected dddd, found cccc'",
            "dddd, dddd, null",
            "dddd, null, null"})
    void aFailedRestoreReportingAnotherStateArchiveHashIsATamperedKit(String expected, String found, String reason) {
        Map<String, String> facts = new HashMap<>();
        put(facts, "stateArchiveSha256", expand(found));
        String r = RollbackRules.stateArchiveMismatch(expand(expected), restore(facts));
        assertThat(r).isEqualTo(reason == null ? null : expandAll(reason));
    }

    @Test
    void bothMismatchingHashesAreNamedInOneReason() {
        Verification v = RollbackRules.verifyRestore(PLIST, PKG, STATE, "2026.7.1",
                new StepReport.Restore(STATE, null, OTHER, null, OTHER, null, null, null));
        assertThat(v.verified()).isFalse();
        assertThat(v.reason()).contains("expected " + PLIST + ", found " + OTHER)
                .contains("expected " + PKG + ", found " + OTHER);
    }

    @Test
    void inventoryStyleFactNamesAreReadWhenTheAfterNamesAreAbsent() {
        Verification v = RollbackRules.verifyRestore(PLIST, PKG, STATE, "2026.7.1",
                restore(Map.of("plistSha256", PLIST, "packageSha256", PKG, "stateArchiveSha256", STATE,
                        "gatewayVersion", "2026.9.6")));
        assertThat(v.verified()).isFalse();
        assertThat(v.foundPlistSha256()).isEqualTo(PLIST);
        assertThat(v.foundVersion()).isEqualTo("2026.9.6");
        assertThat(v.reason()).isEqualTo("gateway runs 2026.9.6 after restore, expected 2026.7.1");
    }

    @Test
    void afterHashesWinOverBeforeAndInventoryStyleNames() {
        Verification v = RollbackRules.verifyRestore(PLIST, PKG, STATE, "2026.7.1", restore(Map.of(
                "plistSha256Before", OTHER, "plistSha256After", PLIST, "plistSha256", OTHER,
                "packageSha256Before", OTHER, "packageSha256After", PKG, "stateArchiveSha256", STATE,
                "runningVersion", "2026.7.1")));
        assertThat(v.verified()).isTrue();
    }

    @ParameterizedTest(name = "VALIDATE succeeded on {0} -> {1}")
    @CsvSource(nullValues = "null", value = {
            "2026.7.1, ROLLED_BACK",
            "null,     ROLLED_BACK",
            "2026.9.6, ROLLBACK_FAILED"})
    void healthWindowMustHaveRunOnThePreviousVersion(String validated, Action expected) {
        RollbackRules.Decision d = RollbackRules.onResult(StepKind.VALIDATE, StepOutcome.SUCCEEDED, null, 1, 2, null,
                "2026.7.1", validated);
        assertThat(d.action()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} after {2}/2 restore attempts, verified={3} -> {4}")
    @CsvSource({
            "RESTORE,  SUCCEEDED, 1, true,  SEND_VALIDATE,   VALIDATING",
            "RESTORE,  SUCCEEDED, 1, false, ROLLBACK_FAILED, ROLLBACK_FAILED",
            "RESTORE,  FAILED,    1, true,  RETRY_RESTORE,   RESTORING",
            "RESTORE,  TIMED_OUT, 1, true,  RETRY_RESTORE,   RESTORING",
            "RESTORE,  FAILED,    2, true,  ROLLBACK_FAILED, ROLLBACK_FAILED",
            "RESTORE,  TIMED_OUT, 2, true,  ROLLBACK_FAILED, ROLLBACK_FAILED",
            "RESTORE,  REFUSED,   1, true,  ROLLBACK_FAILED, ROLLBACK_FAILED",
            "VALIDATE, SUCCEEDED, 1, true,  ROLLED_BACK,     ROLLED_BACK",
            "VALIDATE, FAILED,    1, true,  ROLLBACK_FAILED, ROLLBACK_FAILED",
            "VALIDATE, TIMED_OUT, 1, true,  ROLLBACK_FAILED, ROLLBACK_FAILED",
            "VALIDATE, REFUSED,   1, true,  ROLLBACK_FAILED, ROLLBACK_FAILED",
            "FREEZE,   SUCCEEDED, 1, true,  ROLLBACK_FAILED, ROLLBACK_FAILED"})
    void transitions(StepKind kind, StepOutcome outcome, int attempts, boolean verified, Action action,
                     RollbackState next) {
        Verification v = new Verification(verified, verified ? null : "plist hash mismatch", PLIST, PKG, STATE, null);
        RollbackRules.Decision d = RollbackRules.onResult(kind, outcome, "worker says no", attempts, 2, v, "2026.7.1",
                null);
        assertThat(d.action()).isEqualTo(action);
        assertThat(d.nextState()).isEqualTo(next);
    }

    @Test
    void refusalReasonCarriesTheWorkersReason() {
        RollbackRules.Decision d = RollbackRules.onResult(StepKind.RESTORE, StepOutcome.REFUSED,
                "host key mismatch", 1, 2, null, "2026.7.1", null);
        assertThat(d.reason()).isEqualTo("RESTORE refused by the worker: host key mismatch");
    }

    @Test
    void rolledBackReasonNamesThePreviousVersion() {
        RollbackRules.Decision d = RollbackRules.onResult(StepKind.VALIDATE, StepOutcome.SUCCEEDED, null, 1, 2, null,
                "2026.7.1", "2026.7.1");
        assertThat(d.reason()).isEqualTo("restored 2026.7.1, hashes verified, health green");
    }

    @ParameterizedTest(name = "rollback epoch {0} key {1}, result epoch {2} key {3} -> ignored={4}")
    @CsvSource(nullValues = "null", value = {
            "2, c1:RESTORE:1, 2, c1:RESTORE:1, false",
            "2, c1:RESTORE:1, 1, c1:RESTORE:1, true",
            "2, c1:RESTORE:2, 2, c1:RESTORE:1, true",
            "2, c1:VALIDATE:1, 2, c1:RESTORE:1, true",
            "2, null,         2, c1:RESTORE:1, true"})
    void resultsOfOtherEpochsOrKeysAreIgnored(long epoch, String key, long resultEpoch, String resultKey,
                                              boolean ignored) {
        assertThat(RollbackRules.mismatch(epoch, key, resultEpoch, resultKey) != null).isEqualTo(ignored);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "no target,                 notarget, 2026.7.1, ok,   'target with region is required'",
            "bad previous version,      ok,       latest,   ok,   'previous version'",
            "missing package hash,      ok,       2026.7.1, nopkg, 'expected package sha256 is required'",
            "missing state hash,        ok,       2026.7.1, nostate, 'expected state sha256 is required'",
            "non-hex plist hash,        ok,       2026.7.1, badplist, 'expected plist sha256'"})
    void unusableRequestsAreNamed(String name, String target, String previous, String hashes, String problem) {
        LeaseTarget t = "notarget".equals(target) ? null
                : new LeaseTarget(Region.HK, "127.0.0.1", 2201, "gw", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA", 18789);
        Map<String, String> h = switch (hashes) {
            case "nopkg" -> Map.of("plist", PLIST, "state", STATE);
            case "nostate" -> Map.of("plist", PLIST, "package", PKG);
            case "badplist" -> Map.of("plist", "not-a-hash", "package", PKG, "state", STATE);
            default -> Map.of("plist", PLIST, "package", PKG, "state", STATE);
        };
        RollbackRequested r = new RollbackRequested("m", "c", "lease-1", Instant.now(), 1, 2, "op", "why", t, "CHG-1",
                previous, "2026.9.6", "alice", h);
        assertThat(RollbackRules.requestProblem(r)).contains(problem);
    }

    @Test
    void completeRequestHasNoProblem() {
        RollbackRequested r = new RollbackRequested("m", "c", "lease-1", Instant.now(), 1, 2, "op", "why",
                new LeaseTarget(Region.HK, "127.0.0.1", 2201, "gw", "ssh-ed25519 AAAA", 18789), "CHG-1", "2026.7.1",
                "2026.9.6", "alice", Map.of("plist", PLIST, "package", PKG, "state", STATE));
        assertThat(RollbackRules.requestProblem(r)).isNull();
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** "aaaa" in the tables stands for 64 a's, and so on. */
    private static String expand(String s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "aaaa" -> PLIST;
            case "AAAA" -> PLIST.toUpperCase();
            case "bbbb" -> PKG;
            case "cccc" -> OTHER;
            case "dddd" -> STATE;
            default -> s;
        };
    }

    private static String expandAll(String s) {
        return s.replace("aaaa", PLIST).replace("bbbb", PKG).replace("cccc", OTHER).replace("dddd", STATE);
    }

    @Test
    void theMatrixGreenFactsAreReadOnlyWhenTheyAreWellFormed() {
        assertThat(RollbackRules.matrixGreen(validate(Map.of("firstGreenAt", "2026-11-25T14:30:01.250Z",
                "firstGreenRound", "3"))))
                .isEqualTo(new RollbackRules.MatrixGreen(java.time.Instant.parse("2026-11-25T14:30:01.250Z"), 3));
        assertThat(RollbackRules.matrixGreen(validate(Map.of("firstGreenAt", "2026-11-25T14:30:01.250Z"))))
                .isEqualTo(new RollbackRules.MatrixGreen(java.time.Instant.parse("2026-11-25T14:30:01.250Z"), 0));
        assertThat(RollbackRules.matrixGreen(validate(Map.of("runningVersion", "2026.9.5")))).isNull();
        assertThat(RollbackRules.matrixGreen(validate(Map.of("firstGreenAt", "yesterday", "firstGreenRound", "3"))))
                .isNull();
        assertThat(RollbackRules.matrixGreen(validate(Map.of("firstGreenAt", "2026-11-25T14:30:01.250Z",
                "firstGreenRound", "third")))).isNull();
        assertThat(RollbackRules.matrixGreen(null)).isNull();
        // a RESTORE report never says when a verification went green
        assertThat(RollbackRules.matrixGreen(restore(Map.of("runningVersion", "2026.9.5")))).isNull();
    }

    @Test
    void theFoundValuesAreReadFromTheReportOfTheirStepOnly() {
        StepReport.Restore restored = new StepReport.Restore(STATE, OTHER, PLIST, OTHER, PKG, false, "2026.7.1", true);
        assertThat(RollbackRules.foundPlist(restored)).isEqualTo(PLIST);
        assertThat(RollbackRules.foundPackage(restored)).isEqualTo(PKG);
        assertThat(RollbackRules.foundState(restored)).isEqualTo(STATE);
        assertThat(RollbackRules.foundVersion(restored)).isEqualTo("2026.7.1");
        StepReport.Validate validated = new StepReport.Validate("2026.7.1", null, null, null);
        assertThat(RollbackRules.foundVersion(validated)).isEqualTo("2026.7.1");
        assertThat(RollbackRules.foundPlist(validated)).isNull();
        assertThat(RollbackRules.foundState(null)).isNull();
        assertThat(RollbackRules.verifyRestore(PLIST, PKG, STATE, "2026.7.1", null).reason())
                .contains("worker reported no plistSha256After");
    }

    /** The RESTORE report a worker fills from these facts. */
    private static StepReport restore(Map<String, String> facts) {
        return StepReport.fromFacts(StepKind.RESTORE, facts);
    }

    private static StepReport validate(Map<String, String> facts) {
        return StepReport.fromFacts(StepKind.VALIDATE, facts);
    }
}
