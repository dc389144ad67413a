package com.maclogin.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Argument parsing of the CLI (no network: nothing here reaches a command that calls the API). */
class CliArgumentsTest {

    @TempDir
    Path dir;

    private <T> T leaf(TestEnv t, String... args) {
        CommandLine.ParseResult r = CutoverCli.commandLine(t.env).parseArgs(args);
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        @SuppressWarnings("unchecked")
        T cmd = (T) r.commandSpec().userObject();
        return cmd;
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheSubcommandAndTheNearestWins() {
        TestEnv t = new TestEnv(Map.of(), dir, false);
        Commands.Status before = leaf(t, "--json", "--url", "http://a:1", "status", "c-1");
        assertThat(before.json()).isTrue();
        assertThat(before.credentials().url()).isEqualTo("http://a:1");
        assertThat(before.id).isEqualTo("c-1");

        Commands.Status after = leaf(t, "--url", "http://a:1", "status", "c-2", "--url", "http://b:2", "--token", "tk");
        assertThat(after.json()).isFalse();
        assertThat(after.credentials().url()).isEqualTo("http://b:2");
        assertThat(after.credentials().token()).isEqualTo("tk");

        FleetCommands.Watch fleet = leaf(t, "fleet", "--json", "watch", "f-1", "--interval", "250ms", "--timeout", "2m");
        assertThat(fleet.json()).isTrue();
        assertThat(fleet.watchOptions.interval).isEqualTo(Duration.ofMillis(250));
        assertThat(fleet.watchOptions.timeout).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void watchDefaultsToOneSecondNoTimeoutAndStopsOnPause() {
        Commands.Watch w = leaf(new TestEnv(Map.of(), dir, false), "watch", "c-1");
        assertThat(w.watchOptions.interval).isEqualTo(Duration.ofSeconds(1));
        assertThat(w.watchOptions.timeout).isEqualTo(Duration.ZERO);
        assertThat(w.watchOptions.followPaused).isFalse();
        assertThat(new WatchOptions.DurationConverter().convert("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(new WatchOptions.DurationConverter().convert("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhat() {
        assertUsage(new String[] {"pause", "c-1"}, "Missing required option: '--reason=TEXT'");
        assertUsage(new String[] {"frobnicate"}, "Unmatched argument");
        assertUsage(new String[] {"watch", "c-1", "--interval", "soon"}, "'soon' is not a duration");
        assertUsage(new String[] {"status"}, "Missing required parameter: 'CUTOVER_ID'");
        assertUsage(new String[] {"approve"}, "Missing required parameter: 'CUTOVER_ID'");
        assertUsage(new String[] {}, "missing command");
        assertUsage(new String[] {"--token-file", "nope.env", "leases"}, "token file nope.env does not exist");
        assertUsage(new String[] {"start", "--lease", "hk-1", "--owner", "Mei Chan"}, "must be NAME:TIME_ZONE");
        assertUsage(new String[] {"start", "--file", "missing.json"}, "cannot read missing.json");
        assertUsage(new String[] {"report", "c-1", "--format", "pdf"}, "--format must be html or json");
    }

    private void assertUsage(String[] args, String message) {
        TestEnv t = new TestEnv(Map.of(), dir, false);
        assertThat(CutoverCli.run(t.env, args)).as("exit code of %s", String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
        assertThat(t.err.toString()).contains(message);
    }

    @Test
    void helpListsEveryExitCodeAndCompletionIsABashScriptNamingTheCommands() {
        TestEnv t = new TestEnv(Map.of(), dir, false);
        assertThat(CutoverCli.run(t.env, "--help")).isZero();
        for (int code : new int[] {ExitCodes.OK, ExitCodes.FAILED, ExitCodes.ROLLED_BACK, ExitCodes.ROLLBACK_FAILED,
            ExitCodes.ABORTED, ExitCodes.NEEDS_OPERATOR, ExitCodes.TIMEOUT, ExitCodes.AUTH, ExitCodes.NOT_FOUND,
            ExitCodes.REFUSED, ExitCodes.UNREACHABLE, ExitCodes.USAGE}) {
            assertThat(t.out.toString()).as("help lists exit code %d", code).containsPattern("(?m)^ +" + code + " {2,}\\S");
        }
        TestEnv c = new TestEnv(Map.of(), dir, false);
        assertThat(CutoverCli.run(c.env, "completion")).isZero();
        assertThat(c.out.toString()).startsWith("#!/usr/bin/env bash").contains("complete -F")
                .contains("leases").contains("rollback").contains("promote").contains("approve");
    }
}
