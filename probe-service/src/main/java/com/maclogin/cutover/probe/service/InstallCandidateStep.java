package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.probe.lease.PackageJson;
import com.maclogin.cutover.probe.lease.ShellQuote;
import java.util.Optional;

/**
 * INSTALL_CANDIDATE: side by side, never over the running package:
 * {@code npm install -g --prefix "$HOME/.openclaw-cutover/versions/<v>" 'openclaw@<v>'} (the pinned node's directory
 * appended to PATH as a fallback), then the installed {@code package.json} must say {@code <v>}.
 */
final class InstallCandidateStep implements StepHandler {

    @Override
    public String validate(RunStep c) {
        return Validation.version(c.parameters() == null ? null : c.parameters().candidateVersion());
    }

    @Override
    public void run(StepContext ctx) {
        String version = ctx.command().parameters().candidateVersion();
        LeaseInventory.Layout l = LeaseInventory.layout(ctx);
        LeaseInventory.Basics b = l.basics();
        String root = b.candidatePackageRoot(version);
        ctx.fact("candidatePackageRoot", root);

        Optional<PackageJson> installed = installedPackage(ctx, root);
        if (installed.isPresent() && version.equals(installed.get().version())) {
            ctx.reason(ProbeReasons.ALREADY_APPLIED);
        } else {
            String prefix = b.candidatePrefix(version);
            // the lease's own npm first; the pinned node's directory only as a fallback for bare SSH PATHs
            ctx.require("npm install", "mkdir -p " + ShellQuote.quote(prefix) + " && PATH=\"$PATH\":"
                    + ShellQuote.quote(LeasePaths.parent(l.nodePath())) + " npm install -g --prefix "
                    + ShellQuote.quote(prefix) + " " + ShellQuote.quote("openclaw@" + version),
                    ctx.config().ssh().installTimeout());
            installed = installedPackage(ctx, root);
            if (installed.isEmpty() || !version.equals(installed.get().version())) {
                throw new StepFailedException(String.format(ProbeReasons.CANDIDATE_VERSION_MISMATCH,
                        installed.map(PackageJson::version).orElse("nothing"), version));
            }
        }
        ctx.fact("candidateEnginesNode", installed.get().enginesNode());
        String hash = LeaseInventory.packageTreeSha256(ctx, "candidate package tree sha256", root)
                .orElseThrow(() -> new StepFailedException("cannot hash the candidate package at " + root));
        ctx.fact("candidatePackageSha256", hash);
    }

    static Optional<String> installedVersion(StepContext ctx, String packageRoot) {
        return installedPackage(ctx, packageRoot).map(PackageJson::version);
    }

    static Optional<PackageJson> installedPackage(StepContext ctx, String packageRoot) {
        CommandResult r = ctx.run("candidate package.json", "cat " + ShellQuote.quote(packageRoot + "/package.json"));
        if (!r.ok()) {
            return Optional.empty();
        }
        return PackageJson.parse(r.stdout());
    }
}
