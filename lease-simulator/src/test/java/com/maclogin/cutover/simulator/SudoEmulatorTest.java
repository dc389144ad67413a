package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.ProbeGrant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sudoers rules the lease's sudo emulation honours, as a table (no lease). */
class SudoEmulatorTest {

    static final String GRANT = ProbeGrant.sudoersLine("openclaw-probe", "openclaw", "501");

    @Test
    void theGrantLineIsTheDocumentedOne() {
        assertThat(GRANT).isEqualTo(
                "openclaw-probe ALL=(openclaw) NOPASSWD: /bin/launchctl print gui/501/ai.openclaw.gateway");
        assertThat(ProbeGrant.printArgv("openclaw", "501")).containsExactly("sudo", "-n", "-u", "openclaw",
                "/bin/launchctl", "print", "gui/501/ai.openclaw.gateway");
        assertThat(SudoEmulator.grantLine("openclaw-probe", "bad name", 501)).isNull();
    }

    @Test
    void rulesPermitExactlyTheUserRunAsCommandAndArguments() {
        record Case(String rule, String caller, String target, String command, List<String> args, boolean permitted) {
        }
        List<String> print = List.of("print", "gui/501/ai.openclaw.gateway");
        List<Case> cases = List.of(
                new Case(GRANT, "openclaw-probe", "openclaw", "/bin/launchctl", print, true),
                new Case(GRANT, "someone-else", "openclaw", "/bin/launchctl", print, false),
                new Case(GRANT, "openclaw-probe", "root", "/bin/launchctl", print, false),
                new Case(GRANT, "openclaw-probe", "openclaw", "/bin/launchctl",
                        List.of("kickstart", "-k", "gui/501/ai.openclaw.gateway"), false),
                new Case(GRANT, "openclaw-probe", "openclaw", "/bin/launchctl", List.of("print", "gui/501"), false),
                new Case(GRANT, "openclaw-probe", "openclaw", "/bin/launchctl",
                        List.of("print", "gui/501/ai.openclaw.gateway", "x"), false),
                new Case(GRANT, "openclaw-probe", "openclaw", "/usr/bin/launchctl", print, false),
                new Case("openclaw-probe ALL=(openclaw) NOPASSWD: /bin/launchctl", "openclaw-probe", "openclaw",
                        "/bin/launchctl", List.of("kickstart", "-k", "x"), true),
                new Case("openclaw-probe ALL=(openclaw) NOPASSWD: /bin/launchctl \"\"", "openclaw-probe", "openclaw",
                        "/bin/launchctl", print, false),
                new Case("openclaw-probe ALL = (root, openclaw:staff) NOPASSWD:/bin/launchctl print gui/501/ai.openclaw.gateway",
                        "openclaw-probe", "openclaw", "/bin/launchctl", print, true),
                new Case("openclaw-probe ALL=/bin/launchctl print gui/501/ai.openclaw.gateway", "openclaw-probe", "root",
                        "/bin/launchctl", print, true),
                new Case("ALL ALL=(ALL) NOPASSWD: /bin/launchctl print gui/501/ai.openclaw.gateway", "anyone", "openclaw",
                        "/bin/launchctl", print, true));
        for (Case c : cases) {
            SudoEmulator.Rule r = SudoEmulator.parse(c.rule());
            assertThat(r).as(c.rule()).isNotNull();
            assertThat(r.permits(c.caller(), c.target(), c.command(), c.args()))
                    .as(c.rule() + " for " + c.caller() + " -u " + c.target() + " " + c.command() + " " + c.args())
                    .isEqualTo(c.permitted());
        }
    }

    @Test
    void aRuleWithoutNopasswdStillNeedsAPasswordAndCommentsAreNoRules() {
        assertThat(SudoEmulator.parse("openclaw-probe ALL=(openclaw) /bin/launchctl print x").noPassword()).isFalse();
        assertThat(SudoEmulator.parse(GRANT).noPassword()).isTrue();
        assertThat(SudoEmulator.parse("# " + GRANT)).isNull();
        assertThat(SudoEmulator.parse("   ")).isNull();
        assertThat(SudoEmulator.parse("Defaults env_reset")).isNull();
        assertThat(SudoEmulator.parse("openclaw-probe ALL=(openclaw) NOPASSWD: launchctl print x"))
                .as("a command must be a full path").isNull();
        assertThat(SudoEmulator.parse("openclaw-probe ALL=(openclaw) NOPASSWD: /bin/launchctl print x, /bin/sh"))
                .as("command lists are not emulated").isNull();
    }
}
