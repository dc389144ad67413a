package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.ShellQuote;
import com.maclogin.cutover.probe.lease.LeasePaths;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-lease lock on the lease itself: whoever holds it is the one worker running a step that changes this lease.
 * It lives in the lease account's cutover directory, {@code ~/.openclaw-cutover/lock/}, as numbered generation files
 * {@code g.<n>}; the newest generation is the lock's state. Each generation is one line:
 * <pre>v1 owner=&lt;worker id&gt; cutover=&lt;cutover id&gt; epoch=&lt;n&gt; key=&lt;idempotency key&gt; expires=&lt;lease epoch seconds&gt;</pre>
 * or {@code v1 released owner=<worker id>}.
 *
 * <p>Every change of the lock (take, renew, take over, release) creates generation {@code n+1} of the generation
 * {@code n} it was decided on, with {@code set -C} (noclobber: {@code O_EXCL}, atomic on macOS and Linux; no
 * {@code flock}, which macOS does not have): of two workers deciding on the same generation exactly one creates the
 * next, the other finds it taken and looks again. Older generations are then removed. Expiry is in the lease's own
 * clock ({@code date +%s}), so the workers' clocks never have to agree.
 *
 * <p>The lock's content comes from the lease: it is parsed against fixed patterns ({@link #parse}), never executed,
 * and never put into a shell command; the only values a script here contains are this worker's own, validated and
 * {@linkplain ShellQuote quoted}.
 *
 * <p>Decisions ({@link #decide}, pure): no lock, a released one or an expired one is taken (an expired one of another
 * worker is a take-over, recorded); this worker's own lock for the same step (an earlier delivery, a restart with the
 * same worker id) is taken again; any other live lock (another worker, or another step) is waited for. A command of a
 * higher epoch does not take over a live lock: the holder of the lower epoch learns of the newer epoch itself (same
 * worker: the epoch announcement stops its step; another worker: it lost the step topic's partition and stops, or it
 * stops renewing and the lock expires), so the newer step waits at most one lock TTL.
 */
final class LeaseLock {

    /** The lock's directory, relative to the lease account's home. */
    static final String DIR = LeasePaths.CUTOVER_DIR + "/lock";
    /** Longest lock line read back; a longer one is unreadable. */
    static final int MAX_LINE = 600;

    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern HELD = Pattern.compile("v1 owner=(" + OWNER.pattern() + ") cutover=([A-Za-z0-9][A-Za-z0-9._-]{0,63})"
            + " epoch=([0-9]{1,18}) key=([A-Za-z0-9][A-Za-z0-9._:-]{0,199}) expires=([0-9]{1,12})");
    private static final Pattern RELEASED = Pattern.compile("v1 released owner=(" + OWNER.pattern() + ")");
    private static final Pattern GENERATION = Pattern.compile("[0-9]{1,18}");

    private LeaseLock() {
    }

    /** One generation's content: held by {@code owner} for step {@code key} until {@code expiresAt}, or released. */
    record Holder(String owner, String cutoverId, long epoch, String key, long expiresAt, boolean released) {

        static Holder held(String owner, RunStep c, long expiresAt) {
            return new Holder(owner, c.cutoverId(), c.epoch(), c.idempotencyKey(), expiresAt, false);
        }

        static Holder releasedBy(String owner) {
            return new Holder(owner, null, 0, null, 0, true);
        }

        String toLine() {
            return released ? "v1 released owner=" + owner
                    : "v1 owner=" + owner + " cutover=" + cutoverId + " epoch=" + epoch + " key=" + key + " expires="
                            + expiresAt;
        }
    }

    /**
     * What the look script printed: the lease's clock, the newest generation (0: none) and its line (null: none, or
     * unreadable). {@code unreadable} says the newest generation's content is not a lock line (empty while it is being
     * written, or not written by a worker).
     */
    record Observed(long leaseNow, long generation, Holder holder, boolean unreadable) {
    }

    /** What to do about the lock. */
    enum Action {
        /** Create generation n+1 for this step. */
        TAKE,
        /** Wait (another worker's live lock, or a lock line being written) and look again. */
        WAIT
    }

    /**
     * The decision, with what it was decided on; {@code takeOver} names the owner of an expired lock taken over;
     * {@code interrupted} names the owner of a lock left for this very step (same idempotency key, not released): an
     * earlier delivery of it was cut off while it held the lock (a crash), so it may have run in part.
     */
    record Decision(Action action, String why, String takeOver, String interrupted) {

        Decision(Action action, String why, String takeOver) {
            this(action, why, takeOver, null);
        }
    }

    /** A lock line parsed and validated, or empty when it is not one (never trusted further than this). */
    static Optional<Holder> parse(String line) {
        if (line == null || line.length() > MAX_LINE) {
            return Optional.empty();
        }
        String l = line.strip();
        Matcher m = HELD.matcher(l);
        if (m.matches()) {
            return Optional.of(new Holder(m.group(1), m.group(2), Long.parseLong(m.group(3)), m.group(4),
                    Long.parseLong(m.group(5)), false));
        }
        Matcher r = RELEASED.matcher(l);
        return r.matches() ? Optional.of(Holder.releasedBy(r.group(1))) : Optional.empty();
    }

