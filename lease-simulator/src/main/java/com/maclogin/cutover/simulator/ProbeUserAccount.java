package com.maclogin.cutover.simulator;

import static com.maclogin.cutover.contracts.ShellQuote.quote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease's probe account: the second login of its SSH server (same authorized keys as the gateway's account), the
 * OS user the product's validation probe matrix runs as.
 *
 * <p>When the simulator runs as root, the account is a real system user ({@code useradd --system --no-create-home
 * --shell /bin/sh --password '*' --comment 'lease-simulator probe account' <name>} when it is missing: a shell and a
 * password field that no password matches but that is not "locked" ({@code !}), because Debian's real sshd, in front
 * of a lease in real mode, runs every command through the account's shell and refuses a locked account even for a
 * key; an account with that comment is repaired to this when it is not) and every command of a probe session runs as it through
 * {@code setpriv --reuid --regid --init-groups --no-new-privs} (util-linux): {@code id -u} prints another uid than
 * the gateway's, and the gateway's files are not writable. Otherwise the account is a <em>name only</em>: its sessions
 * run as the simulator's user, which {@link #osUser()}, {@link #mode()} and {@link #note()} say (the control API, the
 * descriptor and the CLI show it) — the product's worker then sees the gateway's uid and refuses the window.
 *
 * @param name   the login name
 * @param uid    the account's uid (the simulator's own uid when name-only)
 * @param gid    its primary gid
 * @param osUser whether probe sessions really run as another OS user
 * @param note   how its sessions run, in words
 */
