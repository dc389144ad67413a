package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.contracts.ShellQuote;
import com.maclogin.cutover.probe.lease.StackTraceScanner;
import java.util.Optional;

/**
 * RELOAD: {@code bootout} + {@code enable} + {@code bootstrap} (launchd caches the definition, so a rewritten
 * plist needs a bootstrap), wait for {@code /readyz} 200, scan the first new log lines for stack traces, read the
 * running version from {@code /startupz}.
 */
final class ReloadStep implements StepHandler {

    @Override
    public String validate(RunStep c) {
        StepCommand.Reload p = c.command(StepCommand.Reload.class);
        String v = p == null ? null : p.candidateVersion();
        return v == null ? null : Validation.version(v);
    }

    @Override
    public void run(StepContext ctx) {
        LeaseInventory.Layout l = LeaseInventory.layout(ctx);
        LeaseInventory.Basics b = l.basics();
        long logSize = 0;
        if (l.logPath().isPresent()) {
            CommandResult size = ctx.run("log size", "wc -c < " + ShellQuote.quote(l.logPath().get())
                    + " 2>/dev/null || echo 0");
            logSize = parseLong(size.stdout());
        }
        Gateway.bootout(ctx, b);
        Gateway.bootstrap(ctx, b);
        long readyMillis = Gateway.waitReady(ctx, l.gatewayPort());
        ctx.fact("readyAfterMillis", readyMillis);

        if (l.logPath().isPresent()) {
            int lines = ctx.config().reload().logLines();
            String q = ShellQuote.quote(l.logPath().get());
            CommandResult log = ctx.run("new log lines", "f=" + q + "; if [ \"$(wc -c < \"$f\")\" -lt " + logSize
                    + " ]; then head -n " + lines + " \"$f\"; else tail -c +" + (logSize + 1) + " \"$f\" | head -n "
                    + lines + "; fi");
            String error = StackTraceScanner.firstError(log.stdout());
            if (error != null) {
                throw new StepFailedException(String.format(ProbeReasons.STACK_TRACE_IN_LOG, error));
            }
        }
        Optional<String> running = Gateway.startupVersion(ctx, l.gatewayPort());
        running.ifPresent(v -> ctx.fact(StepFacts.RUNNING_VERSION, v));
        StepCommand.Reload p = ctx.command().command(StepCommand.Reload.class);
        String expected = p == null ? null : p.candidateVersion();
        if (expected != null && !expected.equals(running.orElse(null))) {
            throw new StepFailedException(String.format(ProbeReasons.RUNNING_VERSION_MISMATCH,
                    running.orElse("unknown"), expected));
        }
        Gateway.launchdFacts(ctx, Gateway.launchctlPrint(ctx, b));
    }

    static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
