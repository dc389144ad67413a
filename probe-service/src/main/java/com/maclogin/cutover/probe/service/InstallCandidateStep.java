package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.probe.lease.PackageJson;
import com.maclogin.cutover.contracts.ShellQuote;
import java.util.Optional;

/**
 * INSTALL_CANDIDATE: side by side, never over the running package:
 * {@code npm install -g --prefix "$HOME/.openclaw-cutover/versions/<v>" 'openclaw@<v>'} (the pinned node's directory
 * appended to PATH as a fallback), then the installed {@code package.json} must say {@code <v>}.
 * <p>With a {@code tarballSha256}: first {@code npm pack 'openclaw@<v>'} into the cutover's
 * kit directory, {@code shasum -a 256} of {@code openclaw-<v>.tgz} must equal it (else FAILED, nothing installed), and
 * the install is from that verified tarball.
 */
final class InstallCandidateStep implements StepHandler {

    @Override
    public String validate(RunStep c) {
        StepCommand.InstallCandidate p = c.command(StepCommand.InstallCandidate.class);
        String version = Validation.version(p == null ? null : p.candidateVersion());
        if (version != null) {
            return version;
        }
        if (p.tarballSha256() != null) {
            String bad = Validation.sha256(p.tarballSha256());
            return bad == null ? null : "tarballSha256: " + bad;
        }
        return null;
    }

    @Override
    public void run(StepContext ctx) {
        StepCommand.InstallCandidate p = ctx.command().command(StepCommand.InstallCandidate.class);
        String version = p.candidateVersion();
        LeaseInventory.Layout l = LeaseInventory.layout(ctx);
        LeaseInventory.Basics b = l.basics();
        String root = b.candidatePackageRoot(version);
        ctx.fact(StepFacts.CANDIDATE_PACKAGE_ROOT, root);
        // the lease's own npm first; the pinned node's directory only as a fallback for bare SSH PATHs
        String npm = "PATH=\"$PATH\":" + ShellQuote.quote(LeasePaths.parent(l.nodePath())) + " npm ";

        String expectedTarball = p.tarballSha256();
        String installSpec = "openclaw@" + version;
        if (expectedTarball != null) {
            installSpec = verifiedTarball(ctx, b, npm, version, expectedTarball);
        }

        Optional<PackageJson> installed = installedPackage(ctx, root);
        boolean running = root.equals(l.packageRoot());
        if (installed.isPresent() && version.equals(installed.get().version())
                && (expectedTarball == null || running)) {
            // without a tarball hash an earlier install is reused; with one, only the tree the gateway runs is kept
            ctx.reason(ProbeReasons.ALREADY_APPLIED);
        } else {
            String prefix = b.candidatePrefix(version);
            ctx.require("npm install", "mkdir -p " + ShellQuote.quote(prefix) + " && " + npm + "install -g --prefix "
                    + ShellQuote.quote(prefix) + " " + ShellQuote.quote(installSpec),
                    ctx.config().ssh().installTimeout());
            installed = installedPackage(ctx, root);
            if (installed.isEmpty() || !version.equals(installed.get().version())) {
                throw new StepFailedException(String.format(ProbeReasons.CANDIDATE_VERSION_MISMATCH,
                        installed.map(PackageJson::version).orElse("nothing"), version));
            }
        }
        ctx.fact(StepFacts.CANDIDATE_ENGINES_NODE, installed.get().enginesNode());
        String hash = LeaseInventory.packageTreeSha256(ctx, "candidate package tree sha256", root)
                .orElseThrow(() -> new StepFailedException("cannot hash the candidate package at " + root));
        ctx.fact(StepFacts.CANDIDATE_PACKAGE_SHA256, hash);
    }

    /**
     * {@code npm pack 'openclaw@<v>'} into the kit directory, then the tarball's sha256 must be {@code expected}.
     * Returns the tarball's path (the install spec); throws before anything is installed otherwise.
     */
    private static String verifiedTarball(StepContext ctx, LeaseInventory.Basics b, String npm, String version,
            String expected) {
        String kit = b.kit(ctx.command().cutoverId());
        String tarball = kit + "/openclaw-" + version + ".tgz";
        CommandResult pack = ctx.run("npm pack", LeasePaths.PRIVATE + "mkdir -p " + ShellQuote.quote(kit) + " && cd " + ShellQuote.quote(kit)
                + " && rm -f " + ShellQuote.quote(tarball) + " && " + npm + "pack "
                + ShellQuote.quote("openclaw@" + version), ctx.config().ssh().installTimeout());
        if (!pack.ok()) {
            throw new StepFailedException(String.format(ProbeReasons.TARBALL_FETCH_FAILED, version, pack.exitCode()));
        }
        String found = LeaseInventory.fileSha256(ctx, "tarball sha256", tarball).orElse("none");
        ctx.fact("candidateTarball", tarball);
        ctx.fact(StepFacts.CANDIDATE_TARBALL_SHA256, found);
        if (!found.equals(expected)) {
            throw new StepFailedException(String.format(ProbeReasons.TARBALL_HASH_MISMATCH, tarball, found, expected));
        }
        return tarball;
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
