package com.maclogin.cutover.probe.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.probe.client.CommandResult;
import org.junit.jupiter.api.Test;

/** The launchd reads the worker runs, every word quoted, and how their failures are told apart. */
class LaunchdReadTest {

    @Test
    void theProbeAccountReadsThroughItsGrantAndTheGatewaysAccountReadsItsOwnDomain() {
        assertThat(LaunchdRead.viaGrant("openclaw", "501")).isEqualTo(
                "'sudo' '-n' '-u' 'openclaw' '/bin/launchctl' 'print' 'gui/501/ai.openclaw.gateway'");
        assertThat(LaunchdRead.script(null, "501")).isEqualTo("launchctl print 'gui/501/ai.openclaw.gateway'");
        assertThat(LaunchdRead.script("openclaw", "501")).isEqualTo(LaunchdRead.viaGrant("openclaw", "501"));
    }

    @Test
    void namesAndUidsThatCouldNotBeInASudoersRuleAreRefusedBeforeAnythingRuns() {
        for (String[] bad : new String[][] {{"open claw", "501"}, {"x;reboot", "501"}, {"openclaw", "501 ALL"},
                {"openclaw", "$(id -u)"}, {null, "501"}, {"openclaw", null}}) {
            assertThatThrownBy(() -> LaunchdRead.viaGrant(bad[0], bad[1])).as(String.join(",", String.valueOf(bad[0]),
                    String.valueOf(bad[1]))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void onlyLaunchdsOwnNotFoundMeansNotLoadedARefusalIsNot() {
        record Case(CommandResult r, boolean notLoaded, String why) {
        }
        for (Case c : new Case[] {
                new Case(new CommandResult(113, "", "Could not find service \"ai.openclaw.gateway\" in domain for port\n", 5),
                        true, "Could not find service \"ai.openclaw.gateway\" in domain for port (exit 113)"),
                new Case(new CommandResult(1, "", "Could not print domain: 1: Operation not permitted\n", 5), false,
                        "Could not print domain: 1: Operation not permitted (exit 1)"),
                new Case(new CommandResult(1, "", "sudo: a password is required\n", 5), false,
                        "sudo: a password is required (exit 1)"),
                new Case(new CommandResult(1, "", "Could not chdir to home directory /x: No such file or directory\n"
                        + "sudo: a password is required\n", 5), false, "sudo: a password is required (exit 1)"),
                new Case(new CommandResult(127, "", "", 5), false, "exit 127")}) {
            assertThat(LaunchdRead.notLoaded(c.r())).as(c.why()).isEqualTo(c.notLoaded());
            assertThat(LaunchdRead.why(c.r())).isEqualTo(c.why());
        }
    }
}