public record ProbeUserAccount(String name, int uid, int gid, boolean osUser, String note) {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeUserAccount.class);

    /** The probe account when the configuration names none (also the orchestrator's default). */
    public static final String DEFAULT_NAME = "openclaw-probe";
    static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    static final String SETPRIV = "/usr/bin/setpriv";
    static final String COMMENT = "lease-simulator probe account";

    /** {@code os-user} or {@code name-only}. */
    public String mode() {
        return osUser ? "os-user" : "name-only";
    }

    /** {@link #ensure} for this JVM's user: the account another process's simulator reported (e.g. for real sshd). */
    public static ProbeUserAccount of(String name) throws IOException {
        return ensure(name, System.getProperty("user.name"));
    }

    /**
     * Finds or (as root) creates the OS account {@code name}. Never silent: a name-only account is logged as a
     * warning with the reason.
     */
    static ProbeUserAccount ensure(String name, String gatewayUser) throws IOException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid probe user name: " + name);
        }
        if (name.equals(gatewayUser)) {
            throw new IllegalArgumentException("the probe user " + name + " is the gateway's user");
        }
        int selfUid = Integer.parseInt(run("id", "-u").trim());
        int selfGid = Integer.parseInt(run("id", "-g").trim());
        String why;
        if (selfUid != 0) {
            why = "the simulator does not run as root";
        } else if (!Files.isExecutable(Path.of(SETPRIV))) {
            why = SETPRIV + " (util-linux) is missing";
        } else {
            int[] ids = lookup(name);
            if (ids == null) {
                String out = runAllowFail("useradd", "--system", "--no-create-home", "--shell", "/bin/sh", "--password",
                        "*", "--comment", COMMENT, name);
                ids = lookup(name); // another simulator may have created it at the same moment
                if (ids != null) {
                    LOG.info("created system account {} (uid {}) for probe sessions", name, ids[0]);
                } else {
                    LOG.warn("useradd {} failed: {}", name, out.trim());
                }
            }
            if (ids != null) {
                repair(name);
            }
            if (ids != null && ids[0] != 0 && ids[0] != selfUid) {
                return new ProbeUserAccount(name, ids[0], ids[1], true, "sessions of " + name + " run as uid " + ids[0]
                        + " (setpriv)");
            }
            why = ids == null ? "the account " + name + " does not exist and useradd failed"
                    : "the account " + name + " has uid " + ids[0];
        }
        String note = "name only: " + why + ", so sessions of " + name + " run as " + gatewayUser + " (uid " + selfUid
                + ")";
        LOG.warn("probe account {}", note);
        return new ProbeUserAccount(name, selfUid, selfGid, false, note);
    }

    /**
     * The command line a probe session's {@code command} becomes: the same {@code /bin/sh -c}, with the probe
     * account's own {@code HOME}, {@code USER} and {@code LOGNAME}, in its home, as its uid and groups when it is an
     * OS user. The lease's PATH ({@code ~/.sim/bin} first) is kept: the macOS command shims are the lease's surface.
     */
    String wrap(String command, Path probeHome) {
        String env = "HOME=" + quote(probeHome.toString()) + " USER=" + quote(name) + " LOGNAME=" + quote(name) + " ";
        String run = osUser
                ? SETPRIV + " --reuid=" + uid + " --regid=" + gid + " --init-groups --no-new-privs -- /bin/sh -c "
                : "/bin/sh -c ";
        return "cd " + quote(probeHome.toString()) + " || exit 1; " + env + "exec " + run + quote(command);
    }

    /**
     * Makes the probe account's home ({@code dir}, owned by it, 0700) and lets it reach {@code reach} (the lease's
     * {@code .sim/bin}): every directory from there up to {@code /} gets search permission for others ({@code o+x},
     * never read or write) when it lacks it, e.g. a 0700 temporary directory the state dir lives in.
     */
    public void prepare(Path dir, Path reach) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        if (!osUser) {
            return;
        }
        try {
            // no `chown` process per lease: a fork costs more the more descriptors the JVM holds (thousands of leases)
            Files.setAttribute(dir, "unix:uid", uid);
            Files.setAttribute(dir, "unix:gid", gid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            runAllowFail("chown", uid + ":" + gid, dir.toString());
        }
        searchable(reach);
    }

    /** Adds {@code o+x} (search only) to {@code reach} and every directory above it that lacks it (OS user only). */
    public void searchable(Path reach) throws IOException {
        if (!osUser) {
            return;
        }
        for (Path d = reach.toAbsolutePath(); d != null; d = d.getParent()) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(d);
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                perms.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(d, perms);
                LOG.info("probe account {}: added o+x (search only) to {} so it reaches the lease's shims", name, d);
            }
        }
    }

    /** Our own account (by its comment) left with a locked password or no shell: make it loginable by key again. */
    private static void repair(String name) throws IOException {
        String entry = runAllowFail("getent", "passwd", name).trim();
        String[] f = entry.split(":", -1);
        if (f.length < 7 || !COMMENT.equals(f[4])) {
            return;
        }
        String shadow = runAllowFail("getent", "shadow", name).trim();
        String[] s = shadow.split(":", -1);
        boolean locked = s.length > 1 && s[1].startsWith("!");
        if (locked || f[6].endsWith("nologin") || f[6].endsWith("false")) {
            String out = runAllowFail("usermod", "--shell", "/bin/sh", "--password", "*", name);
            LOG.info("probe account {}: shell /bin/sh, password field '*' ({})", name, out.isBlank() ? "ok" : out.trim());
        }
    }

    private static int[] lookup(String name) throws IOException {
        String uid = runAllowFail("id", "-u", name).trim();
        String gid = runAllowFail("id", "-g", name).trim();
        if (!uid.matches("\\d+") || !gid.matches("\\d+")) {
            return null;
        }
        return new int[] {Integer.parseInt(uid), Integer.parseInt(gid)};
    }

    private static String run(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (waitFor(p, Duration.ofSeconds(30)) != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out.trim());
        }
        return out;
    }

    private static String runAllowFail(String... argv) throws IOException {
        Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = waitFor(p, Duration.ofSeconds(30));
        return code == 0 ? out : "exit " + code + ": " + out;
    }

    /**
     * The exit code of {@code p}, waiting at most {@code d}; a process still running then is killed and reported as
     * "timed out". Shared with {@code real.OpenSshLease}.
     */
    public static int waitFor(Process p, Duration d) throws IOException {
        try {
            if (!p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
