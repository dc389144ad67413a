package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.GatewayPlist;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.contracts.ShellQuote;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the cutovers leave in {@code ~/.openclaw-cutover}: one rollback kit per cutover ({@code <cutoverId>/}) and one
 * side-by-side install per candidate ({@code versions/<v>/}). INVENTORY reports their space (evidence, no gate);
 * UNFREEZE after GREEN removes the version directories that neither run nor serve a rollback.
 */
final class LeaseVersions {

    static final String KIT = "kit";
    static final String VERSION = "version";

    /** One directory: a kit or a version directory, its name and its size ({@code du -sk}, in bytes). */
    record Entry(String kind, String name, long bytes) {
    }

    private LeaseVersions() {
    }

    /**
     * Lists the kits and version directories with their sizes, one {@code <kind> <KiB> <name>} line each (symlinks
     * and files are skipped; no cutover directory: nothing).
     */
    static String listScript(LeaseInventory.Basics b) {
        return "d=" + ShellQuote.quote(b.cutoverDir()) + "; [ -d \"$d\" ] || exit 0; cd \"$d\" || exit 1; "
                + "for k in *; do if [ -d \"$k\" ] && [ ! -L \"$k\" ] && [ \"$k\" != " + LeasePaths.VERSIONS_DIR
                + " ]; then printf '" + KIT + " %s %s\\n' \"$(du -sk \"$k\" | cut -f1)\" \"$k\"; fi; done; "
                + "if [ -d " + LeasePaths.VERSIONS_DIR + " ] && [ ! -L " + LeasePaths.VERSIONS_DIR + " ]; then cd "
                + LeasePaths.VERSIONS_DIR + " || exit 1; for v in *; do if [ -d \"$v\" ] && [ ! -L \"$v\" ]; then "
                + "printf '" + VERSION + " %s %s\\n' \"$(du -sk \"$v\" | cut -f1)\" \"$v\"; fi; done; fi; exit 0";
    }

    static List<Entry> parse(String output) {
        List<Entry> out = new ArrayList<>();
        if (output == null) {
            return out;
        }
        for (String line : output.split("\\R")) {
            String[] f = line.split(" ", 3);
            if (f.length == 3 && (f[0].equals(KIT) || f[0].equals(VERSION)) && f[1].matches("\\d{1,15}")) {
                out.add(new Entry(f[0], f[2], Long.parseLong(f[1]) * 1024));
            }
        }
        return out;
    }

    /**
     * INVENTORY's evidence of the space old cutovers take: {@code kitsCount}, {@code kitsBytes} (every rollback kit),
     * {@code oldVersionsCount}, {@code oldVersionsBytes}, {@code oldVersions} (every version directory but the one
     * the plist runs; a directory whose name is no version is not the cutovers' and not counted).
     */
    static void spaceFacts(StepContext ctx, LeaseInventory.Basics b, String runningPackageRoot, CommandResult list) {
        if (list == null || !list.ok()) {
            return;
        }
        Optional<String> running = b.versionDirOf(runningPackageRoot);
        long kits = 0;
        long kitBytes = 0;
        List<String> old = new ArrayList<>();
        long oldBytes = 0;
        for (Entry e : parse(list.stdout())) {
            if (e.kind().equals(KIT)) {
                kits++;
                kitBytes += e.bytes();
            } else if (Validation.version(e.name()) == null
                    && (running.isEmpty() || !running.get().equals(e.name()))) {
                old.add(e.name());
                oldBytes += e.bytes();
            }
        }
        ctx.fact("kitsCount", kits);
        ctx.fact("kitsBytes", kitBytes);
        ctx.fact("oldVersionsCount", old.size());
        ctx.fact("oldVersionsBytes", oldBytes);
        ctx.fact("oldVersions", String.join(",", old));
    }

