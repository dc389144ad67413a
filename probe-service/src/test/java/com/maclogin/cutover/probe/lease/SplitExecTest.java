package com.maclogin.cutover.probe.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.probe.client.CommandResult;
import org.junit.jupiter.api.Test;

/** The watch's two reads in one exec: the script, and how its answer is split back (or refused). */
class SplitExecTest {

    static final String M = "ocw-0123456789abcdef0123456789abcdef";
    static final String READ = "'sudo' '-n' '-u' 'openclaw' '/bin/launchctl' 'print' 'gui/501/ai.openclaw.gateway'";
    static final String DF = "df -k \"$HOME\"";

    private static CommandResult whole(int exit, String stdout, String stderr) {
        return new CommandResult(exit, stdout, stderr, 12, 3, CommandResult.Arrivals.NONE);
    }

    @Test
    void theScriptRunsBothCommandsWithTheMarkerAndTheFirstsExitCodeBetweenThem() {
        assertThat(SplitExec.withMarker(M, READ, DF).script()).isEqualTo(
                READ + "; echo " + M + " $?; echo " + M + " >&2; " + DF);
    }

    @Test
    void everyExecGetsAFreshRandomMarker() {
        SplitExec a = SplitExec.of(READ, DF);
        SplitExec b = SplitExec.of(READ, DF);
        assertThat(a.marker()).matches("ocw-[0-9a-f]{32}");
        assertThat(a.marker()).isNotEqualTo(b.marker());
        assertThatThrownBy(() -> SplitExec.withMarker("ocw-x; reboot", READ, DF))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachPartGetsItsOwnStdoutStderrAndExitCode() {
        SplitExec.Parts p = SplitExec.withMarker(M, READ, DF).split(whole(0,
                "gui/501/ai.openclaw.gateway = {\n\tstate = running\n}\n" + M + " 0\nFilesystem 1K-blocks\n/dev/x 100\n",
                M + "\n"));
        assertThat(p.first().exitCode()).isZero();
        assertThat(p.first().stdout()).isEqualTo("gui/501/ai.openclaw.gateway = {\n\tstate = running\n}\n");
        assertThat(p.first().stderr()).isEmpty();
        assertThat(p.first().connectMillis()).isEqualTo(3);
        assertThat(p.second().stdout()).isEqualTo("Filesystem 1K-blocks\n/dev/x 100\n");
        assertThat(p.second().exitCode()).isZero();
        assertThat(p.second().durationMillis()).isEqualTo(12);
    }

    @Test
    void aRefusedFirstReadKeepsItsExitCodeAndStderrAndTheSecondItsOwn() {
        SplitExec.Parts p = SplitExec.withMarker(M, READ, DF).split(whole(1,
                M + " 1\n", "sudo: a password is required\n" + M + "\ndf: /x: No such file or directory\n"));
        assertThat(p.first().exitCode()).isEqualTo(1);
        assertThat(p.first().stdout()).isEmpty();
        assertThat(p.first().stderr()).isEqualTo("sudo: a password is required\n");
        assertThat(p.second().exitCode()).isEqualTo(1);
        assertThat(p.second().stderr()).isEqualTo("df: /x: No such file or directory\n");
        // launchd's own "not loaded" (113) stays a fact about the gateway
        SplitExec.Parts q = SplitExec.withMarker(M, READ, DF).split(whole(0, M + " 113\nFilesystem\n",
                "Could not find service \"ai.openclaw.gateway\" in domain for port\n" + M + "\n"));
        assertThat(LaunchdRead.notLoaded(q.first())).isTrue();
    }

    @Test
    void leaseOutputThatFakesAMarkerWithAnotherNonceIsPlainOutput() {
        String fake = "ocw-ffffffffffffffffffffffffffffffff";
        SplitExec.Parts p = SplitExec.withMarker(M, READ, DF).split(whole(0,
                "\tenvironment = {\n\t\tX => " + fake + " 0\n\t}\n" + M + " 0\n" + fake + " 0\n", M + "\n"));
        assertThat(p.first().stdout()).isEqualTo("\tenvironment = {\n\t\tX => " + fake + " 0\n\t}\n");
        assertThat(p.first().exitCode()).isZero();
        assertThat(p.second().stdout()).isEqualTo(fake + " 0\n");
    }

    @Test
    void leaseOutputThatCarriesTheRealMarkerAgainIsNoAnswerForEither() {
        SplitExec s = SplitExec.withMarker(M, READ, DF);
        // in the first part's stdout (claiming exit 0 before the real line)
        assertThat(s.split(whole(0, "state = exited\n" + M + " 0\n" + M + " 1\nFilesystem\n", M + "\n"))).isNull();
        // in the second part's stdout
        assertThat(s.split(whole(0, "state = running\n" + M + " 0\n" + M + " 0\n", M + "\n"))).isNull();
        // on stderr
        assertThat(s.split(whole(0, "state = running\n" + M + " 0\n", M + "\n" + M + "\n"))).isNull();
    }

    @Test
    void anAnswerWithoutTheMarkerOrWithABrokenMarkerLineIsNoAnswer() {
        SplitExec s = SplitExec.withMarker(M, READ, DF);
        assertThat(s.split(whole(-1, "state = running\n", ""))).isNull(); // the shell died before the echo
        assertThat(s.split(whole(0, "state = running\n" + M + " 0\n", ""))).isNull(); // no stderr marker
        assertThat(s.split(whole(0, "x\n" + M + " zero\n", M + "\n"))).isNull();
        assertThat(s.split(whole(0, "x\n" + M + " 0", M + "\n"))).isNull(); // no newline after the code
        assertThat(s.split(whole(0, "x\n" + M, M + "\n"))).isNull();
        assertThat(s.split(whole(0, "x\n" + M + " 0\n", M))).isNull();
    }

    @Test
    void aFirstReadWithoutATrailingNewlineStillSplitsAtTheMarker() {
        SplitExec.Parts p = SplitExec.withMarker(M, READ, DF).split(whole(0, "partial" + M + " 0\nrest\n",
                "warn" + M + "\n"));
        assertThat(p.first().stdout()).isEqualTo("partial");
        assertThat(p.first().stderr()).isEqualTo("warn");
        assertThat(p.second().stdout()).isEqualTo("rest\n");
    }
}