    /**
     * The lock owner name of worker {@code id}: the id itself when it has the owner's shape, else the id with every
     * other character replaced by '-' and cut to 100 (so a host name never keeps a worker from starting).
     */
    static String owner(String id) {
        if (validOwner(id)) {
            return id;
        }
        String s = (id == null || id.isEmpty() ? "worker" : id).replaceAll("[^A-Za-z0-9._-]", "-");
        if (!Character.isLetterOrDigit(s.charAt(0))) {
            s = "w" + s;
        }
        return s.length() > 100 ? s.substring(0, 100) : s;
    }

    /** Whether {@code id} may be written as a lock's owner (a worker id). */
    static boolean validOwner(String id) {
        return id != null && OWNER.matcher(id).matches();
    }

    /**
     * Reads the look script's output ({@code now <s>}, then, when there is a lock, {@code top <n>} and
     * {@code line <content>}); null when it is not that shape (then the look failed).
     */
    static Observed observed(String stdout) {
        if (stdout == null) {
            return null;
        }
        long now = -1;
        long generation = 0;
        String line = null;
        boolean lineSeen = false;
        for (String l : stdout.split("\n", -1)) {
            if (l.startsWith("now ") && now < 0) {
                String v = l.substring(4).strip();
                if (!v.matches("[0-9]{1,12}")) {
                    return null;
                }
                now = Long.parseLong(v);
            } else if (l.startsWith("top ") && generation == 0) {
                String v = l.substring(4).strip();
                if (!GENERATION.matcher(v).matches()) {
                    return null;
                }
                generation = Long.parseLong(v);
            } else if (l.startsWith("line") && !lineSeen) {
                lineSeen = true;
                line = l.length() > 5 ? l.substring(5) : "";
            }
        }
        if (now < 0) {
            return null;
        }
        if (generation == 0) {
            return new Observed(now, 0, null, false);
        }
        Optional<Holder> h = parse(line);
        return new Observed(now, generation, h.orElse(null), h.isEmpty());
    }

    /** What worker {@code me} does about the lock it observed, to run step {@code c}. Pure. */
    static Decision decide(Observed o, String me, RunStep c) {
        if (o.generation() == 0) {
            return new Decision(Action.TAKE, "no lock", null);
        }
        if (o.unreadable()) {
            return new Decision(Action.WAIT, "lock generation " + o.generation() + " is not a lock line (being "
                    + "written, or not written by a worker)", null);
        }
        Holder h = o.holder();
        if (h.released()) {
            return new Decision(Action.TAKE, "released by " + h.owner(), null);
        }
        boolean sameStep = h.key().equals(c.idempotencyKey());
        if (h.owner().equals(me) && sameStep) {
            return new Decision(Action.TAKE, "this worker's own lock for this step", null, me);
        }
        if (h.expiresAt() <= o.leaseNow()) {
            return new Decision(Action.TAKE, "expired " + (o.leaseNow() - h.expiresAt()) + " s ago",
                    h.owner().equals(me) ? null : h.owner(), sameStep ? h.owner() : null);
        }
        return new Decision(Action.WAIT, "held by " + h.owner() + " for " + h.key() + " (epoch " + h.epoch()
                + ") for " + (h.expiresAt() - o.leaseNow()) + " s more", null);
    }

    /** One exec: the lease's clock, the newest generation and its first line (cut at {@link #MAX_LINE} bytes). */
    static String lookScript() {
        return "d=\"$HOME\"/" + DIR + "; umask 077; mkdir -p \"$d\" && cd \"$d\" || exit 3\n"
                + "printf 'now %s\\n' \"$(date +%s)\"\n"
                + "top=$(ls | sed -n 's/^g\\.\\([0-9]\\{1,18\\}\\)$/\\1/p' | sort -n | tail -n 1)\n"
                + "[ -n \"$top\" ] || exit 0\n"
                + "printf 'top %s\\n' \"$top\"\n"
                + "printf 'line %s\\n' \"$(head -c " + MAX_LINE + " \"./g.$top\" 2>/dev/null | head -n 1)\"\n";
    }

    /**
     * One exec: creates generation {@code next} holding {@code h} only if nobody created it first ({@code set -C});
     * prints {@code taken} then, and removes the older generations. Every value in it is this worker's own.
     */
    static String takeScript(long next, Holder h) {
        if (next < 1 || !validOwner(h.owner()) || parse(h.toLine()).isEmpty()) {
            throw new IllegalArgumentException("not a lock line: " + h);
        }
        return "cd \"$HOME\"/" + DIR + " || exit 3\n"
                + "umask 077\n"
                + "( set -C && printf '%s\\n' " + ShellQuote.quote(h.toLine()) + " > ./g." + next + " ) 2>/dev/null"
                + " || { echo lost; exit 0; }\n"
                + "echo taken\n"
                + "for f in g.*; do n=${f#g.}; case $n in ''|*[!0-9]*) continue;; esac;"
                + " [ \"$n\" -lt " + next + " ] && rm -f \"./$f\"; done; exit 0\n";
    }
}
