package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.contracts.ShellQuote;
import java.util.Optional;

/**
 * FLIP_PLIST: writes {@code <plist>.candidate} with the {@code dist/index.js} argument pointing at the candidate
 * package, {@code plutil -lint}, {@code diff -u}, {@code mv} into place. Already pointing there: nothing to do.
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
        ctx.require("mv candidate plist", "mv " + qCandidate + " " + ShellQuote.quote(plist));
        String hash = LeaseInventory.fileSha256(ctx, "plist sha256", plist)
                .orElseThrow(() -> new StepFailedException("cannot hash the new plist"));
        ctx.fact("newPlistSha256", hash);
    }
}
