package com.maclogin.cutover.probe.matrix;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.LaunchctlPrint;
import com.maclogin.cutover.probe.lease.LaunchdRead;
import com.maclogin.cutover.contracts.Redaction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PROCESS: {@code launchctl print gui/<uid>/ai.openclaw.gateway} (as the probe account through its sudo grant,
 * {@link ProbeSession#launchdRead()}): state running, last exit code 0, run count. A read that launchd answers with
 * "not loaded" is a FAILED gateway; a read that is refused (another user's domain, no sudo rule) measured nothing:
 * ERROR, with the refusal as detail, never "not loaded".
 */
public final class ProcessProbe implements Probe {

    @Override
    public ProbeLayer layer() {
        return ProbeLayer.PROCESS;
    }

    @Override
    public ProbeOutcome probe(ProbeSession s) {
        String script = s.launchdRead();
        try {
            CommandResult r = s.ssh().exec(s.target(), script, s.timeouts().command());
            return read(r, script, s.target().sshUser());
        } catch (Exception ex) {
            return SshProbes.fromSsh(layer(), ex);
        }
    }

    /** The outcome of the launchd read {@code script}, run by {@code reader}, that answered {@code r}. */
    public static ProbeOutcome read(CommandResult r, String script, String reader) {
        return read(r, script, reader, true);
    }

    /**
     * {@link #read(CommandResult, String, String)}; {@code evidence} false: the outcome carries no evidence (the
     * watch, which publishes none, skips the redaction of launchd's whole answer: most of a round's CPU).
     */
    public static ProbeOutcome read(CommandResult r, String script, String reader, boolean evidence) {
        Evidence e = evidence ? Evidence.of("launchctl print", script, r.exitCode(), Redaction.redact(r.combined()))
                : null;
        if (!r.ok() && LaunchdRead.notLoaded(r)) {
            return ProbeOutcome.of(ProbeLayer.PROCESS, Verdict.FAILED, r.durationMillis(),
                    "service not loaded (launchctl print exit " + r.exitCode() + ")",
                    Map.of("state", "not loaded"), e);
        }
        if (!r.ok()) {
            return ProbeOutcome.of(ProbeLayer.PROCESS, Verdict.ERROR, null,
                    "launchd state not readable by " + reader + ": " + LaunchdRead.why(r), Map.of(), e);
        }
        return judge(LaunchctlPrint.parse(r.stdout()), r.durationMillis(), e);
    }

    /** PASSED when running and the last exit code is 0 (or the job never exited); the raw values are observed. */
    public static ProbeOutcome judge(LaunchctlPrint p, long latencyMillis, Evidence e) {
        Map<String, String> observed = new LinkedHashMap<>();
        observed.put("state", p.state().orElse("unknown"));
        p.pid().ifPresent(v -> observed.put("pid", v));
        p.runs().ifPresent(v -> observed.put("runs", v));
        p.lastExitCode().ifPresent(v -> observed.put("lastExitCode", v));
        String signal = p.properties().get("last terminating signal");
        if (signal != null) {
            observed.put("lastTerminatingSignal", signal);
        }
        String exit = p.lastExitCode().orElse(null);
        boolean cleanExit = exit == null || exit.startsWith("(never exited)") || exit.trim().matches("0(\\D.*)?");
        String runs = p.runs().map(r -> ", runs " + r).orElse("");
        if (!p.isRunning()) {
            return ProbeOutcome.of(ProbeLayer.PROCESS, Verdict.FAILED, latencyMillis,
                    "state " + observed.get("state") + (exit != null ? ", last exit code " + exit : "") + runs,
                    observed, e);
        }
        if (signal != null) {
            return ProbeOutcome.of(ProbeLayer.PROCESS, Verdict.FAILED, latencyMillis,
                    "running again after a terminating signal (" + signal + ")" + runs, observed, e);
        }
        if (!cleanExit) {
            return ProbeOutcome.of(ProbeLayer.PROCESS, Verdict.FAILED, latencyMillis,
                    "running again after last exit code " + exit + runs, observed, e);
        }
        return ProbeOutcome.of(ProbeLayer.PROCESS, Verdict.PASSED, latencyMillis,
                "running, pid " + p.pid().orElse("?") + runs, observed, e);
    }
}
