package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.contracts.ShellQuote;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lease user's {@code openclaw} CLI, as the login shell resolves it ({@code "$SHELL" -lc 'command -v openclaw'}):
 * on a Mac npm's global prefix bin, a symlink into the package. The cutover keeps it on the version the service runs
 * without replacing a file of any version: FLIP_PLIST records in the rollback kit where it pointed
 * ({@link LeasePaths#CLI_RECORD}) and switches it with a rename(2) ({@code ln -sfn <versions>/<v>/bin/openclaw <tmp>}
 * then {@code mv -f <tmp> <cli>}); RESTORE puts the recorded link (or file copy) back the same way. Every value is
 * validated and single-quoted; nothing the lease printed reaches a shell unchecked.
 */
final class LeaseCli {

    /** The first version-looking word of {@code openclaw --version} output ({@code 2026.9.6}, {@code OpenClaw 2026.9.6 (eb377ac)}). */
    private static final Pattern VERSION_WORD = Pattern.compile("(?<![0-9.])(" + Validation.VERSION.pattern()
            + ")(?![0-9A-Za-z]|\\.[0-9A-Za-z])");

    /**
     * One login shell: where it finds {@code openclaw}, whether its directory is writable, and its link target. Prints
     * {@code path=}, {@code writable=} and (for a symlink) {@code link=} lines; exit 1 when there is none.
     */
    static final String LOCATE_SCRIPT = "\"$SHELL\" -lc " + ShellQuote.quote(
            "p=$(command -v " + LeasePaths.CLI_NAME + ") || exit 1; printf 'path=%s\\n' \"$p\"; "
                    + "if [ -w \"${p%/*}\" ]; then echo writable=true; else echo writable=false; fi; "
                    + "if [ -L \"$p\" ]; then printf 'link=%s\\n' \"$(readlink \"$p\")\"; fi; exit 0");
    static final String VERSION_SCRIPT = "\"$SHELL\" -lc " + ShellQuote.quote(LeasePaths.CLI_NAME + " --version");

    /**
     * What the login shell finds.
     *
     * @param path     absolute path of {@code openclaw} on the login PATH; null when there is none (or not a safe path)
     * @param writable whether its directory is writable for the lease user (a cutover can switch it)
     * @param link     its symlink target as {@code readlink} printed it; null for a regular file
     * @param version  the version {@code openclaw --version} reported; null when it did not run or printed none
     */
    record Found(String path, boolean writable, String link, String version) {

        boolean present() {
            return path != null;
        }
    }

    private LeaseCli() {
    }

    /** Where the login shell finds the CLI and what it reports, one SSH exec (evidence {@code name} and {@code name --version}). */
    static Found inspect(StepContext ctx, String name) {
        List<CommandResult> r = new CommandBatch().add(name, LOCATE_SCRIPT).add(name + " --version", VERSION_SCRIPT)
                .run(ctx);
        return found(r.get(0), r.get(1));
    }

    static Found found(CommandResult locate, CommandResult version) {
        Map<String, String> f = keyValues(locate != null && locate.ok() ? locate.stdout() : "");
        String path = f.get("path");
        if (path != null && LeasePaths.checkPath("openclaw cli", path) != null) {
            path = null;
        }
        String link = f.get("link");
        if (link != null && LeasePaths.checkLinkTarget("openclaw cli link", link) != null) {
            link = null;
        }
        String v = version != null && version.ok() ? versionIn(version.stdout()).orElse(null) : null;
        return new Found(path, "true".equals(f.get("writable")), path == null ? null : link, path == null ? null : v);
    }

    /** Facts {@code cliPath}, {@code cliWritable}, {@code cliVersion} (and {@code cliLink}, evidence only). */
    static void facts(StepContext ctx, Found cli) {
        if (!cli.present()) {
            return;
        }
        ctx.fact(StepFacts.CLI_PATH, cli.path());
        ctx.fact(StepFacts.CLI_WRITABLE, cli.writable());
        if (cli.link() != null) {
            ctx.fact("cliLink", cli.link());
        }
        if (cli.version() != null) {
            ctx.fact(StepFacts.CLI_VERSION, cli.version());
        }
    }

    /** The first version word in {@code openclaw --version} output. */
    static Optional<String> versionIn(String output) {
        Matcher m = VERSION_WORD.matcher(output == null ? "" : output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The temporary name next to the CLI that is renamed over it (same directory, so rename(2) is atomic). */
    static String tempName(String cliPath, String cutoverId) {
        return LeasePaths.parent(cliPath) + "/.openclaw.cutover-" + cutoverId;
    }

    /**
     * Writes the kit's record of where the CLI points, once (a re-run keeps the first record, which names the old
     * version); a regular file is copied into the kit beside it. Prints the record.
     */
    static String recordScript(String kit, String cliPath) {
        String rec = ShellQuote.quote(kit + "/" + LeasePaths.CLI_RECORD);
        String tmp = ShellQuote.quote(kit + "/" + LeasePaths.CLI_RECORD + ".tmp");
        String copy = kit + "/" + LeasePaths.CLI_RECORD_COPY;
        String q = ShellQuote.quote(cliPath);
        return LeasePaths.PRIVATE + "mkdir -p " + ShellQuote.quote(kit) + " && if [ ! -f " + rec + " ]; then { printf 'path=%s\\n' " + q
                + "; if [ -L " + q + " ]; then printf 'link=%s\\n' \"$(readlink " + q + ")\"; else cp -p " + q + " "
                + ShellQuote.quote(copy) + " && printf 'file=%s\\n' " + ShellQuote.quote(copy) + "; fi; } > " + tmp
                + " && mv -f " + tmp + " " + rec + "; fi && cat " + rec;
    }

    /**
     * Points {@code cliPath} at {@code target} with one rename: a symlink under a temporary name in the same
     * directory, then {@code mv -f} over the CLI. Refuses a directory (mv would move into it) and a missing target.
     */
    static String switchScript(String cliPath, String target, String cutoverId) {
        String q = ShellQuote.quote(cliPath);
        String t = ShellQuote.quote(target);
        String tmp = ShellQuote.quote(tempName(cliPath, cutoverId));
        return "if [ -d " + q + " ]; then echo " + ShellQuote.quote(cliPath + " is a directory") + " >&2; exit 1; fi; "
                + "if [ ! -e " + t + " ]; then echo " + ShellQuote.quote("no " + target) + " >&2; exit 1; fi; "
                + "ln -sfn " + t + " " + tmp + " && mv -f " + tmp + " " + q;
    }

    /**
     * What the kit recorded: the CLI's path and either its link target or the path of its copy in the kit; empty
     * when there is no (or no usable) record.
     */
    record Record(String path, String link, String file) {
    }

    static Optional<Record> parseRecord(String content, String kit) {
        if (content == null || content.isBlank()) {
            return Optional.empty();
        }
        Map<String, String> f = keyValues(content);
        String path = f.get("path");
        if (LeasePaths.checkPath("recorded openclaw cli", path) != null) {
            return Optional.empty();
        }
        String link = f.get("link");
        if (link != null) {
            return LeasePaths.checkLinkTarget("recorded openclaw cli link", link) == null
                    ? Optional.of(new Record(path, link, null)) : Optional.empty();
        }
        String file = f.get("file");
        return (kit + "/" + LeasePaths.CLI_RECORD_COPY).equals(file) ? Optional.of(new Record(path, null, file))
                : Optional.empty();
    }

    /** Puts the recorded link (or the kit's copy) back at the recorded path with one rename, then prints the link. */
    static String restoreScript(Record r, String cutoverId) {
        String q = ShellQuote.quote(r.path());
        String tmp = ShellQuote.quote(tempName(r.path(), cutoverId));
        String put = r.link() != null ? "ln -sfn " + ShellQuote.quote(r.link()) + " " + tmp
                : "rm -f " + tmp + " && cp -p " + ShellQuote.quote(r.file()) + " " + tmp;
        return "if [ -d " + q + " ]; then echo " + ShellQuote.quote(r.path() + " is a directory")
                + " >&2; exit 1; fi; " + put + " && mv -f " + tmp + " " + q
                + (r.link() != null ? " && readlink " + q : "");
    }

    /** The reason a switch could not be done, or null when the CLI can be switched. */
    static String unswitchable(Found cli) {
        if (!cli.present()) {
            return ProbeReasons.CLI_NOT_FOUND;
        }
        return cli.writable() ? null : String.format(ProbeReasons.CLI_NOT_WRITABLE, cli.path());
    }

    private static Map<String, String> keyValues(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 1));
            }
        }
        return m;
    }
}
