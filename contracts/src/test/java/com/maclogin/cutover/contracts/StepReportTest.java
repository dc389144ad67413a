package com.maclogin.cutover.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class StepReportTest {

    static final String A = "a".repeat(64);
    static final String B = "b".repeat(64);
    static final String C = "c".repeat(64);

    @Test
    void anInventoryReportTypesTheFactsTheGatesRead() {
        Map<String, String> facts = new HashMap<>();
        facts.put(StepFacts.PLIST_SHA256, A);
        facts.put(StepFacts.PACKAGE_SHA256, B);
        facts.put(StepFacts.GATEWAY_VERSION, "2026.9.5");
        facts.put(StepFacts.LOGIN_NODE_VERSION, "v22.11.0");
        facts.put(StepFacts.PLIST_NODE_VERSION, "v22.9.0");
        facts.put(StepFacts.ENGINES_NODE, ">=22");
        facts.put(StepFacts.GATEWAY_PORT, "18789");
        facts.put(StepFacts.GATEWAY_PID, "4242");
        facts.put(StepFacts.LISTENING_PID, "4242");
        facts.put(StepFacts.DISK_FREE_PERCENT, "37");
        facts.put(StepFacts.BASELINE_P95_MILLIS, "12");
        facts.put(StepFacts.CLI_PATH, "/Users/u/.npm-global/bin/openclaw");
        facts.put(StepFacts.CLI_VERSION, "2026.9.5");
        facts.put("uid", "501"); // evidence only

        assertThat(StepReport.fromFacts(StepKind.INVENTORY, facts)).isEqualTo(new StepReport.Inventory(A, B,
                "2026.9.5", "v22.11.0", "v22.9.0", ">=22", 18789, 4242L, List.of(4242L), 37.0, 12.0,
                "/Users/u/.npm-global/bin/openclaw", "2026.9.5"));
        // a worker that predates the CLI facts: the report says nothing about the CLI
        facts.remove(StepFacts.CLI_PATH);
        facts.remove(StepFacts.CLI_VERSION);
        assertThat(StepReport.fromFacts(StepKind.INVENTORY, facts)).isEqualTo(new StepReport.Inventory(A, B,
                "2026.9.5", "v22.11.0", "v22.9.0", ">=22", 18789, 4242L, List.of(4242L), 37.0, 12.0));
    }

    @Test
    void unreadableNumbersAreAbsentInTheReportAndStayInTheFacts() {
        StepReport.Inventory r = StepReport.Inventory.fromFacts(Map.of(StepFacts.GATEWAY_PORT, "eighteen",
                StepFacts.DISK_FREE_PERCENT, "12%", StepFacts.GATEWAY_PID, " ", StepFacts.PLIST_SHA256, " " + A + "\n"));
        assertThat(r.gatewayPort()).isNull();
        assertThat(r.diskFreePercent()).isEqualTo(12.0);
        assertThat(r.gatewayPid()).isNull();
        assertThat(StepReport.Inventory.fromFacts(Map.of(StepFacts.LISTENING_PID, "4242, 4343")).listeningPids())
                .containsExactly(4242L, 4343L);
        assertThat(StepReport.Inventory.fromFacts(Map.of(StepFacts.LISTENING_PID, "4242,?")).listeningPids()).isNull();
        assertThat(r.plistSha256()).isEqualTo(A);
    }

    @Test
    void snapshotAndInstallReportsCarryTheHashChainAndTheCandidatesEngines() {
        assertThat(StepReport.fromFacts(StepKind.SNAPSHOT, Map.of(StepFacts.STATE_ARCHIVE_SHA256, C,
                StepFacts.PACKAGE_ARCHIVE_SHA256, B, StepFacts.PLIST_BACKUP_SHA256, A, "kitPath", "/k")))
                .isEqualTo(new StepReport.Snapshot(C, B, A));
        assertThat(StepReport.fromFacts(StepKind.INSTALL_CANDIDATE, Map.of(StepFacts.CANDIDATE_PACKAGE_ROOT, "/v",
                StepFacts.CANDIDATE_ENGINES_NODE, ">=22.12")))
                .isEqualTo(new StepReport.InstallCandidate("/v", null, ">=22.12", null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "null", value = {
            // case, plistSha256After, plistSha256, runningVersion, gatewayVersion -> found plist, found version
            "after names,              aaaa, cccc, 2026.9.5, 2026.9.6, aaaa, 2026.9.5",
            "older inventory names,    null, aaaa, null,     2026.9.6, aaaa, 2026.9.6",
            "blank after name,         '  ', aaaa, null,     null,     aaaa, null",
            "nothing,                  null, null, null,     null,     null, null"})
    void aRestoreReportReadsTheAfterNamesElseTheOlderInventoryNames(String name, String after, String inventory,
            String running, String gateway, String plist, String version) {
        Map<String, String> facts = new HashMap<>();
        put(facts, StepFacts.PLIST_SHA256_AFTER, after);
        put(facts, StepFacts.PLIST_SHA256, inventory);
        put(facts, StepFacts.RUNNING_VERSION, running);
        put(facts, StepFacts.GATEWAY_VERSION, gateway);
        facts.put("restoreCheckMillis", "5");

        StepReport.Restore r = (StepReport.Restore) StepReport.fromFacts(StepKind.RESTORE, facts);

        assertThat(r.plistSha256After()).isEqualTo(expand(plist));
        assertThat(r.runningVersion()).isEqualTo(version);
    }

    @ParameterizedTest(name = "firstGreenAt {0}, round {1} -> {2} / {3}")
    @CsvSource(nullValues = "null", value = {
            "2026-11-25T14:30:01.250Z, 3,    2026-11-25T14:30:01.250Z, 3",
            "2026-11-25T14:30:01.250Z, null, 2026-11-25T14:30:01.250Z, null",
            "2026-11-25T14:30:01.250Z, x3,   null,                     null",
            "yesterday,                3,    null,                     null",
            "null,                     3,    null,                     null"})
    void aValidateReportHasTheGreenRoundOnlyWhenItIsWellFormed(String at, String round, Instant expectedAt,
            Integer expectedRound) {
        Map<String, String> facts = new HashMap<>();
        put(facts, StepFacts.FIRST_GREEN_AT, at);
        put(facts, StepFacts.FIRST_GREEN_ROUND, round);
        facts.put(StepFacts.RUNNING_VERSION, "2026.9.5");

        StepReport.Validate r = StepReport.Validate.fromFacts(facts);

        assertThat(r.firstGreenAt()).isEqualTo(expectedAt);
        assertThat(r.firstGreenRound()).isEqualTo(expectedRound);
        assertThat(r.runningVersion()).isEqualTo("2026.9.5");
    }

    @ParameterizedTest
    @EnumSource(value = StepKind.class, names = {"FREEZE", "PARALLEL_RUN", "FLIP_PLIST", "RELOAD", "UNFREEZE"})
    void stepsWhoseValuesNoOtherServiceReadsHaveNoReport(StepKind kind) {
        assertThat(StepReport.fromFacts(kind, Map.of("runningVersion", "1.2.3", "tag", "t"))).isNull();
    }

    @ParameterizedTest
    @EnumSource(StepKind.class)
    void aStepThatLearntNothingHasNoReport(StepKind kind) {
        assertThat(StepReport.fromFacts(kind, Map.of())).isNull();
        assertThat(StepReport.fromFacts(kind, null)).isNull();
    }

    @Test
    void ofPrefersTheReportAndLiftsTheFactsOfAResultWithoutOne() {
        StepReport.Snapshot sent = new StepReport.Snapshot(C, null, null);
        StepResult withReport = StepResult.builder().kind(StepKind.SNAPSHOT)
                .facts(Map.of(StepFacts.STATE_ARCHIVE_SHA256, A)).report(sent).build();
        StepResult older = withReport.toBuilder().report(null).build();

        assertThat(StepReport.of(withReport)).isSameAs(sent);
        assertThat(StepReport.of(older)).isEqualTo(new StepReport.Snapshot(A, null, null));
        assertThat(StepReport.of(null)).isNull();
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, expand(v));
        }
    }

    private static String expand(String s) {
        if (s == null) {
            return null;
        }
        return s.replace("aaaa", A).replace("cccc", C);
    }
}
