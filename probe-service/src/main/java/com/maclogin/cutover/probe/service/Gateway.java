package com.maclogin.cutover.probe.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.HttpProbeResponse;
import com.maclogin.cutover.probe.lease.LaunchctlPrint;
import com.maclogin.cutover.contracts.ShellQuote;
import java.time.Duration;
import java.util.Optional;

/** Gateway checks shared by RELOAD, VALIDATE and RESTORE. */
final class Gateway {

    private Gateway() {
    }

    static Evidence evidence(HttpProbeResponse r, int port) {
        return Evidence.of("GET " + r.path(), "GET http://127.0.0.1:" + port + r.path() + " (ssh direct-tcpip)",
                r.status(), r.status() > 0 ? r.body() : r.error());
    }

    /**
     * Polls {@code /readyz} until 200 (every {@code probe.reload.ready-fast-poll-interval} for the first
     * {@code ready-fast-poll-period}, then every {@code ready-poll-interval}); returns the milliseconds it took, or
     * fails the step.
     */
    static long waitReady(StepContext ctx, int port) {
        Duration timeout = ctx.config().reload().readyTimeout();
        long start = System.nanoTime();
        HttpProbeResponse last = null;
        while (true) {
            last = ctx.http(port, "/readyz");
            if (last.ok()) {
                ctx.addEvidence(evidence(last, port));
                return (System.nanoTime() - start) / 1_000_000;
            }
            if ((System.nanoTime() - start) / 1_000_000 >= timeout.toMillis()) {
                ctx.addEvidence(evidence(last, port));
                throw new StepFailedException(String.format(ProbeReasons.NEVER_READY, timeout.toMillis()));
            }
            boolean early = (System.nanoTime() - start) / 1_000_000 < ctx.config().reload().readyFastPollPeriod().toMillis();
            ctx.pause(early ? ctx.config().reload().readyFastPollInterval() : ctx.config().reload().readyPollInterval());
        }
    }

    /** {@code version} from {@code /startupz} (local-direct callers get it), if the gateway says it. */
    static Optional<String> startupVersion(StepContext ctx, int port) {
        HttpProbeResponse r = ctx.http(port, "/startupz");
        ctx.addEvidence(evidence(r, port));
        return versionOf(r);
    }

    static Optional<String> versionOf(HttpProbeResponse r) {
        if (!r.ok() || r.body() == null) {
            return Optional.empty();
        }
        try {
            JsonNode v = Json.MAPPER.readTree(r.body()).path("version");
            return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    static LaunchctlPrint launchctlPrint(StepContext ctx, LeaseInventory.Basics basics) {
        CommandResult r = ctx.run("launchctl print", printScript(basics));
        return LaunchctlPrint.parse(r.ok() ? r.stdout() : "");
    }

    static void launchdFacts(StepContext ctx, LaunchctlPrint print) {
        ctx.fact("launchdState", print.state().orElse(null));
        ctx.fact("gatewayPid", print.pid().orElse(null));
        ctx.fact("runs", print.runs().orElse(null));
        ctx.fact("lastExitCode", print.lastExitCode().orElse(null));
    }

    static void bootstrap(StepContext ctx, LeaseInventory.Basics basics) {
        ctx.require("launchctl enable", enableScript(basics));
        checkBootstrap(ctx.run("launchctl bootstrap", bootstrapScript(basics)));
    }

    static void checkBootstrap(CommandResult boot) {
        if (boot == null || !boot.ok()) {
            throw new StepFailedException(String.format(ProbeReasons.BOOTSTRAP_FAILED, boot == null ? -1 : boot.exitCode()));
        }
    }

    static void bootout(StepContext ctx, LeaseInventory.Basics basics) {
        // not loaded is fine: exit code recorded as evidence only
        ctx.run("launchctl bootout", bootoutScript(basics));
    }

    static String printScript(LeaseInventory.Basics basics) {
        return "launchctl print " + ShellQuote.quote(basics.serviceTarget());
    }

    static String enableScript(LeaseInventory.Basics basics) {
        return "launchctl enable " + ShellQuote.quote(basics.serviceTarget());
    }

    static String bootstrapScript(LeaseInventory.Basics basics) {
        return "launchctl bootstrap " + ShellQuote.quote(basics.domain()) + " " + ShellQuote.quote(basics.plistPath());
    }

    static String bootoutScript(LeaseInventory.Basics basics) {
        return "launchctl bootout " + ShellQuote.quote(basics.serviceTarget());
    }
}
