package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.probe.lease.ShellQuote;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SNAPSHOT: the rollback kit {@code $HOME/.openclaw-cutover/<cutoverId>}: plist copy, package archive, state
 * archive and their hashes in {@code manifest.sha256}. A kit that already verifies is never overwritten (a late
 * re-run must not capture the candidate).
 */
final class SnapshotStep implements StepHandler {

    @Override
    public void run(StepContext ctx) {
        LeaseInventory.Layout l = LeaseInventory.layout(ctx);
        LeaseInventory.Basics b = l.basics();
        String kit = b.kit(ctx.command().cutoverId());
        String qKit = ShellQuote.quote(kit);
        ctx.fact("kitPath", kit);

        CommandResult existing = ctx.run("verify existing kit", "cd " + qKit + " && shasum -a 256 -c "
                + LeasePaths.MANIFEST + " && cat " + LeasePaths.MANIFEST);
        if (existing.ok() && manifestFacts(ctx, existing.stdout())) {
            ctx.reason(ProbeReasons.ALREADY_APPLIED);
            return;
        }
        ctx.require("mkdir kit", "mkdir -p " + qKit);
        ctx.require("copy plist", "cp -p " + ShellQuote.quote(b.plistPath()) + " "
                + ShellQuote.quote(kit + "/" + LeasePaths.PLIST_BACKUP));
        ctx.require("archive package", "tar -C " + ShellQuote.quote(LeasePaths.parent(l.packageRoot())) + " -czf "
                + ShellQuote.quote(kit + "/" + LeasePaths.PACKAGE_ARCHIVE) + " "
                + ShellQuote.quote(LeasePaths.baseName(l.packageRoot())));
        ctx.require("archive state", "tar -C " + ShellQuote.quote(b.home()) + " -czf "
                + ShellQuote.quote(kit + "/" + LeasePaths.STATE_ARCHIVE) + " " + LeasePaths.STATE_DIR);
        CommandResult manifest = ctx.require("write manifest", "cd " + qKit + " && shasum -a 256 "
                + LeasePaths.PLIST_BACKUP + " " + LeasePaths.PACKAGE_ARCHIVE + " " + LeasePaths.STATE_ARCHIVE
                + " > " + LeasePaths.MANIFEST + ".tmp && mv " + LeasePaths.MANIFEST + ".tmp " + LeasePaths.MANIFEST
                + " && cat " + LeasePaths.MANIFEST);
        if (!manifestFacts(ctx, manifest.stdout())) {
            throw new StepFailedException("manifest of the rollback kit is incomplete");
        }
    }

    /** Reads {@code <sha>  <file>} lines into the three archive facts; false if one is missing. */
    static boolean manifestFacts(StepContext ctx, String manifest) {
        Map<String, String> byFile = parseManifest(manifest);
        String plist = byFile.get(LeasePaths.PLIST_BACKUP);
        String pkg = byFile.get(LeasePaths.PACKAGE_ARCHIVE);
        String state = byFile.get(LeasePaths.STATE_ARCHIVE);
        if (plist == null || pkg == null || state == null) {
            return false;
        }
        ctx.fact("plistBackupSha256", plist);
        ctx.fact("packageArchiveSha256", pkg);
        ctx.fact("stateArchiveSha256", state);
        return true;
    }

    static Map<String, String> parseManifest(String manifest) {
        Map<String, String> out = new LinkedHashMap<>();
        if (manifest == null) {
            return out;
        }
        for (String line : manifest.split("\\R")) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && f[0].matches("[0-9a-f]{64}")) {
                String file = f[1].startsWith("*") ? f[1].substring(1) : f[1];
                out.put(LeasePaths.baseName(file.trim()), f[0]);
            }
        }
        return out;
    }
}