    /**
     * After GREEN (UNFREEZE, while this cutover still holds the freeze): removes every directory in
     * {@code ~/.openclaw-cutover/versions} except the one the live plist runs, the previous one (the package root of
     * the plist in this cutover's rollback kit, kept for a rollback) and the one the lease user's CLI points into.
     * Only when this cutover's flip is in effect: the live plist runs a version directory, and not the kit's package
     * (after a failure before the flip nothing changed; after a rollback the kit's package runs again). Never fails
     * the step: what it did or why it did nothing is in the facts ({@code pruneVersions}, {@code prunedVersions},
     * {@code prunedBytes}, {@code keptVersions}).
     */
    static void pruneAfterGreen(StepContext ctx, LeaseInventory.Basics b, String kit) {
        List<CommandResult> r = new CommandBatch()
                .add("cat plist", "cat " + ShellQuote.quote(b.plistPath()))
                .add("cat kit plist", "cat " + ShellQuote.quote(kit + "/" + LeasePaths.PLIST_BACKUP))
                .add("login shell openclaw", LeaseCli.LOCATE_SCRIPT)
                .add("rollback kits and versions", listScript(b))
                .run(ctx);
        Optional<String> live = packageRoot(r.get(0));
        Optional<String> previous = packageRoot(r.get(1));
        if (live.isEmpty() || previous.isEmpty()) {
            skip(ctx, "the live plist or this cutover's kit plist is unreadable");
            return;
        }
        Optional<String> running = b.versionDirOf(live.get());
        if (running.isEmpty() || live.get().equals(previous.get())) {
            skip(ctx, "this cutover's flip is not in effect (the plist runs " + live.get() + ")");
            return;
        }
        Set<String> keep = new LinkedHashSet<>();
        keep.add(running.get());
        b.versionDirOf(previous.get()).ifPresent(keep::add);
        LeaseCli.Found cli = LeaseCli.found(r.get(2), null);
        if (cli.present() && cli.link() != null) {
            b.versionDirOf(resolve(cli.path(), cli.link())).ifPresent(keep::add);
        }
        List<String> remove = new ArrayList<>();
        long bytes = 0;
        for (Entry e : parse(r.get(3) != null && r.get(3).ok() ? r.get(3).stdout() : "")) {
            if (e.kind().equals(VERSION) && Validation.version(e.name()) == null && !keep.contains(e.name())) {
                remove.add(e.name());
                bytes += e.bytes();
            }
        }
        ctx.fact("keptVersions", String.join(",", keep));
        if (remove.isEmpty()) {
            ctx.fact("pruneVersions", "NOTHING_TO_REMOVE");
            return;
        }
        StringBuilder rm = new StringBuilder("rm -rf --");
        for (String v : remove) {
            rm.append(' ').append(ShellQuote.quote(b.versionsDir() + "/" + v));
        }
        CommandResult removed = ctx.run("remove old versions", rm.toString());
        ctx.fact("pruneVersions", removed.ok() ? "REMOVED" : "FAILED");
        ctx.fact("prunedVersions", String.join(",", remove));
        ctx.fact("prunedBytes", removed.ok() ? bytes : 0);
    }

    private static void skip(StepContext ctx, String why) {
        ctx.fact("pruneVersions", "SKIPPED");
        ctx.addEvidence(Evidence.of("prune versions", null, 0, "nothing removed: " + why));
    }

    private static Optional<String> packageRoot(CommandResult cat) {
        if (cat == null || !cat.ok()) {
            return Optional.empty();
        }
        try {
            return GatewayPlist.parse(cat.stdout()).packageRoot()
                    .filter(p -> LeasePaths.checkPath("package root", p) == null);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A symlink's target as an absolute path without {@code .} and {@code ..} segments (a relative one from its directory). */
    static String resolve(String linkPath, String target) {
        String joined = target.startsWith("/") ? target : LeasePaths.parent(linkPath) + "/" + target;
        Deque<String> parts = new ArrayDeque<>();
        for (String seg : joined.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(seg);
            }
        }
        return "/" + String.join("/", parts);
    }
}
