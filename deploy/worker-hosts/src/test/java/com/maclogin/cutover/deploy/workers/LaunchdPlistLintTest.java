package com.maclogin.cutover.deploy.workers;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every LaunchDaemon plist of the repository, and every one the install script renders, keeps launchd's rules. */
class LaunchdPlistLintTest {

    static final Path TEMPLATE = Repo.ROOT.resolve("deploy/launchd/com.maclogin.cutover.probe-hk.plist");

    @TempDir
    Path tmp;

    @Test
    void everyPlistUnderDeployPassesTheLint() throws IOException {
        List<Path> plists;
        try (Stream<Path> files = Files.walk(Repo.ROOT.resolve("deploy"))) {
            plists = files.filter(p -> p.toString().endsWith(".plist"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.local"))
                    .toList();
        }
        assertThat(plists).contains(TEMPLATE);
        for (Path plist : plists) {
            assertThat(LaunchdPlistLint.check(plist)).as(plist.toString()).isEmpty();
        }
    }

    @Test
    void theInstallScriptRendersALintCleanDaemonForEveryRegionOfTheRegionEnum() throws Exception {
        for (Region region : Region.values()) {
            Repo.Run run = Repo.run(tmp, List.of("bash", Repo.ROOT.resolve("deploy/launchd/install-worker.sh").toString(),
                    "--region", region.suffix(), "--print-plist"));
            assertThat(run.exit()).as(run.err()).isZero();
            Path rendered = tmp.resolve("com.maclogin.cutover.probe-" + region.suffix() + ".plist");
            Files.writeString(rendered, run.out());
            assertThat(LaunchdPlistLint.check(rendered)).as(region.name()).isEmpty();
            assertThat(run.out())
                    .contains("<key>PROBE_REGION</key><string>" + region.suffix() + "</string>")
                    .contains("/usr/local/etc/openclaw-cutover/probe-" + region.suffix() + "/worker.env")
                    .contains("/Library/Logs/openclaw-cutover/probe-" + region.suffix() + "/worker.log")
                    .contains("<key>UserName</key><string>_cutoverprobe</string>");
            if (region != Region.HK) {
                assertThat(run.out()).doesNotContain("probe-hk");
            }
        }
    }

    /** A mutation of the real plist, the file name it is saved under, and the problem the lint must report. */
    static Stream<Arguments> brokenPlists() {
        String label = "com.maclogin.cutover.probe-hk";
        return Stream.of(
                Arguments.of("label differs from the file name", label,
                        "<string>com.maclogin.cutover.probe-hk</string>", "<string>com.maclogin.cutover.probe</string>",
                        "Label must be the file name"),
                Arguments.of("relative program", label,
                        "<string>/usr/local/openclaw-cutover/bin/probe-worker</string>", "<string>probe-worker</string>",
                        "ProgramArguments[0] must be an absolute program path"),
                Arguments.of("a number among the program arguments", label,
                        "<string>/usr/local/etc/openclaw-cutover/probe-hk/worker.env</string>", "<integer>1</integer>",
                        "ProgramArguments must hold strings only"),
                Arguments.of("runs as root", label,
                        "<key>UserName</key><string>_cutoverprobe</string>", "<key>UserName</key><string>root</string>",
                        "UserName must be a dedicated account, not root"),
                Arguments.of("no UserName", label,
                        "<key>UserName</key><string>_cutoverprobe</string>", "",
                        "UserName is missing"),
                Arguments.of("KeepAlive as a string", label,
                        "<key>KeepAlive</key><true/>", "<key>KeepAlive</key><string>true</string>",
                        "KeepAlive must be a boolean"),
                Arguments.of("RunAtLoad missing", label,
                        "<key>RunAtLoad</key><true/>", "",
                        "RunAtLoad must be a boolean"),
                Arguments.of("a password in the environment", label,
                        "<key>PROBE_REGION</key>", "<key>KAFKA_SASL_PASSWORD</key><string>hunter2</string><key>PROBE_REGION</key>",
                        "EnvironmentVariables.KAFKA_SASL_PASSWORD looks like a secret"),
                Arguments.of("a JAAS login as a value", label,
                        "<string>hk</string>",
                        "<string>org.apache.kafka.common.security.scram.ScramLoginModule required username=\"probe-hk\" password=\"x\";</string>",
                        "the value of EnvironmentVariables.PROBE_REGION looks like a secret"),
                Arguments.of("relative log path", label,
                        "<key>StandardErrorPath</key><string>/Library/Logs/", "<key>StandardErrorPath</key><string>Library/Logs/",
                        "StandardErrorPath must be an absolute path"),
                Arguments.of("a misspelt key", label,
                        "<key>ThrottleInterval</key>", "<key>ThrotleInterval</key>",
                        "key ThrotleInterval is not a launchd.plist key"),
                Arguments.of("a key without a value (not a plist by its DTD)", label,
                        "<key>RunAtLoad</key><true/>", "<key>RunAtLoad</key>",
                        "not a valid plist"),
                Arguments.of("not well-formed", label,
                        "</dict>", "</dic>",
                        "not well-formed XML"),
                Arguments.of("no DOCTYPE", label,
                        LaunchdPlistLint.DOCTYPE, "",
                        "no Apple plist DOCTYPE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenPlists")
    void aBrokenPlistFailsTheLintWithItsReason(String what, String label, String from, String to, String problem)
            throws IOException {
        String good = Files.readString(TEMPLATE);
        assertThat(good).as("the mutation's anchor").contains(from);
        Path broken = tmp.resolve(label + ".plist");
        Files.writeString(broken, good.replace(from, to));

        assertThat(LaunchdPlistLint.check(broken)).as(what).anySatisfy(p -> assertThat(p).contains(problem));
    }
}
