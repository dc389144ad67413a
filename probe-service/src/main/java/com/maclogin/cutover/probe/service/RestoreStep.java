package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.ArtifactHashes;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.contracts.ShellQuote;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import com.maclogin.cutover.probe.lease.LaunchctlPrint;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RESTORE, its commands grouped into {@link CommandBatch}es (four batches, plus the package restore when needed and
 * the freeze-marker removal; the basics come with the ledger read), every check in the same order relative to the
 * mutations as when each command was its own exec: first the kit's state archive must hash to the SNAPSHOT's {@code state} hash (else FAILED before anything
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
        StepCommand.Restore p = c.command(StepCommand.Restore.class);
        if (p == null) {
            return "command is required";
        }
        Map<String, String> expected = p.expectedSha256();
        if (expected == null) {
            return "expectedSha256 is required";
        }
        String plist = Validation.sha256(expected.get(ArtifactHashes.PLIST));
        if (plist != null) {
            return "expectedSha256.plist: " + plist;
        }
        String pkg = Validation.sha256(expected.get(ArtifactHashes.PACKAGE));
        if (pkg != null) {
            return "expectedSha256.package: " + pkg;
        }
        String state = Validation.sha256(expected.get(ArtifactHashes.STATE));
        if (state != null) {
            return "expectedSha256.state: " + state;
        }
        String stat = expected.get(ArtifactHashes.PACKAGE_STAT);
        String statProblem = stat == null ? null : Validation.sha256(stat);
        if (statProblem != null) {
            return "expectedSha256.packageStat: " + statProblem;
        }
        String previous = Validation.version(p.previousVersion());
        return previous == null ? null : "previousVersion: " + previous;
    }

    @Override
    public void run(StepContext ctx) {
        Phases phases = new Phases(ctx);
        try {
            restore(ctx, phases);
        } finally {
            // a failed RESTORE shows where its time went too
            phases.record();
        }
    }

    private void restore(StepContext ctx, Phases phases) {
        StepCommand.Restore p = ctx.command().command(StepCommand.Restore.class);
        String expectedPlist = p.expectedSha256().get(ArtifactHashes.PLIST);
        String expectedPackage = p.expectedSha256().get(ArtifactHashes.PACKAGE);
        String expectedState = p.expectedSha256().get(ArtifactHashes.STATE);
        String expectedStat = p.expectedSha256().get(ArtifactHashes.PACKAGE_STAT);
        LeaseInventory.Basics b = LeaseInventory.basics(ctx);
        String kit = b.kit(ctx.command().cutoverId());
        String stamp = STAMP.format(Instant.now());
        String stateArchive = kit + "/" + LeasePaths.STATE_ARCHIVE;
        String kitPlist = kit + "/" + LeasePaths.PLIST_BACKUP;

        // Read-only look, one SSH exec: the kit (its manifest must exist, else nothing else is read), the state
        // archive's hash, the kit's plist and the live plist's hash. Nothing is touched before the state check below.
        List<CommandResult> look = new CommandBatch()
                .require("rollback kit manifest", "cat " + ShellQuote.quote(kit + "/" + LeasePaths.MANIFEST))
                .add("state archive sha256", LeaseInventory.fileSha256Script(stateArchive))
                .add("cat plist", "cat " + ShellQuote.quote(kitPlist))
                .add("plist sha256 before", LeaseInventory.fileSha256Script(b.plistPath()))
                .add("read cli record", "cat " + ShellQuote.quote(kit + "/" + LeasePaths.CLI_RECORD))
                .run(ctx);
        phases.add(Phase.HASH_CHECKS, look);
        if (look.get(0) == null || !look.get(0).ok()) {
            throw new StepFailedException(String.format(ProbeReasons.NO_ROLLBACK_KIT, kit));
        }
        // the state archive is checked before anything is restored: a tampered or truncated archive leaves the lease
        // exactly as it is (still on the candidate) and the rollback fails for a human to look at
        String stateFound = LeaseInventory.sha256Of(look.get(1)).orElse("none");
        ctx.fact(StepFacts.STATE_ARCHIVE_SHA256, stateFound);
        if (!stateFound.equals(expectedState)) {
            throw new StepFailedException(String.format(ProbeReasons.STATE_ARCHIVE_HASH_MISMATCH, stateArchive,
                    stateFound, expectedState));
        }
        CommandResult kitPlistCat = look.get(2);
        if (kitPlistCat == null || !kitPlistCat.ok()) {
            throw new StepFailedException(String.format(ProbeReasons.PLIST_UNREADABLE, kitPlist));
        }
        LeaseInventory.Layout kitLayout = LeaseInventory.parseLayout(ctx, b, kitPlist, kitPlistCat.stdout());
        String pkg = kitLayout.packageRoot();
        LeaseInventory.sha256Of(look.get(3)).ifPresent(h -> ctx.fact(StepFacts.PLIST_SHA256_BEFORE, h));
        // where FLIP_PLIST found the lease user's CLI before it switched it (none: the kit predates that, or nothing
        // was switched)
        Optional<LeaseCli.Record> cliRecord = look.get(4) != null && look.get(4).ok()
                ? LeaseCli.parseRecord(look.get(4).stdout(), kit) : Optional.empty();

        // One exec: the package check before (read-only, still before the first mutation), bootout, the plist back
        // from the kit (required: a failed copy ends the exec there) and its hash, checked before anything else. The
        // package check is the tree's stat listing when the inventory gate recorded one (the candidate was installed
        // beside the old tree, which stays untouched: its listing is unchanged and no content needs reading), else
        // the content hash.
        boolean byStat = expectedStat != null;
        List<CommandResult> swap = new CommandBatch()
                .add(byStat ? "package tree stat listing sha256" : "package sha256 before",
                        byStat ? LeaseInventory.packageStatScript(pkg) : LeaseInventory.packageTreeHashScript(pkg))
                .add("launchctl bootout", Gateway.bootoutScript(b)) // not loaded is fine: evidence only
                .require("restore plist", "cp -p " + ShellQuote.quote(kitPlist) + " " + ShellQuote.quote(b.plistPath()))
                .add("plist sha256 after", LeaseInventory.fileSha256Script(b.plistPath()))
                .run(ctx);
        phases.add(Phase.HASH_CHECKS, swap.get(0), swap.get(3));
        long packageCheckMillis = swap.get(0) == null ? 0 : swap.get(0).durationMillis();
        phases.add(Phase.LAUNCHD, swap.get(1), swap.get(2));
        CommandBatch.required(swap, 2, "restore plist");
        String plistAfter = LeaseInventory.sha256Of(swap.get(3)).orElse("none");
        ctx.fact(StepFacts.PLIST_SHA256_AFTER, plistAfter);
        if (!plistAfter.equals(expectedPlist)) {
            throw new StepFailedException(String.format(ProbeReasons.PLIST_HASH_MISMATCH, plistAfter, expectedPlist));
        }
        Optional<String> packageBefore;
        if (byStat && LeaseInventory.settledStat(swap.get(0)).filter(expectedStat::equals).isPresent()) {
            // the tree is entry for entry (inode, size, mtime, ctime) the one the gate hashed
            ctx.fact(StepFacts.PACKAGE_CHECK, "stat-unchanged");
            packageBefore = Optional.of(expectedPackage);
        } else {
            ctx.fact(StepFacts.PACKAGE_CHECK, "content-hash");
            CommandResult full = byStat ? ctx.run("package sha256 before", LeaseInventory.packageTreeHashScript(pkg))
                    : swap.get(0);
            if (byStat) {
                phases.add(Phase.HASH_CHECKS, full);
                packageCheckMillis += full.durationMillis();
            }
            packageBefore = LeaseInventory.sha256Of(full);
        }
        packageBefore.ifPresent(h -> ctx.fact(StepFacts.PACKAGE_SHA256_BEFORE, h));
        // within the hash checks: the old package tree's (stat listing, and the content hash when that differed)
        ctx.fact("restorePackageCheckMillis", packageCheckMillis);

        boolean fromArchive = !expectedPackage.equals(packageBefore.orElse(null));
        String packageAfter;
        if (fromArchive) {
            String qPkg = ShellQuote.quote(pkg);
            String parent = ShellQuote.quote(LeasePaths.parent(pkg));
            List<CommandResult> pk = new CommandBatch()
                    .require("restore package", "if [ -e " + qPkg + " ]; then mv " + qPkg + " "
                            + ShellQuote.quote(pkg + ".cutover-aside-" + stamp) + "; fi && mkdir -p " + parent
                            + " && tar -C " + parent + " -xzf " + ShellQuote.quote(kit + "/" + LeasePaths.PACKAGE_ARCHIVE))
                    .add("package sha256 after", LeaseInventory.packageTreeHashScript(pkg))
                    .run(ctx);
            phases.add(Phase.PACKAGE, pk.get(0));
            phases.add(Phase.HASH_CHECKS, pk.get(1));
            CommandBatch.required(pk, 0, "restore package");
            ctx.fact(StepFacts.PACKAGE_RESTORED_FROM_ARCHIVE, true);
            packageAfter = LeaseInventory.sha256Of(pk.get(1)).orElse("none");
        } else {
            ctx.fact(StepFacts.PACKAGE_RESTORED_FROM_ARCHIVE, false);
            packageAfter = packageBefore.get();
        }
        ctx.fact(StepFacts.PACKAGE_SHA256_AFTER, packageAfter);
        if (!packageAfter.equals(expectedPackage)) {
            throw new StepFailedException(String.format(ProbeReasons.PACKAGE_HASH_MISMATCH, packageAfter,
                    expectedPackage));
        }

        // One exec: state aside and unpacked (required), enable (required), bootstrap
        String aside = kit + "/state-aside-" + stamp;
        String qState = ShellQuote.quote(b.stateDir());
        // the CLI goes back with the package (one rename, as FLIP_PLIST switched it), before the old version starts
        CommandBatch upBatch = new CommandBatch()
                .require("restore state", "if [ -e " + qState + " ]; then mv " + qState + " " + ShellQuote.quote(aside)
                        + "; fi && tar -C " + ShellQuote.quote(b.home()) + " -xzf "
                        + ShellQuote.quote(kit + "/" + LeasePaths.STATE_ARCHIVE));
        cliRecord.ifPresent(r -> upBatch.add("restore cli", LeaseCli.restoreScript(r, ctx.command().cutoverId())));
        int enable = upBatch.size();
        List<CommandResult> up = upBatch
                .require("launchctl enable", Gateway.enableScript(b))
                .add("launchctl bootstrap", Gateway.bootstrapScript(b))
                .run(ctx);
        phases.add(Phase.STATE, up.get(0));
        if (cliRecord.isPresent()) {
            phases.add(Phase.PACKAGE, up.get(1));
        }
        phases.add(Phase.LAUNCHD, up.get(enable), up.get(enable + 1));
        CommandBatch.required(up, 0, "restore state");
        ctx.fact("stateAsidePath", aside);
        CommandResult cliRestored = cliRecord.isPresent() ? up.get(1) : null;
        CommandBatch.required(up, enable, "launchctl enable");
        Gateway.checkBootstrap(up.get(enable + 1));

        long ready = Gateway.waitReady(ctx, kitLayout.gatewayPort());
        ctx.fact("readyAfterMillis", ready);
        phases.addMillis(Phase.GATEWAY_START, ready);
        long verify = System.nanoTime();
        Optional<String> running = Gateway.startupVersion(ctx, kitLayout.gatewayPort());
        running.ifPresent(v -> ctx.fact(StepFacts.RUNNING_VERSION, v));
        if (!p.previousVersion().equals(running.orElse(null))) {
            throw new StepFailedException(String.format(ProbeReasons.RUNNING_VERSION_MISMATCH,
                    running.orElse("unknown"), p.previousVersion()));
        }
        // The lease runs the previous version again: lift this cutover's freeze so the lease is not stranded for
        // the next cutover (another cutover's marker is left alone). launchd's view and the marker: one exec.
        String marker = b.frozenMarker();
        List<CommandResult> end = new CommandBatch()
                .add("launchctl print", Gateway.printScript(b))
                .add("read freeze marker", FreezeStep.readMarkerScript(marker))
                .add("login shell openclaw", LeaseCli.LOCATE_SCRIPT)
                .add("login shell openclaw --version", LeaseCli.VERSION_SCRIPT)
                .run(ctx);
        Gateway.launchdFacts(ctx, LaunchctlPrint.parse(end.get(0).ok() ? end.get(0).stdout() : ""));
        LeaseCli.facts(ctx, LeaseCli.found(end.get(2), end.get(3)));
        checkCliRestored(ctx, cliRecord, cliRestored);
        String owner = FreezeStep.markerField(end.get(1).stdout(), "cutoverId");
        if (ctx.command().cutoverId().equals(owner)) {
            ctx.require("lift freeze marker", "rm -f " + ShellQuote.quote(marker));
            ctx.fact(StepFacts.UNFROZEN, "true");
        }
        phases.addMillis(Phase.VERIFY, millisSince(verify));
    }

    /** The parts of a RESTORE's time, recorded as facts {@code restore<Part>Millis} (docs/benchmarks.md). */
    enum Phase {
        /** New SSH connections: handshake, host key against the pin, login. */
        CONNECTION("restoreConnectionMillis"),
        /** The ledger and layout reads before the step, the kit, state archive, plist and package checks. */
        HASH_CHECKS("restoreHashChecksMillis"),
        /** The package tree from the kit's archive (only when it changed), and the CLI link back. */
        PACKAGE("restorePackageMillis"),
        /** {@code ~/.openclaw} aside and the kit's state archive unpacked. */
        STATE("restoreStateMillis"),
        /** bootout, the plist back, enable, bootstrap. */
        LAUNCHD("restoreLaunchdMillis"),
        /** bootstrap returned → {@code /readyz} 200: the gateway's own start, the floor. */
        GATEWAY_START("restoreGatewayStartMillis"),
        /** {@code /startupz} version, launchd's view, the CLI and the freeze marker. */
        VERIFY("restoreVerifyMillis");

        final String fact;

        Phase(String fact) {
            this.fact = fact;
        }
    }

    /** Sums the batch parts' own times (as the worker saw their output arrive) per phase. */
    static final class Phases {
        private final StepContext ctx;
        private final long[] millis = new long[Phase.values().length];

        Phases(StepContext ctx) {
            this.ctx = ctx;
            // what ran before the handler: the ledger and the basics (one exec)
            millis[Phase.HASH_CHECKS.ordinal()] = ctx.execMillis();
        }

        void add(Phase phase, List<CommandResult> parts) {
            parts.forEach(r -> add(phase, r));
        }

        void add(Phase phase, CommandResult... parts) {
            for (CommandResult r : parts) {
                if (r != null) {
                    millis[phase.ordinal()] += r.durationMillis();
                }
            }
        }

        void addMillis(Phase phase, long ms) {
            millis[phase.ordinal()] += ms;
        }

        void record() {
            millis[Phase.CONNECTION.ordinal()] = ctx.connectMillis();
            for (Phase ph : Phase.values()) {
                ctx.fact(ph.fact, millis[ph.ordinal()]);
            }
        }
    }

    /**
     * The CLI must be back where the kit recorded it (a link: {@code readlink} prints the recorded target), else the
     * restore fails before the freeze is lifted: a lease whose CLI and service disagree is left for a human.
     */
    private static void checkCliRestored(StepContext ctx, Optional<LeaseCli.Record> record, CommandResult restored) {
        if (record.isEmpty()) {
            ctx.fact("cliRestore", "NO_RECORD");
            ctx.addEvidence(Evidence.of("cli restore", null, 0,
                    ProbeReasons.CLI_NO_RECORD));
            return;
        }
        LeaseCli.Record r = record.get();
        String found = restored == null ? "not run" : restored.ok()
                ? (r.link() == null ? "copied back" : InventoryStep.lastLine(restored.stdout()))
                : "exit " + restored.exitCode();
        boolean ok = restored != null && restored.ok() && (r.link() == null || r.link().equals(found));
        ctx.fact("cliRestore", ok ? "RESTORED" : "FAILED");
        if (!ok) {
            throw new StepFailedException(String.format(ProbeReasons.CLI_NOT_RESTORED, r.path(), found));
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
