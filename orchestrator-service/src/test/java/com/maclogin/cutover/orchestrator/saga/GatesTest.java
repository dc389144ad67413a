package com.maclogin.cutover.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.orchestrator.api.Operator;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatesTest {

    static final String H1 = "a".repeat(64);
    static final String H2 = "0123456789abcdef".repeat(4);
    static final LocalDate WEDNESDAY = LocalDate.of(2026, 7, 15);
    static final List<Operator> ROSTER = List.of(new Operator("ada", "Asia/Hong_Kong", true),
            new Operator("grace", "America/New_York", false));

    static Map<String, String> healthy() {
        Map<String, String> f = new HashMap<>();
        f.put("loginNodeVersion", "v22.12.0");
        f.put("plistNodeVersion", "v22.3.1");
        f.put("enginesNode", ">=22");
        f.put("gatewayPort", "18789");
        f.put("gatewayPid", "4242");
        f.put("listeningPid", "4242");
        f.put("plistSha256", H1);
        f.put("packageSha256", H2);
        f.put("diskFreePercent", "42");
        f.put("gatewayVersion", "2026.9.5");
        f.put("uid", "501");
        f.put("gatewayUser", "openclaw");
        f.put("probeUser", "openclaw-probe");
        f.put("probeLaunchdRead", "OK");
        f.put("probeLaunchdState", "running");
        return f;
    }

    static Map<String, String> with(String k, String v) {
        Map<String, String> f = healthy();
        if (v == null) {
            f.remove(k);
        } else {
            f.put(k, v);
        }
        return f;
    }

    static Stream<Arguments> factTable() {
        return Stream.of(
                // gate, facts, registered port, expected verdict, reason fragment
                Arguments.of(Gates.NODE_MAJOR_LOCK, healthy(), 18789, true, "major 22"),
                Arguments.of(Gates.NODE_MAJOR_LOCK, with("plistNodeVersion", "v20.11.1"), 18789, false, "pins node major 20"),
                Arguments.of(Gates.NODE_MAJOR_LOCK, with("loginNodeVersion", "22.1.0"), 18789, true, "major 22"),
                Arguments.of(Gates.NODE_MAJOR_LOCK, with("loginNodeVersion", null), 18789, false, "unreadable"),
                Arguments.of(Gates.NODE_MAJOR_LOCK, with("loginNodeVersion", "command not found"), 18789, false, "unreadable"),
                Arguments.of(Gates.PORT_MAP, healthy(), 18789, true, "listens on port 18789"),
                Arguments.of(Gates.PORT_MAP, with("listeningPid", "999"), 18789, false, "held by pid 999"),
                Arguments.of(Gates.PORT_MAP, with("gatewayPid", null), 18789, false, "not by the gateway's pid"),
                Arguments.of(Gates.PORT_MAP, with("gatewayPort", "8080"), 18789, false, "outside 18000-19999"),
                Arguments.of(Gates.PORT_MAP, with("gatewayPort", "8080"), 8080, true, "listens on port 8080"),
                Arguments.of(Gates.PORT_MAP, with("gatewayPort", "19999"), 18789, true, "19999"),
                Arguments.of(Gates.PORT_MAP, with("gatewayPort", "20000"), 18789, false, "outside"),
                Arguments.of(Gates.PORT_MAP, with("gatewayPort", "x"), 18789, false, "unreadable"),
                Arguments.of(Gates.ARTIFACT_HASHES, healthy(), 18789, true, "recorded"),
                Arguments.of(Gates.ARTIFACT_HASHES, with("plistSha256", null), 18789, false, "plistSha256"),
                Arguments.of(Gates.ARTIFACT_HASHES, with("packageSha256", "ABC"), 18789, false, "packageSha256"),
                Arguments.of(Gates.ARTIFACT_HASHES, with("packageSha256", H1.toUpperCase()), 18789, false, "packageSha256"),
                Arguments.of(Gates.DISK, healthy(), 18789, true, "42.0% free"),
                Arguments.of(Gates.DISK, with("diskFreePercent", "10"), 18789, true, "10.0% free"),
                Arguments.of(Gates.DISK, with("diskFreePercent", "9.9"), 18789, false, "at least 10.0%"),
                Arguments.of(Gates.DISK, with("diskFreePercent", null), 18789, false, "unreadable"),
                Arguments.of(Gates.PREVIOUS_VERSION, healthy(), 18789, true, "2026.9.5"),
                Arguments.of(Gates.PREVIOUS_VERSION, with("gatewayVersion", "2026.9.5;reboot"), 18789, false, "not valid"),
                Arguments.of(Gates.PROBE_LAUNCHD_READ, healthy(), 18789, true,
                        "probe account openclaw-probe reads gui/501/ai.openclaw.gateway (state running)"),
                Arguments.of(Gates.PROBE_LAUNCHD_READ, with("probeLaunchdRead", "NO_PROBE_ACCOUNT"), 18789, true,
                        "no probe account"),
                Arguments.of(Gates.PROBE_LAUNCHD_READ, refused("sudo: a password is required (exit 1)"), 18789, false,
                        "probe account openclaw-probe cannot read the gateway's launchd state (sudo: a password is "
                                + "required (exit 1)): the PROCESS probe and the crash-loop trigger would be blind; fix: "
                                + "on the lease, put `" + GRANT + "` into /etc/sudoers.d/openclaw-probe (visudo -f)"),
                Arguments.of(Gates.PROBE_LAUNCHD_READ,
                        refused("Could not print domain: 1: Operation not permitted (exit 1)"), 18789, false,
                        "(Could not print domain: 1: Operation not permitted (exit 1))"),
                Arguments.of(Gates.PROBE_LAUNCHD_READ, unreachable(), 18789, false,
                        "could not log in to read the gateway's launchd state (ssh: authentication as openclaw-probe "
                                + "failed): the PROCESS probe and the crash-loop trigger would be blind; authorize the "
                                + "worker's key for openclaw-probe; fix: on the lease, put `" + GRANT + "`"),
                Arguments.of(Gates.PROBE_LAUNCHD_READ, with("probeLaunchdRead", null), 18789, false,
                        "not checked (no probeLaunchdRead fact from INVENTORY); fix: on the lease, put `" + GRANT + "`"),
                Arguments.of(Gates.PROBE_LAUNCHD_READ, with("probeLaunchdRead", "SOMETHING_ELSE"), 18789, false,
                        "cannot read the gateway's launchd state"));
    }

    static final String GRANT = "openclaw-probe ALL=(openclaw) NOPASSWD: /bin/launchctl print gui/501/ai.openclaw.gateway";

    static Map<String, String> refused(String detail) {
        Map<String, String> f = with("probeLaunchdRead", "REFUSED");
        f.remove("probeLaunchdState");
        f.put("probeLaunchdDetail", detail);
        return f;
    }

    static Map<String, String> unreachable() {
        Map<String, String> f = refused("ssh: authentication as openclaw-probe failed");
        f.put("probeLaunchdRead", "UNREACHABLE");
        return f;
    }

    @ParameterizedTest(name = "{0} {3}: {4}")
    @MethodSource("factTable")
    void factGatesPassOrFailWithAReasonAndTheFactsTheyUsed(String gate, Map<String, String> facts, int port,
            boolean passes, String reason) {
        GateVerdict v = Gates.evaluate(new Gates.Input(facts, port, ROSTER, WEDNESDAY)).stream()
                .filter(g -> g.gate().equals(gate)).findFirst().orElseThrow();
        assertThat(v.passed()).as(v.reason()).isEqualTo(passes);
        assertThat(v.reason()).contains(reason);
        assertThat(v.evidence()).isNotEmpty();
    }

    static Stream<Arguments> rosterTable() {
        return Stream.of(
                Arguments.of(ROSTER, true, "cover Hong Kong and New York"),
                Arguments.of(List.of(new Operator("ada", "Asia/Hong_Kong", true)), false, "at least 2 operators"),
                Arguments.of(List.of(new Operator("ada", "Asia/Hong_Kong", true), new Operator("kenji", "Asia/Tokyo", false)),
                        false, "New York"),
                Arguments.of(List.of(new Operator("ada", "Asia/Hong_Kong", true), new Operator("grace", "America/New_York", true)),
                        false, "exactly one rollback owner is required, got 2"),
                Arguments.of(List.of(new Operator("ada", "Asia/Hong_Kong", false), new Operator("grace", "America/New_York", false)),
                        false, "exactly one rollback owner is required, got 0"),
                Arguments.of(List.of(new Operator("al", "Europe/London", true), new Operator("bo", "America/Los_Angeles", false)),
                        false, "Hong Kong"));
    }

    static Map<String, String> cli(String path, String version, String writable) {
        Map<String, String> f = healthy();
        f.put("packageRoot", "/Users/u/.npm-global/lib/node_modules/openclaw");
        put(f, "cliPath", path);
        put(f, "cliVersion", version);
        put(f, "cliWritable", writable);
        return f;
    }

    static void put(Map<String, String> f, String k, String v) {
        if (v != null) {
            f.put(k, v);
        }
    }

    static final String NPM_CLI = "/Users/u/.npm-global/bin/openclaw";
    static final String FIX = "; fix: make " + NPM_CLI + " the service's CLI (ln -sfn "
            + "/Users/u/.npm-global/lib/node_modules/openclaw/openclaw.mjs " + NPM_CLI + ", or take the other openclaw "
            + "off the login PATH), or override gates.cliMatchesService=false with a reason and an approver";

    static Stream<Arguments> cliTable() {
        return Stream.of(
                // facts, override, expected verdict, reason (whole, or a fragment)
                Arguments.of(cli(NPM_CLI, "2026.9.5", "true"), null, true,
                        "the lease user's openclaw (" + NPM_CLI + ") runs 2026.9.5, the service's version"),
                Arguments.of(cli(NPM_CLI, "2026.9.3", "true"), null, false,
                        "the lease user's openclaw (" + NPM_CLI + ") is 2026.9.3 but the service runs 2026.9.5: the "
                                + "CLI would work on state the service migrates" + FIX),
                Arguments.of(cli("/opt/homebrew/bin/openclaw", "2026.9.6", "true"), null, false,
                        "(/opt/homebrew/bin/openclaw) is 2026.9.6 but the service runs 2026.9.5"),
                Arguments.of(cli(NPM_CLI, "2026.9.3", "true"), "grace: Homebrew CLI pinned by the owner", true,
                        "overridden by grace: Homebrew CLI pinned by the owner (the lease user's openclaw ("
                                + NPM_CLI + ") is 2026.9.3 but the service runs 2026.9.5"),
                Arguments.of(cli(null, null, null), null, false,
                        "the lease user's login shell finds no openclaw while the service runs 2026.9.5; fix: put the "
                                + "service's npm global prefix bin (/Users/u/.npm-global/bin) on the login PATH, or "
                                + "override gates.cliMatchesService=false"),
                Arguments.of(cli(NPM_CLI, null, "true"), null, false,
                        "openclaw --version in the lease user's login shell (" + NPM_CLI + ") printed no version"),
                Arguments.of(cli(NPM_CLI, "2026.9.5", "false"), null, false,
                        "the lease user cannot replace " + NPM_CLI + " (its directory is not writable)"),
                Arguments.of(cli(NPM_CLI, "2026.9.5", "false"), "ada: read-only prefix", true, "overridden by ada"),
                Arguments.of(cli(NPM_CLI, "2026.9.5;reboot", "true"), null, false, "is 2026.9.5;reboot but"));
    }

    @ParameterizedTest(name = "cli {2}: {3}")
    @MethodSource("cliTable")
    void theCliGateWantsTheLoginShellsOpenclawOnTheServicesVersionUnlessOverridden(Map<String, String> facts,
            String override, boolean passes, String reason) {
        GateVerdict v = Gates.cliMatchesService(facts, override);
        assertThat(v.gate()).isEqualTo(Gates.CLI_MATCHES_SERVICE);
        assertThat(v.passed()).as(v.reason()).isEqualTo(passes);
        assertThat(v.reason()).contains(reason);
        assertThat(v.evidence()).containsKeys("cliPath", "cliVersion", "cliWritable", "gatewayVersion");
        if (override != null) {
            assertThat(v.evidence()).containsEntry("override", override);
        }
    }

    @ParameterizedTest(name = "roster {1}: {2}")
    @MethodSource("rosterTable")
    void operatorRosterNeedsTwoPeopleOneOwnerAndBothSitesCovered(List<Operator> ops, boolean passes, String reason) {
        GateVerdict v = Gates.operatorRoster(ops, WEDNESDAY);
        assertThat(v.passed()).as(v.reason()).isEqualTo(passes);
        assertThat(v.reason()).contains(reason);
    }

    @org.junit.jupiter.api.Test
    void theProbeLaunchdGateNamesTheExactSudoersLineAndTheCommandItMustAllow() {
        GateVerdict v = Gates.probeLaunchdRead(refused("sudo: a password is required (exit 1)"));
        assertThat(v.passed()).isFalse();
        assertThat(v.evidence()).containsEntry("fix", GRANT).containsEntry("probeLaunchdRead", "REFUSED");
        assertThat(v.reason()).endsWith("so that `sudo -n -u openclaw /bin/launchctl print gui/501/ai.openclaw.gateway` "
                + "works for openclaw-probe");
        // facts that cannot go into a sudoers line are never echoed into one
        Map<String, String> bad = refused("x");
        bad.put("probeUser", "evil user; rm -rf /");
        bad.put("uid", "501 ALL");
        assertThat(Gates.sudoersLine(bad)).isEqualTo(
                "<probe user> ALL=(openclaw) NOPASSWD: /bin/launchctl print gui/<uid>/ai.openclaw.gateway");
    }

    @org.junit.jupiter.api.Test
    void nodeGateRecordsThatCandidateEnginesAreNotCheckedYet() {
        GateVerdict v = Gates.nodeMajorLock(healthy());
        assertThat(v.evidence()).containsEntry("enginesNode", ">=22").containsKey("candidateEngines");
        assertThat(v.reason()).contains("candidate engines.node not checked");
    }

    @org.junit.jupiter.api.Test
    void allGatesPassOnAHealthyInventory() {
        assertThat(Gates.evaluate(new Gates.Input(healthy(), 18789, ROSTER, WEDNESDAY)))
                .hasSize(7).allMatch(GateVerdict::passed);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "plist {0}, candidate engines ''{1}'' -> {2}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
            "v22.12.0 ; >=22.12.0                  ; PASSED",
            "v22.12.0 ; >=20.19.0 <21 || >=22.12.0 ; PASSED",
            "v22.11.0 ; >=20.19.0 <21 || >=22.12.0 ; FAILED",
            "v22.12.0 ; >=24                       ; FAILED",
            "v22.12.0 ;                            ; PASSED",
            "v22.12.0 ; banana                     ; FAILED",
            "garbage  ; >=22                       ; FAILED",
    })
    void candidateEnginesGateChecksThePlistNodeAgainstTheCandidatesRange(String node, String range, String verdict) {
        java.util.Map<String, String> install = new java.util.HashMap<>();
        install.put("candidateEnginesNode", range);
        GateVerdict v = Gates.candidateEngines(java.util.Map.of("plistNodeVersion", node), install);
        org.assertj.core.api.Assertions.assertThat(v.verdict().name()).as(v.reason()).isEqualTo(verdict);
        org.assertj.core.api.Assertions.assertThat(v.gate()).isEqualTo(Gates.CANDIDATE_ENGINES);
        org.assertj.core.api.Assertions.assertThat(v.evidence()).containsEntry("plistNodeVersion", node);
        if (verdict.equals("FAILED") && range != null && range.startsWith(">=24")) {
            org.assertj.core.api.Assertions.assertThat(v.reason()).isEqualTo("the plist pins node v22.12.0 but the candidate requires >=24");
        }
    }
}
