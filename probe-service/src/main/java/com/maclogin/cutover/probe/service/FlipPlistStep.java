package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.contracts.ShellQuote;
import java.util.List;
import java.util.Optional;

/**
 * FLIP_PLIST: writes {@code <plist>.candidate} with the {@code dist/index.js} argument pointing at the candidate
 * package, {@code plutil -lint}, {@code diff -u}, then in one SSH exec {@code mv} into place and the lease user's
 * {@code openclaw} (where the login shell finds it) switched to the candidate's {@code bin/openclaw}: its old target
 * recorded in the rollback kit first ({@link LeaseCli#recordScript}), then a symlink renamed over it
 * ({@link LeaseCli#switchScript}), so the plist and the CLI change together and no file of the running version is
 * replaced. Already pointing there: only the CLI is brought along if it is not yet.
 */
final class FlipPlistStep implements StepHandler {

    @Override
    public String validate(RunStep c) {
        StepCommand.FlipPlist p = c.command(StepCommand.FlipPlist.class);
        return Validation.version(p == null ? null : p.candidateVersion());
    }

    @Override
    public void run(StepContext ctx) {
        String version = ctx.command().command(StepCommand.FlipPlist.class).candidateVersion();
        LeaseInventory.Layout l = LeaseInventory.layout(ctx);
        LeaseInventory.Basics b = l.basics();
        String root = b.candidatePackageRoot(version);
        String plist = b.plistPath();
        ctx.fact("candidatePackageRoot", root);
        ctx.fact("previousPackageRoot", l.packageRoot());

        if (l.packageRoot().equals(root)) {
            LeaseInventory.fileSha256(ctx, "plist sha256", plist).ifPresent(h -> ctx.fact("newPlistSha256", h));
            ctx.facts().remove("previousPackageRoot");
            LeaseCli.Found cli = LeaseCli.inspect(ctx, "login shell openclaw");
            if (cliPointsAt(cli, b, version)) {
                cliFacts(ctx, cli, CLI_ALREADY);
            } else if (LeaseCli.unswitchable(cli) == null) {
                switchCli(ctx, b, version, cli, new CommandBatch());
            } else {
                skipCli(ctx, cli);
            }
            ctx.reason(ProbeReasons.ALREADY_APPLIED);
            return;
        }
        Optional<String> installed = InstallCandidateStep.installedVersion(ctx, root);
        if (installed.isEmpty() || !installed.get().equals(version)) {
            throw new StepFailedException(String.format(ProbeReasons.CANDIDATE_NOT_INSTALLED, version, root));
        }
        String candidateXml;
        try {
            candidateXml = l.plist().withPackageRoot(root);
        } catch (IllegalArgumentException e) {
            throw new StepFailedException(String.format(ProbeReasons.PLIST_UNPARSEABLE, plist, e.getMessage()));
        }
        String candidate = plist + ".candidate";
        String qCandidate = ShellQuote.quote(candidate);
        ctx.require("write candidate plist", "printf '%s' " + ShellQuote.quote(candidateXml) + " > " + qCandidate
                + " && chmod 644 " + qCandidate);
        CommandResult lint = ctx.run("plutil -lint", "plutil -lint " + qCandidate);
        if (!lint.ok()) {
            ctx.run("remove candidate plist", "rm -f " + qCandidate);
            throw new StepFailedException(ProbeReasons.PLIST_LINT_FAILED);
        }
        ctx.run("diff -u", "diff -u " + ShellQuote.quote(plist) + " " + qCandidate);
        // where the login shell finds the CLI, read before anything changes
        LeaseCli.Found cli = LeaseCli.inspect(ctx, "login shell openclaw");
        CommandBatch flip = new CommandBatch().require("mv candidate plist", "mv " + qCandidate + " "
                + ShellQuote.quote(plist));
        if (cliPointsAt(cli, b, version)) {
            CommandBatch.required(flip.run(ctx), 0, "mv candidate plist");
            cliFacts(ctx, cli, CLI_ALREADY);
        } else if (LeaseCli.unswitchable(cli) == null) {
            switchCli(ctx, b, version, cli, flip);
        } else {
            CommandBatch.required(flip.run(ctx), 0, "mv candidate plist");
            skipCli(ctx, cli);
        }
        String hash = LeaseInventory.fileSha256(ctx, "plist sha256", plist)
                .orElseThrow(() -> new StepFailedException("cannot hash the new plist"));
        ctx.fact("newPlistSha256", hash);
    }

    static final String CLI_SWITCHED = "SWITCHED";
    static final String CLI_ALREADY = "ALREADY";
    static final String CLI_SKIPPED = "SKIPPED";

    /**
     * In the exec of {@code batch} (the plist's {@code mv}, if not done yet): the kit's record of where the CLI points
     * (written once) and the switch; then the login shell must find the candidate's version there.
     */
    private static void switchCli(StepContext ctx, LeaseInventory.Basics b, String version, LeaseCli.Found cli,
            CommandBatch batch) {
        String kit = b.kit(ctx.command().cutoverId());
        String target = b.candidateCli(version);
        int first = batch.size();
        List<CommandResult> r = batch
                .require("record cli in kit", LeaseCli.recordScript(kit, cli.path()))
                .require("switch cli", LeaseCli.switchScript(cli.path(), target, ctx.command().cutoverId()))
                .run(ctx);
        for (int i = 0; i < first; i++) {
            CommandBatch.required(r, i, "mv candidate plist");
        }
        CommandBatch.required(r, first, "record cli in kit");
        CommandResult switched = r.get(first + 1);
        if (switched == null || !switched.ok()) {
            throw new StepFailedException(String.format(ProbeReasons.CLI_SWITCH_FAILED, cli.path(), target,
                    switched == null ? -1 : switched.exitCode()));
        }
        ctx.fact("cliPreviousLink", cli.link() != null ? cli.link() : "(regular file, copied into the kit)");
        ctx.fact("cliPreviousVersion", cli.version());
        LeaseCli.Found after = LeaseCli.inspect(ctx, "login shell openclaw after the switch");
        cliFacts(ctx, after, CLI_SWITCHED);
        if (after.version() != null && !after.version().equals(version)) {
            throw new StepFailedException(String.format(ProbeReasons.CLI_NOT_SWITCHED, after.path(), after.version(),
                    version));
        }
    }

    private static boolean cliPointsAt(LeaseCli.Found cli, LeaseInventory.Basics b, String version) {
        return cli.present() && b.candidateCli(version).equals(cli.link());
    }

    private static void cliFacts(StepContext ctx, LeaseCli.Found cli, String outcome) {
        LeaseCli.facts(ctx, cli);
        ctx.fact("cliSwitch", outcome);
    }

    /** No CLI on the login PATH, or one the lease user cannot replace: said in the facts, the plist flip stands. */
    private static void skipCli(StepContext ctx, LeaseCli.Found cli) {
        String why = LeaseCli.unswitchable(cli);
        cliFacts(ctx, cli, CLI_SKIPPED);
        ctx.fact("cliSwitchSkipped", why);
        ctx.addEvidence(com.maclogin.cutover.contracts.Evidence.of("cli switch", null, 0, why));
    }
}
