package com.maclogin.cutover.simulator.real;

import com.maclogin.cutover.simulator.ProbeUserAccount;
import com.maclogin.cutover.simulator.SshKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real OpenSSH daemon ({@code /usr/sbin/sshd}) in front of an existing lease home, so a probe worker can be
 * pointed at the SSH server real Macs run: the same lease (its launchd emulator, shims and gateway) answered through
 * OpenSSH instead of the simulator's MINA server.
 *
 * <p>One sshd per lease, as its own process ({@code sshd -D -f <dir>/sshd_config -E <dir>/sshd.log}), listening on
 * {@code 127.0.0.1:<port>} with its own Ed25519 host key (pin {@link #hostKey()}), public-key authentication only for
 * {@link #user()} (the user running this JVM) from {@code <dir>/authorized_keys}, no passwords, no PAM,
 * {@code StrictModes no}. {@code SetEnv} gives every session the lease's environment ({@code HOME} = the lease home,
 * {@code PATH} with {@code <home>/.sim/bin} first, {@code TMPDIR}); {@code ForceCommand} changes to {@code $HOME} and
 * runs the client's command with {@code /bin/sh -c} (a login shell when there is none), as sshd does for a user
 * whose home is the lease home. Local forwarding ({@code direct-tcpip}) is allowed to loopback only, which is how
 * the worker reaches the gateway's health endpoints.
 *
 * <p>With a {@link ProbeUserAccount} that is a real OS user, its name may log in too (same authorized keys; sshd
 * switches to that user itself): {@code Match User} gives it its own {@code HOME} ({@code <dir>/probe-home}) and the
 * lease's {@code PATH}, so the shims work for it as for the gateway's user. The authorized keys file is then
 * world-readable and its directory searchable (sshd reads it as the logging-in user). A name-only account (not root)
 * is not allowed: sshd could not become it.
 *
 * <p>Needs the {@code openssh-server} package ({@code .ci/install-prereqs.sh} installs it) and, as root, the
 * {@code /run/sshd} privilege-separation directory (created here).
 */
public final class OpenSshLease implements AutoCloseable {

    public static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Process process;
    private final int port;
    private final String hostKey;
    private final String user;
    private final Path dir;
    private final Path home;

    private OpenSshLease(Process process, int port, String hostKey, String user, Path dir, Path home) {
        this.process = process;
        this.port = port;
        this.hostKey = hostKey;
        this.user = user;
        this.dir = dir;
        this.home = home;
    }

    /**
     * Why a real sshd cannot run here, or empty when it can. The message says how to fix it; callers must fail with
     * it, never skip silently.
     */
    public static Optional<String> unavailableReason() {
        if (!Files.isExecutable(SSHD)) {
            return Optional.of(SSHD + " is missing: install Debian's OpenSSH server with "
                    + "`apt-get install -y --no-install-recommends openssh-server` (.ci/install-prereqs.sh does)");
        }
        return Optional.empty();
    }

    /**
     * Starts sshd in front of {@code leaseHome}.
     *
     * @param workDir        where the config, host key, authorized keys, pid file and log go (created)
     * @param leaseHome      the lease's home (a lease-simulator lease home with {@code .sim/bin})
     * @param authorizedKeys OpenSSH public key lines allowed to log in
     * @param port           TCP port on 127.0.0.1; 0 = a free one
     */
    public static OpenSshLease start(Path workDir, Path leaseHome, List<String> authorizedKeys, int port) throws IOException {
        return start(workDir, leaseHome, authorizedKeys, port, null);
    }

    /**
     * As {@link #start(Path, Path, List, int)}, and {@code probe} (the lease's probe account, e.g.
     * {@link com.maclogin.cutover.simulator.SimulatedLease#probeAccount()}) may log in as well when it is an OS user.
     */
    public static OpenSshLease start(Path workDir, Path leaseHome, List<String> authorizedKeys, int port,
            ProbeUserAccount probe) throws IOException {
        Optional<String> missing = unavailableReason();
        if (missing.isPresent()) {
            throw new IOException(missing.get());
        }
        Path dir = workDir.toAbsolutePath();
        Path home = leaseHome.toAbsolutePath();
        Files.createDirectories(dir);
        Path hostKeyFile = dir.resolve("ssh_host_ed25519_key");
        String hostKey;
        if (Files.isRegularFile(hostKeyFile) && Files.isRegularFile(dir.resolve("ssh_host_ed25519_key.pub"))) {
            String[] parts = Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).trim().split(" ");
            hostKey = parts[0] + " " + parts[1];
        } else {
            hostKey = SshKeys.generateEd25519(hostKeyFile);
        }
        Path authorized = dir.resolve("authorized_keys");
        Files.writeString(authorized, String.join("\n", authorizedKeys) + "\n");
        ProbeUserAccount probeLogin = probe != null && probe.osUser() ? probe : null;
        Path probeHome = dir.resolve("probe-home");
        if (probeLogin != null) {
            probeLogin.prepare(probeHome, home.resolve(".sim/bin"));
            Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-r--r--"));
            probeLogin.searchable(dir);
        }
        if (isRoot()) {
            Files.createDirectories(Path.of("/run/sshd"));
        }
        String user = System.getProperty("user.name");
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int p = port != 0 ? port : freePort();
            Path config = dir.resolve("sshd_config");
            String sshdConfig = config(p, dir, hostKeyFile, authorized, user, home);
            if (probeLogin != null) {
                sshdConfig = sshdConfig.replace("AllowUsers " + user + "\n", "AllowUsers " + user + " " + probeLogin.name() + "\n")
                        + probeMatch(probeLogin.name(), probeHome, home);
            }
            Files.writeString(config, sshdConfig);
            Path log = dir.resolve("sshd.log");
            Files.deleteIfExists(log);
            List<String> test = List.of(SSHD.toString(), "-t", "-f", config.toString());
            Process t = new ProcessBuilder(test).redirectErrorStream(true).start();
            String testOut = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ProbeUserAccount.waitFor(t, Duration.ofSeconds(10)) != 0) {
                throw new IOException("sshd -t rejected " + config + ": " + testOut.trim());
            }
            Process sshd = new ProcessBuilder(SSHD.toString(), "-D", "-f", config.toString(), "-E", log.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.out").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                String text = Files.exists(log) ? Files.readString(log) : "";
                if (text.contains("Server listening on 127.0.0.1 port " + p)) {
                    return new OpenSshLease(sshd, p, hostKey, user, dir, home);
                }
                if (!sshd.isAlive()) {
                    last = new IOException("sshd exited with " + sshd.exitValue() + " on port " + p + ": " + text.trim());
                    break;
                }
                sleep(20);
            }
            if (sshd.isAlive()) {
                sshd.destroyForcibly();
                last = new IOException("sshd did not report listening on port " + p + " within 10 s");
            }
            if (port != 0) {
                break;
            }
        }
        throw last != null ? last : new IOException("sshd did not start");
    }

    static String config(int port, Path dir, Path hostKeyFile, Path authorized, String user, Path home) {
        String path = home.resolve(".sim/bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return "# lease-simulator: Debian OpenSSH in front of the lease home " + home + "\n"
                + "Port " + port + "\n"
                + "ListenAddress 127.0.0.1\n"
                + "HostKey " + hostKeyFile + "\n"
                + "PidFile " + dir.resolve("sshd.pid") + "\n"
                + "AuthorizedKeysFile " + authorized + "\n"
                + "PubkeyAuthentication yes\n"
                + "PasswordAuthentication no\n"
                + "KbdInteractiveAuthentication no\n"
                + "UsePAM no\n"
                + "StrictModes no\n"
                + "PermitRootLogin prohibit-password\n"
                + "AllowUsers " + user + "\n"
                + "PermitUserEnvironment no\n"
                + "ForceCommand cd \"$HOME\" || exit 1; exec /bin/sh -c \"${SSH_ORIGINAL_COMMAND:-exec \\\"\\$SHELL\\\" -l}\"\n"
                + "AllowTcpForwarding local\n"
                + "PermitOpen 127.0.0.1:* localhost:*\n"
                + "AllowAgentForwarding no\n"
                + "X11Forwarding no\n"
                + "PermitTTY yes\n"
                + "PrintMotd no\n"
                + "ClientAliveInterval 30\n"
                + "MaxSessions 64\n"
                + "MaxStartups 64:30:128\n"
                + "LogLevel INFO\n"
                + "Match User " + user + "\n"
                + "  SetEnv " + setEnv("HOME", home.toString()) + " " + setEnv("PATH", path) + " "
                + setEnv("TMPDIR", home.resolve(".openclaw/tmp").toString()) + "\n";
    }

    /** The probe account: allowed too, its own HOME, the lease's PATH (shims first). */
    static String probeMatch(String probeUser, Path probeHome, Path home) {
        String path = home.resolve(".sim/bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return "# the lease's probe account (another OS user; sshd switches to it)\n"
                + "Match User " + probeUser + "\n"
                + "  SetEnv " + setEnv("HOME", probeHome.toString()) + " " + setEnv("PATH", path) + " "
                + setEnv("TMPDIR", "/tmp") + "\n";
    }

    private static String setEnv(String key, String value) {
        if (value.contains("\"") || value.contains("\n")) {
            throw new IllegalArgumentException("unsupported character in " + key + ": " + value);
        }
        return "\"" + key + "=" + value + "\"";
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code ssh-ed25519 AAAA…} without a comment: pin it. */
    public String hostKey() {
        return hostKey;
    }

    /** The login user (the user running this JVM; {@code root} on CI). */
    public String user() {
        return user;
    }

    public Path home() {
        return home;
    }

    /** sshd's log ({@code -E}). */
    public Path log() {
        return dir.resolve("sshd.log");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the listening sshd (SIGTERM; per-connection children end with their sessions). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }


    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "OpenSSH sshd pid " + process.pid() + " on 127.0.0.1:" + port + " for " + home + " (user " + user + ")";
    }

    /** The lines of {@link #log()} (for diagnostics). */
    public List<String> logLines() {
        try {
            return Files.exists(log()) ? Files.readAllLines(log()) : List.of();
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }
}
