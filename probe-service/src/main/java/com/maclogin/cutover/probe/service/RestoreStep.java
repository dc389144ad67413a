package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepParameters;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.probe.lease.ShellQuote;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * RESTORE: first the kit's state archive must hash to the SNAPSHOT's {@code state} hash (else FAILED before anything
 * is touched); bootout; plist back from the kit, hash = inventory {@code plist} hash; package tree hash = inventory
 * {@code package} hash, else untar the kit's package (old tree moved aside) and check again; {@code ~/.openclaw}
 * moved aside and the state archive unpacked; enable + bootstrap; {@code /readyz} 200 and {@code /startupz} version
 * = previous version.
 */
final class RestoreStep implements StepHandler {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    @Override
    public String validate(RunStep c) {
        StepParameters p = c.parameters();
        if (p == null) {
            return "parameters are required";
        }
        Map<String, String> expected = p.expectedSha256();
        if (expected == null) {
            return "expectedSha256 is required";
        }
        String plist = Validation.sha256(expected.get("plist"));
        if (plist != null) {
            return "expectedSha256.plist: " + plist;
        }
        String pkg = Validation.sha256(expected.get("package"));
        if (pkg != null) {
            return "expectedSha256.package: " + pkg;
        }
        String state = Validation.sha256(expected.get("state"));
        if (state != null) {
            return "expectedSha256.state: " + state;
        }
        String previous = Validation.version(p.previousVersion());
        return previous == null ? null : "previousVersion: " + previous;
    }

    @Override
    public void run(StepContext ctx) {
        StepParameters p = ctx.command().parameters();
        String expectedPlist = p.expectedSha256().get("plist");
        String expectedPackage = p.expectedSha256().get("package");
        String expectedState = p.expectedSha256().get("state");
        LeaseInventory.Basics b = LeaseInventory.basics(ctx);
        String kit = b.kit(ctx.command().cutoverId());
        String stamp = STAMP.format(java.time.Instant.now());

        CommandResult manifest = ctx.run("rollback kit manifest", "cat "
                + ShellQuote.quote(kit + "/" + LeasePaths.MANIFEST));
        if (!manifest.ok()) {
            throw new StepFailedException(String.format(ProbeReasons.NO_ROLLBACK_KIT, kit));
        }
        // the state archive is checked before anything is restored: a tampered or truncated archive leaves the lease
        // exactly as it is (still on the candidate) and the rollback fails for a human to look at
        String stateArchive = kit + "/" + LeasePaths.STATE_ARCHIVE;
        String stateFound = LeaseInventory.fileSha256(ctx, "state archive sha256", stateArchive).orElse("none");
        ctx.fact("stateArchiveSha256", stateFound);
        if (!stateFound.equals(expectedState)) {
            throw new StepFailedException(String.format(ProbeReasons.STATE_ARCHIVE_HASH_MISMATCH, stateArchive,
                    stateFound, expectedState));
        }

        String kitPlist = kit + "/" + LeasePaths.PLIST_BACKUP;
        LeaseInventory.Layout kitLayout = LeaseInventory.layout(ctx, b, kitPlist);
        String pkg = kitLayout.packageRoot();

        LeaseInventory.fileSha256(ctx, "plist sha256 before", b.plistPath())
                .ifPresent(h -> ctx.fact("plistSha256Before", h));
        Optional<String> packageBefore = LeaseInventory.packageTreeSha256(ctx, "package sha256 before", pkg);
        packageBefore.ifPresent(h -> ctx.fact("packageSha256Before", h));

        Gateway.bootout(ctx, b);
        ctx.require("restore plist", "cp -p " + ShellQuote.quote(kitPlist) + " " + ShellQuote.quote(b.plistPath()));
        String plistAfter = LeaseInventory.fileSha256(ctx, "plist sha256 after", b.plistPath()).orElse("none");
        ctx.fact("plistSha256After", plistAfter);
        if (!plistAfter.equals(expectedPlist)) {
            throw new StepFailedException(String.format(ProbeReasons.PLIST_HASH_MISMATCH, plistAfter, expectedPlist));
        }

        boolean fromArchive = !expectedPackage.equals(packageBefore.orElse(null));
        if (fromArchive) {
            String qPkg = ShellQuote.quote(pkg);
            String parent = ShellQuote.quote(LeasePaths.parent(pkg));
            ctx.require("restore package", "if [ -e " + qPkg + " ]; then mv " + qPkg + " "
                    + ShellQuote.quote(pkg + ".cutover-aside-" + stamp) + "; fi && mkdir -p " + parent
                    + " && tar -C " + parent + " -xzf " + ShellQuote.quote(kit + "/" + LeasePaths.PACKAGE_ARCHIVE));
        }
        ctx.fact("packageRestoredFromArchive", fromArchive);
        String packageAfter = fromArchive
                ? LeaseInventory.packageTreeSha256(ctx, "package sha256 after", pkg).orElse("none")
                : packageBefore.get();
        ctx.fact("packageSha256After", packageAfter);
        if (!packageAfter.equals(expectedPackage)) {
            throw new StepFailedException(String.format(ProbeReasons.PACKAGE_HASH_MISMATCH, packageAfter,
                    expectedPackage));
        }

        String aside = kit + "/state-aside-" + stamp;
        String qState = ShellQuote.quote(b.stateDir());
        ctx.require("restore state", "if [ -e " + qState + " ]; then mv " + qState + " " + ShellQuote.quote(aside)
                + "; fi && tar -C " + ShellQuote.quote(b.home()) + " -xzf "
                + ShellQuote.quote(kit + "/" + LeasePaths.STATE_ARCHIVE));
        ctx.fact("stateAsidePath", aside);

        Gateway.bootstrap(ctx, b);
        ctx.fact("readyAfterMillis", Gateway.waitReady(ctx, kitLayout.gatewayPort()));
        Optional<String> running = Gateway.startupVersion(ctx, kitLayout.gatewayPort());
        running.ifPresent(v -> ctx.fact("runningVersion", v));
        if (!p.previousVersion().equals(running.orElse(null))) {
            throw new StepFailedException(String.format(ProbeReasons.RUNNING_VERSION_MISMATCH,
                    running.orElse("unknown"), p.previousVersion()));
        }
        Gateway.launchdFacts(ctx, Gateway.launchctlPrint(ctx, b));
        // The lease runs the previous version again: lift this cutover's freeze so the lease is not stranded for
        // the next cutover (another cutover's marker is left alone).
        String marker = b.frozenMarker();
        String owner = FreezeStep.markerField(FreezeStep.readMarker(ctx, marker), "cutoverId");
        if (ctx.command().cutoverId().equals(owner)) {
            ctx.require("lift freeze marker", "rm -f " + ShellQuote.quote(marker));
            ctx.fact("unfrozen", "true");
        }
    }
}
