package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.contracts.ShellQuote;
import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepFacts;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SNAPSHOT: the rollback kit {@code $HOME/.openclaw-cutover/<cutoverId>}: plist copy, package archive, state
 * archive and their hashes in {@code manifest.sha256}. The state archive comes from a verified
 * {@code openclaw backup create} (run with the plist's node and the installed package's CLI; its payload copy of
 * {@code ~/.openclaw} is repacked as {@code state.tgz}, the backup archive itself stays in {@code $KIT/backup} and in
 * the manifest), or, when that path is not usable, from {@code tar} of the live directory with a bounded retry on
 * exit 1; fact {@code stateSnapshotMethod} says which. A kit that already verifies is never overwritten (a late
 * re-run must not capture the candidate).
 */
final class SnapshotStep implements StepHandler {

    static final String METHOD_BACKUP = "openclaw-backup";
    static final String METHOD_TAR = "tar";
    /** Where {@code openclaw backup create} writes its archive, inside the kit. */
    static final String BACKUP_DIR = "backup";
    private static final String EXTRACT_DIR = "extract";
    private static final Pattern SAFE_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,200}\\.(tar\\.gz|tgz)");

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
        ctx.require("mkdir kit", LeasePaths.PRIVATE + "mkdir -p " + qKit + " && chmod 700 " + qKit);
        ctx.require("copy plist", LeasePaths.PRIVATE + "cp -p " + ShellQuote.quote(b.plistPath()) + " "
                + ShellQuote.quote(kit + "/" + LeasePaths.PLIST_BACKUP) + " && chmod 600 "
                + ShellQuote.quote(kit + "/" + LeasePaths.PLIST_BACKUP));
        ctx.require("archive package", LeasePaths.PRIVATE + "tar -C " + ShellQuote.quote(LeasePaths.parent(l.packageRoot())) + " -czf "
                + ShellQuote.quote(kit + "/" + LeasePaths.PACKAGE_ARCHIVE) + " "
                // "./": a package directory named like an option ("-rf") is still a member name to tar
                + ShellQuote.quote("./" + LeasePaths.baseName(l.packageRoot())));
        Optional<String> backupArchive = snapshotState(ctx, l, kit);
        String files = LeasePaths.PLIST_BACKUP + " " + LeasePaths.PACKAGE_ARCHIVE + " " + LeasePaths.STATE_ARCHIVE
                + backupArchive.map(a -> " " + ShellQuote.quote(BACKUP_DIR + "/" + a)).orElse("");
        CommandResult manifest = ctx.require("write manifest", LeasePaths.PRIVATE + "cd " + qKit + " && shasum -a 256 " + files
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
        ctx.fact(StepFacts.PLIST_BACKUP_SHA256, plist);
        ctx.fact(StepFacts.PACKAGE_ARCHIVE_SHA256, pkg);
        ctx.fact(StepFacts.STATE_ARCHIVE_SHA256, state);
        String backup = manifestBackupArchive(manifest);
        ctx.fact("stateSnapshotMethod", backup != null ? METHOD_BACKUP : METHOD_TAR);
        if (backup != null) {
            ctx.fact("stateBackupSha256", parseManifest(manifest).get(backup));
        }
        return true;
    }

    /** File name of the {@code openclaw backup} archive listed in the manifest, or {@code null}. */
    static String manifestBackupArchive(String manifest) {
        if (manifest == null) {
            return null;
        }
        for (String line : manifest.split("\\R")) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && f[0].matches("[0-9a-f]{64}")) {
                String file = f[1].startsWith("*") ? f[1].substring(1) : f[1];
                if (file.trim().startsWith(BACKUP_DIR + "/")) {
                    return LeasePaths.baseName(file.trim());
                }
            }
        }
        return null;
    }

    /**
     * Writes {@code $KIT/state.tgz}: from a verified {@code openclaw backup create} when the gateway's CLI can take
     * one (consistent online copy of the SQLite files, no {@code -wal}/{@code -shm}), else from the live state
     * directory with {@code tar}, retried while tar exits 1. Returns the backup archive's file name (in
     * {@code $KIT/backup}) when the backup path was used.
     */
    private static Optional<String> snapshotState(StepContext ctx, LeaseInventory.Layout l, String kit) {
        String fallbackReason;
        if (ctx.config().snapshot().useBackup()) {
            BackupAttempt attempt = viaBackup(ctx, l, kit);
            if (attempt.archive() != null) {
                ctx.fact("stateSnapshotMethod", METHOD_BACKUP);
                ctx.addEvidence(Evidence.of("state snapshot method", "openclaw backup create --verify", 0,
                        METHOD_BACKUP + ": " + attempt.archive()));
                return Optional.of(attempt.archive());
            }
            fallbackReason = attempt.problem();
        } else {
            fallbackReason = ProbeReasons.BACKUP_DISABLED;
        }
        Log.warnf("cutover=%s lease=%s SNAPSHOT falls back to tar of the live state directory: %s",
                ctx.command().cutoverId(), ctx.command().leaseId(), fallbackReason);
        ctx.fact("stateSnapshotFallbackReason", fallbackReason);
        int attempts = viaTar(ctx, l.basics(), kit);
        ctx.fact("stateSnapshotMethod", METHOD_TAR);
        ctx.fact("stateTarAttempts", attempts);
        ctx.addEvidence(Evidence.of("state snapshot method", "tar -czf " + LeasePaths.STATE_ARCHIVE, 0,
                METHOD_TAR + " after " + attempts + " attempt(s); backup not used: " + fallbackReason));
        return Optional.empty();
    }

    private record BackupAttempt(String archive, String problem) {

        static BackupAttempt failed(String problem) {
            return new BackupAttempt(null, problem);
        }
    }

    /** {@code openclaw backup create --output $KIT/backup --verify --json} with the plist's node, then repack. */
    private static BackupAttempt viaBackup(StepContext ctx, LeaseInventory.Layout l, String kit) {
        String pkg = l.packageRoot();
        String backupDir = kit + "/" + BACKUP_DIR;
        String qBackup = ShellQuote.quote(backupDir);
        CommandResult cli = ctx.run("locate openclaw cli", "for f in " + ShellQuote.quote(pkg + "/openclaw.mjs") + " "
                + ShellQuote.quote(pkg + LeasePaths.INDEX_SUFFIX) + "; do if [ -f \"$f\" ]; then printf %s \"$f\"; "
                + "exit 0; fi; done; exit 1");
        String cliPath = cli.stdout() == null ? "" : cli.stdout().trim();
        if (!cli.ok() || LeasePaths.checkPath("openclaw cli", cliPath) != null) {
            return BackupAttempt.failed(String.format(ProbeReasons.BACKUP_NO_CLI, pkg));
        }
        CommandResult created;
        try {
            created = ctx.run("openclaw backup create", LeasePaths.PRIVATE + "rm -rf " + qBackup + " && mkdir -p " + qBackup + " && cd "
                    + qBackup + " && OPENCLAW_NO_AUTO_UPDATE=1 " + ShellQuote.quote(l.nodePath()) + " "
                    + ShellQuote.quote(cliPath) + " backup create --output " + qBackup + " --verify --json",
                    ctx.config().snapshot().backupTimeout());
        } catch (DeadlineExceededException e) {
            ctx.checkDeadline();
            return BackupAttempt.failed(String.format(ProbeReasons.BACKUP_CREATE_TIMED_OUT, e.getMessage()));
        }
        if (!created.ok()) {
            return BackupAttempt.failed(String.format(ProbeReasons.BACKUP_CREATE_FAILED, created.exitCode()));
        }
        String archive = archivePath(created.stdout(), backupDir);
        if (archive == null) {
            return BackupAttempt.failed(String.format(ProbeReasons.BACKUP_NO_ARCHIVE, backupDir));
        }
        String archiveName = LeasePaths.baseName(archive);
        ctx.fact("stateBackupArchive", archive);
        CommandResult unpacked = ctx.run("unpack backup", LeasePaths.PRIVATE + "cd " + qBackup + " && rm -rf " + EXTRACT_DIR + " && mkdir "
                + EXTRACT_DIR + " && tar -C " + EXTRACT_DIR + " -xzf " + ShellQuote.quote(archiveName) + " && find "
                + EXTRACT_DIR + " -type d -name " + LeasePaths.STATE_DIR + " -path '*/payload/posix/*' -print -prune");
        if (!unpacked.ok()) {
            return BackupAttempt.failed(String.format(ProbeReasons.BACKUP_EXTRACT_FAILED, archive,
                    unpacked.exitCode()));
        }
        String payload = payloadStateDir(unpacked.stdout(), l.basics().stateDir());
        if (payload == null || LeasePaths.checkPath("backup payload", backupDir + "/" + payload) != null) {
            return BackupAttempt.failed(String.format(ProbeReasons.BACKUP_NO_STATE_DIR, archive,
                    l.basics().stateDir()));
        }
        CommandResult repacked = ctx.run("archive state from backup", LeasePaths.PRIVATE + "tar -C "
                + ShellQuote.quote(LeasePaths.parent(backupDir + "/" + payload)) + " -czf "
                + ShellQuote.quote(kit + "/" + LeasePaths.STATE_ARCHIVE) + " " + LeasePaths.STATE_DIR + " && rm -rf "
                + ShellQuote.quote(backupDir + "/" + EXTRACT_DIR));
        if (!repacked.ok()) {
            return BackupAttempt.failed(String.format(ProbeReasons.BACKUP_REPACK_FAILED, repacked.exitCode()));
        }
        return new BackupAttempt(archiveName, null);
    }

    /**
     * The archive {@code backup create --json} wrote: its {@code archivePath} when that is a plain file directly in
     * {@code backupDir}; {@code null} otherwise (no JSON, {@code ok:false}, another directory, an unsafe name).
     */
    static String archivePath(String stdout, String backupDir) {
        if (stdout == null) {
            return null;
        }
        int open = stdout.indexOf('{');
        int close = stdout.lastIndexOf('}');
        if (open < 0 || close < open) {
            return null;
        }
        try {
            JsonNode json = Json.MAPPER.readTree(stdout.substring(open, close + 1));
            if (json.path("ok").isBoolean() && !json.path("ok").asBoolean()) {
                return null;
            }
            String path = json.path("archivePath").asText("");
            if (LeasePaths.checkPath("backup archive", path) != null
                    || !LeasePaths.parent(path).equals(backupDir)
                    || !SAFE_FILE.matcher(LeasePaths.baseName(path)).matches()) {
                return null;
            }
            return path;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Picks the payload copy of the live state directory from {@code find} output (paths relative to
     * {@code $KIT/backup}): the one at {@code payload/posix<stateDir>}, else the only candidate.
     */
    static String payloadStateDir(String findOutput, String stateDir) {
        List<String> found = findOutput == null ? List.of()
                : findOutput.lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String f : found) {
            if (f.endsWith("/payload/posix" + stateDir) && f.startsWith(EXTRACT_DIR + "/")) {
                return f;
            }
        }
        return found.size() == 1 && found.get(0).startsWith(EXTRACT_DIR + "/") ? found.get(0) : null;
    }

    /** {@code tar} of the live state directory; exit 1 (a file changed as it was read) is retried. */
    private static int viaTar(StepContext ctx, LeaseInventory.Basics b, String kit) {
        int max = Math.max(1, ctx.config().snapshot().tarAttempts());
        String script = LeasePaths.PRIVATE + "tar -C " + ShellQuote.quote(b.home()) + " -czf "
                + ShellQuote.quote(kit + "/" + LeasePaths.STATE_ARCHIVE) + " " + LeasePaths.STATE_DIR;
        for (int attempt = 1; ; attempt++) {
            String name = attempt == 1 ? "archive state" : "archive state (attempt " + attempt + ")";
            CommandResult r = ctx.run(name, script);
            if (r.ok()) {
                return attempt;
            }
            if (r.exitCode() != 1 || attempt >= max) {
                throw new StepFailedException(String.format(ProbeReasons.COMMAND_FAILED, name, r.exitCode()));
            }
            ctx.pause(ctx.config().snapshot().tarRetryDelay());
        }
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
