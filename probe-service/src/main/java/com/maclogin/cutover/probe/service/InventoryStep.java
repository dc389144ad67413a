package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.DiskFree;
import com.maclogin.cutover.probe.lease.LsofListeners;
import com.maclogin.cutover.probe.lease.PackageJson;
import com.maclogin.cutover.contracts.ShellQuote;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.matrix.IntegrationProbe;
import com.maclogin.cutover.probe.matrix.ProbeOutcome;
import com.maclogin.cutover.probe.matrix.ProbeSession;
import com.maclogin.cutover.probe.trigger.TriggerRules;
import java.util.ArrayList;
import java.util.List;

/**
 * INVENTORY: reads everything the gates need (including the lease user's CLI as its login shell resolves it, beside
 * the service's version) and the space old rollback kits and version directories take. Changes nothing.
 */
final class InventoryStep implements StepHandler {

    /** The facts INVENTORY promises (the contract with the orchestrator and rollback-service). */
    static final List<String> FACTS = List.of("uid", "home", "plistPath", "nodePath", "loginNodeVersion",
            "plistNodeVersion", "packageRoot", "gatewayVersion", "enginesNode", "gatewayPort", "gatewayPid",
            "listeningPid", "launchdState", "lastExitCode", "runs", "plistSha256", "packageSha256",
            "diskFreePercent", "probeLaunchdRead");

    @Override
    public void run(StepContext ctx) {
        LeaseInventory.Basics b = LeaseInventory.basics(ctx);
        ctx.fact("uid", b.uid());
        ctx.fact("home", b.home());
        ctx.run("sw_vers", "sw_vers");
        LeaseInventory.Layout l = LeaseInventory.layout(ctx, b, b.plistPath());
        ctx.fact("plistPath", b.plistPath());
        ctx.fact("nodePath", l.nodePath());
        ctx.fact("packageRoot", l.packageRoot());
        ctx.fact("gatewayPort", l.gatewayPort());

        CommandResult plistNode = ctx.run("plist node -v", ShellQuote.quote(l.nodePath()) + " -v");
        if (plistNode.ok()) {
            ctx.fact("plistNodeVersion", lastLine(plistNode.stdout()));
        }
        CommandResult loginNode = ctx.run("login shell node -v", "\"$SHELL\" -lc 'node -v'");
        if (loginNode.ok()) {
            ctx.fact("loginNodeVersion", lastLine(loginNode.stdout()));
        }
        CommandResult pkg = ctx.run("package.json", "cat " + ShellQuote.quote(l.packageRoot() + "/package.json"));
        if (pkg.ok()) {
            PackageJson.parse(pkg.stdout()).ifPresent(p -> {
                ctx.fact("gatewayVersion", p.version());
                ctx.fact("enginesNode", p.enginesNode());
            });
        }
        Gateway.launchdFacts(ctx, Gateway.launchctlPrint(ctx, b));
        // the probe account must read the same state the way the PROCESS probe will (ProbeGrant), or the gates refuse
        ProbeAccount.checkLaunchdRead(ctx, b);
        CommandResult lsof = ctx.run("lsof", "lsof -nP -iTCP -sTCP:LISTEN");
        LsofListeners.pidListeningOn(LsofListeners.parse(lsof.stdout()), l.gatewayPort())
                .ifPresent(pid -> ctx.fact("listeningPid", pid));
        LeaseInventory.fileSha256(ctx, "plist sha256", b.plistPath()).ifPresent(h -> ctx.fact("plistSha256", h));
        // the stat listing first, then the content: a change after the listing shows in RESTORE's listing
        List<CommandResult> pkgHash = new CommandBatch()
                .add("package tree stat listing sha256", LeaseInventory.packageStatScript(l.packageRoot()))
                .add("package tree sha256", LeaseInventory.packageTreeHashScript(l.packageRoot())).run(ctx);
        LeaseInventory.sha256Of(pkgHash.get(1)).ifPresent(h -> {
            ctx.fact("packageSha256", h);
            LeaseInventory.settledStat(pkgHash.get(0)).ifPresent(st -> ctx.fact(StepFacts.PACKAGE_STAT_SHA256, st));
        });
        // the lease user's CLI beside the service (gate CLI_MATCHES_SERVICE) and the space old cutovers take
        List<CommandResult> cli = new CommandBatch().add("login shell openclaw", LeaseCli.LOCATE_SCRIPT)
                .add("login shell openclaw --version", LeaseCli.VERSION_SCRIPT)
                .add("rollback kits and versions", LeaseVersions.listScript(b)).run(ctx);
        LeaseCli.facts(ctx, LeaseCli.found(cli.get(0), cli.get(1)));
        LeaseVersions.spaceFacts(ctx, b, l.packageRoot(), cli.get(2));
        CommandResult df = ctx.run("df", "df -k \"$HOME\"");
        DiskFree.freePercent(df.stdout()).ifPresent(p -> ctx.fact("diskFreePercent", p));
        baseline(ctx, b, l.gatewayPort());

        List<String> missing = new ArrayList<>();
        for (String f : FACTS) {
            if (!ctx.facts().containsKey(f)) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            String reason = String.format(ProbeReasons.INCOMPLETE_INVENTORY, String.join(", ", missing));
            // without hashes and version a rollback could not be verified: that is a failed inventory
            if (missing.contains("plistSha256") || missing.contains("packageSha256")
                    || missing.contains("gatewayVersion")) {
                throw new StepFailedException(reason);
            }
            ctx.reason(reason);
        }
    }

    /**
     * The pre-cutover integration baseline: {@code probe.validate.baseline-samples} synthetic {@code /hooks/wake}
     * calls; fact {@code baselineP95Millis} (integer ms) only when every call answered 200 (otherwise the evidence says
     * why and the latency rule has no baseline).
     */
    private static void baseline(StepContext ctx, LeaseInventory.Basics b, int port) {
        String token = LeaseSecrets.hooksToken(ctx).orElse(null);
        if (token == null) {
            return;
        }
        ProbeConfig.Validate vc = ctx.config().validate();
        ProbeSession session = new ProbeSession(ctx.ssh(), ctx.target(), port, b.serviceTarget(), token, null, 0, 0,
                new ProbeSession.Timeouts(vc.probeTimeout(), vc.tcpConnectTimeout(),
                        ctx.config().http().requestTimeout(), vc.integrationTimeout(), vc.tlsTimeout()), b.home());
        IntegrationProbe probe = new IntegrationProbe();
        List<Long> latencies = new ArrayList<>();
        List<String> details = new ArrayList<>();
        int samples = Math.max(1, vc.baselineSamples());
        for (int i = 0; i < samples; i++) {
            ctx.checkDeadline();
            ProbeOutcome o = probe.probe(session);
            details.add(o.verdict() + " " + o.detail());
            if (o.verdict() == Verdict.PASSED && o.latencyMillis() != null) {
                latencies.add(o.latencyMillis());
            }
        }
        Long p95 = latencies.size() == samples ? TriggerRules.p95(latencies) : null;
        ctx.addEvidence(Evidence.of("integration baseline", samples + " x POST " + IntegrationProbe.PATH
                + " (Authorization: Bearer [redacted]) " + IntegrationProbe.BODY, p95 != null ? 0 : 1,
                String.join("\n", details)));
        if (p95 != null) {
            ctx.fact("baselineP95Millis", p95);
        }
    }

    static String lastLine(String s) {
        String[] lines = s.trim().split("\\R");
        return lines[lines.length - 1].trim();
    }
}
