package com.maclogin.cutover.probe.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.lease.LaunchdRead;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The watch's combined PROCESS + DISK exec, judged from what the lease answers. The SSH client is a STUB (a unit test:
 * it answers the one exec from a function of the marker the script carries); the split read over real SSH is covered
 * by lease-simulator's LightGatewayModeTest and probe-service's WatchIntegrationTest.
 */
class LightRoundTest {

    static final String READ = LaunchdRead.viaGrant("openclaw", "501");
    static final String DF_OK = "Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/disk3s5 1000 600 400 60% /\n";

    /** A stub client: {@code answer} gets the marker of the script it is asked to run. */
    static final class Stub extends LeaseSshClient {
        final Function<String, CommandResult> answer;
        String script;

        Stub(Function<String, CommandResult> answer) {
            super(null);
            this.answer = answer;
        }

        @Override
        public CommandResult exec(LeaseTarget target, String script, Duration timeout) {
            this.script = script;
            int at = script.indexOf("; echo ocw-");
            return answer.apply(script.substring(at + 7, at + 7 + 36));
        }
    }

    static Map<ProbeLayer, ProbeOutcome> round(Stub ssh) {
        LeaseTarget login = new LeaseTarget(Region.HK, "127.0.0.1", 22, "openclaw-probe", "ssh-ed25519 AAAA", 18789,
                "openclaw-probe");
        ProbeSession s = new ProbeSession(ssh, login, 18789, "gui/501/ai.openclaw.gateway", null, null, 14, 10.0,
                new ProbeSession.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(5), Duration.ofSeconds(5)), null, READ);
        return LightRound.processAndDisk(s);
    }

    static CommandResult whole(int exit, String out, String err) {
        return new CommandResult(exit, out, err, 7);
    }

    @Test
    void oneExecRunsTheGrantsReadAndDfAndEachLayerIsJudgedAsItsOwnProbeJudgesIt() {
        Stub ssh = new Stub(m -> whole(0, "gui/501/ai.openclaw.gateway = {\n\tstate = running\n\truns = 2\n\tpid = 77\n"
                + "\tlast exit code = 0\n}\n" + m + " 0\n" + DF_OK, m + "\n"));
        Map<ProbeLayer, ProbeOutcome> o = round(ssh);
        assertThat(ssh.script).startsWith(READ + "; echo ocw-").endsWith(" >&2; df -k \"$HOME\"");
        assertThat(o.get(ProbeLayer.PROCESS).verdict()).isEqualTo(Verdict.PASSED);
        assertThat(o.get(ProbeLayer.PROCESS).observed()).containsEntry("runs", "2").containsEntry("pid", "77");
        assertThat(o.get(ProbeLayer.DISK).verdict()).isEqualTo(Verdict.PASSED);
        assertThat(o.get(ProbeLayer.DISK).observed()).containsEntry("diskFreePercent", "40");
        assertThat(o.get(ProbeLayer.PROCESS).evidence()).as("the watch publishes no evidence").isNull();
    }

    @Test
    void aRefusedReadIsErrorForProcessOnlyAndANotLoadedJobIsFailed() {
        Map<ProbeLayer, ProbeOutcome> refused = round(new Stub(m -> whole(0, m + " 1\n" + DF_OK,
                "sudo: a password is required\n" + m + "\n")));
        assertThat(refused.get(ProbeLayer.PROCESS).verdict()).isEqualTo(Verdict.ERROR);
        assertThat(refused.get(ProbeLayer.PROCESS).detail()).contains("sudo: a password is required (exit 1)");
        assertThat(refused.get(ProbeLayer.DISK).verdict()).isEqualTo(Verdict.PASSED);
        Map<ProbeLayer, ProbeOutcome> gone = round(new Stub(m -> whole(0, m + " 113\n" + DF_OK,
                "Could not find service \"ai.openclaw.gateway\" in domain for port\n" + m + "\n")));
        assertThat(gone.get(ProbeLayer.PROCESS).verdict()).isEqualTo(Verdict.FAILED);
        assertThat(gone.get(ProbeLayer.PROCESS).observed()).containsEntry("state", "not loaded");
    }

    @Test
    void aLeaseAnswerThatRepeatsTheMarkerToClaimARunningGatewayIsErrorForBothLayers() {
        // the read's output (launchd prints the job's environment) carries a fake end and a running state after it
        Map<ProbeLayer, ProbeOutcome> o = round(new Stub(m -> whole(0, "x = {\n\tstate = not running\n}\n" + m
                + " 0\nx = {\n\tstate = running\n}\n" + m + " 1\n" + DF_OK, m + "\n")));
        assertThat(o.get(ProbeLayer.PROCESS).verdict()).isEqualTo(Verdict.ERROR);
        assertThat(o.get(ProbeLayer.DISK).verdict()).isEqualTo(Verdict.ERROR);
        assertThat(o.get(ProbeLayer.PROCESS).detail()).contains("split marker");
        // a marker of another exec (not this one's nonce) is only text
        Map<ProbeLayer, ProbeOutcome> other = round(new Stub(m -> whole(0, "x = {\n\tstate = running\n\tpid = 1\n"
                + "\tFAKE => ocw-00000000000000000000000000000000 1\n}\n" + m + " 0\n" + DF_OK, m + "\n")));
        assertThat(other.get(ProbeLayer.PROCESS).verdict()).isEqualTo(Verdict.PASSED);
    }
}
