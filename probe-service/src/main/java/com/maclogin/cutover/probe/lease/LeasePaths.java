package com.maclogin.cutover.probe.lease;

import com.maclogin.cutover.contracts.Validation;
import java.util.regex.Pattern;

/**
 * Fixed names of the lease command surface and the allow-list for paths discovered on the lease (home directory,
 * node binary, package root) before they are interpolated into a command.
 */
public final class LeasePaths {

    public static final String LABEL = "ai.openclaw.gateway";
    public static final String PLIST_RELATIVE = "Library/LaunchAgents/" + LABEL + ".plist";
    public static final String CUTOVER_DIR = ".openclaw-cutover";
    public static final String FROZEN = "FROZEN";
    public static final String LEDGER = "ledger";
    public static final String PLIST_BACKUP = LABEL + ".plist";
    public static final String PACKAGE_ARCHIVE = "package.tgz";
    public static final String STATE_ARCHIVE = "state.tgz";
    public static final String MANIFEST = "manifest.sha256";
    public static final String STATE_DIR = ".openclaw";
    public static final String INDEX_SUFFIX = "/dist/index.js";
    /** Side-by-side installs, {@code <cutover dir>/versions/<version>} (npm global prefixes of their own). */
    public static final String VERSIONS_DIR = "versions";
    /** The CLI's name in an npm global prefix's {@code bin}. */
    public static final String CLI_NAME = "openclaw";
    /** In the rollback kit: where the lease user's CLI pointed before FLIP_PLIST switched it ({@code path=}, {@code link=} or {@code file=}). */
    public static final String CLI_RECORD = "cli.previous";
    /** In the rollback kit: a copy of the CLI when it was a regular file, not a symlink. */
    public static final String CLI_RECORD_COPY = "cli.previous.file";

    /**
     * Prefix of every command that creates the rollback kit or writes into it: the kit holds the gateway's secrets
     * ({@code state.tgz} is all of {@code ~/.openclaw}, tokens included), so its directory is created 0700 and its files
     * 0600, whatever umask the lease's sshd gives the session (macOS: 022, readable by the probe account).
     */
    public static final String PRIVATE = "umask 077 && ";

    /** Absolute path, printable ASCII without quotes, backslash, '$', '`' or control characters; no '..' segment. */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9 ._+@%,:=/~-]{0,1023}");
    /** A symlink's target as {@code readlink} prints it: absolute or relative, same characters as a path, no '..' abuse check. */
    private static final Pattern SAFE_LINK = Pattern.compile("[A-Za-z0-9 ._+@%,:=/~-]{1,1023}");
    /** Cutover ids are used as a directory name in the rollback kit path. */
    private static final Pattern CUTOVER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Idempotency keys ({@code cutoverId:KIND:attempt}) are written into the ledger. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");
    /** Numeric uid. */
    private static final Pattern UID = Pattern.compile("[0-9]{1,10}");
    /** Release tag written into the freeze marker. */
    private static final Pattern TAG = Pattern.compile("oc-cutover-[0-9]{8}");

    private LeasePaths() {
    }

    /** {@code null} when the path is acceptable, else the reason. */
    public static String checkPath(String what, String path) {
        if (path == null || path.isEmpty()) {
            return what + " is missing";
        }
        if (!SAFE_PATH.matcher(path).matches()) {
            return what + " '" + printable(path) + "' is not an acceptable absolute path";
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return what + " '" + printable(path) + "' contains '..'";
            }
        }
        return null;
    }

    /**
     * {@code null} when {@code target} (a symlink's target as {@code readlink} printed it, e.g. npm's
     * {@code ../lib/node_modules/openclaw/openclaw.mjs}) may be written back with {@code ln -s}, else the reason.
     * Relative targets (and their {@code ..}) are allowed: they are recreated at the same path, so they resolve to
     * the same file.
     */
    public static String checkLinkTarget(String what, String target) {
        if (target == null || target.isEmpty()) {
            return what + " is missing";
        }
        return SAFE_LINK.matcher(target).matches() ? null
                : what + " '" + printable(target) + "' is not an acceptable link target";
    }

    public static String checkCutoverId(String id) {
        return check("cutover id", id, CUTOVER_ID);
    }

    public static String checkIdempotencyKey(String key) {
        return check("idempotency key", key, IDEMPOTENCY_KEY);
    }

    public static String checkUid(String uid) {
        return check("uid", uid, UID);
    }

    public static String checkTag(String tag) {
        return check("tag", tag, TAG);
    }

    private static String check(String what, String v, Pattern p) {
        if (v == null || v.isEmpty()) {
            return what + " is required";
        }
        return p.matcher(v).matches() ? null : what + " '" + printable(v) + "' is not valid";
    }

    private static String printable(String v) {
        return Validation.printable(v);
    }

    public static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    public static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
