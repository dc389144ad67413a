package com.maclogin.cutover.simulator;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ShellQuote;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies one lease's {@link Faults} to its home, launchd, SSH server and TLS endpoint. */
final class LeaseFaults implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseFaults.class);

    private final String leaseId;
    private final LeaseHome home;
    private final LaunchdEmulator launchd;
    private final LeaseSshServer ssh;
    private final TlsEndpoint tls;
    private final String node;
    private final int gatewayPort;
    private final SudoEmulator sudo;
    private Faults current;
    private Process squatter;

    LeaseFaults(String leaseId, LeaseHome home, LaunchdEmulator launchd, LeaseSshServer ssh, TlsEndpoint tls,
                String node, int gatewayPort, SudoEmulator sudo) {
        this.leaseId = leaseId;
        this.sudo = sudo;
        this.home = home;
        this.launchd = launchd;
        this.ssh = ssh;
        this.tls = tls;
        this.node = node;
        this.gatewayPort = gatewayPort;
    }

    Path faultDir() {
        return home.simDir().resolve("faults");
    }

    Path envFile() {
        return home.stateDir().resolve("service-env/" + LaunchAgentPlist.LABEL + ".env");
    }

    private Path stashedEnv() {
        return faultDir().resolve("stash/" + LaunchAgentPlist.LABEL + ".env");
    }

    synchronized Faults current() {
        return current == null ? Faults.none() : current;
    }

    /**
     * Clears whatever an earlier run left on disk (a stashed env file, the df, login-node and gateway run-time
     * overrides). Called before launchd loads the gateway.
     */
    static void resetOnDisk(LeaseHome home) throws IOException {
        Path faultDir = home.simDir().resolve("faults");
        Files.createDirectories(faultDir);
        Path stash = faultDir.resolve("stash/" + LaunchAgentPlist.LABEL + ".env");
        if (Files.exists(stash)) {
            Files.move(stash, home.stateDir().resolve("service-env/" + LaunchAgentPlist.LABEL + ".env"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(faultDir.resolve("disk-free-percent"));
        Files.deleteIfExists(home.simDir().resolve("login-bin/node"));
        GatewayPackage.deleteTree(home.cliDriftPrefix());
        Files.deleteIfExists(home.simDir().resolve("runtime-faults.json"));
    }

    /** Turns switches on and off so that the lease shows {@code next}; returns at once for most switches. */
    synchronized void apply(Faults next) throws IOException {
        Faults prev = current();
        if (next.equals(prev)) {
            return;
        }
        LOG.info("lease {}: fault switches {} -> {}", leaseId, prev.active(), next.active());
        if (!next.sameGatewayRuntime(prev)) {
            writeRuntime(next);
        }
        if (next.ssh() != prev.ssh() || next.sshCommandDelayMillis() != prev.sshCommandDelayMillis()) {
            ssh.setFault(next.ssh(), next.sshCommandDelayMillis());
        }
        if (next.hostKeyRotated() != prev.hostKeyRotated()) {
            ssh.setHostKeyRotated(next.hostKeyRotated());
        }
        if (!Objects.equals(next.tlsExpiresInDays(), prev.tlsExpiresInDays())) {
            tls.setNotAfterDays(next.tlsExpiresInDays() == null ? Faults.DEFAULT_TLS_DAYS : next.tlsExpiresInDays());
        }
        if (!Objects.equals(next.diskFreePercent(), prev.diskFreePercent())) {
            Path f = faultDir().resolve("disk-free-percent");
            if (next.diskFreePercent() == null) {
                Files.deleteIfExists(f);
            } else {
                atomicWrite(f, next.diskFreePercent() + "\n");
            }
        }
        if (!Objects.equals(next.loginNodeMajor(), prev.loginNodeMajor())) {
            Path f = home.simDir().resolve("login-bin/node");
            if (next.loginNodeMajor() == null) {
                Files.deleteIfExists(f);
            } else {
                Files.createDirectories(f.getParent());
                atomicWrite(f, loginNodeShim(next.loginNodeMajor(), node));
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        if (next.probeGrantRemoved() != prev.probeGrantRemoved() && sudo != null) {
            sudo.writeGrant(!next.probeGrantRemoved());
        }
        if (!java.util.Objects.equals(next.cliVersion(), prev.cliVersion())) {
            // another openclaw (a real stand-in package, npm's layout: bin/openclaw -> ../lib/node_modules/...) that the
            // login PATH finds before the npm global prefix's (~/.bash_profile)
            GatewayPackage.deleteTree(home.cliDriftPrefix());
            if (next.cliVersion() != null) {
                GatewayPackage.install(home.cliDriftPrefix(), next.cliVersion());
            }
        }
        current = next;
        if (next.envFile() != prev.envFile()) {
            restoreEnv();
            if (next.envFile() == Faults.EnvFileFault.MISSING) {
                Files.createDirectories(stashedEnv().getParent());
                Files.move(envFile(), stashedEnv(), StandardCopyOption.REPLACE_EXISTING);
            } else if (next.envFile() == Faults.EnvFileFault.INVALID) {
                Files.createDirectories(stashedEnv().getParent());
                Files.copy(envFile(), stashedEnv(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                List<String> lines = Files.readAllLines(envFile());
                lines.set(0, "# edited by hand");
                Files.write(envFile(), lines);
            }
            if (next.envFile() != Faults.EnvFileFault.NONE) {
                // the broken file matters at the next start: restart now, KeepAlive does the rest
                launchd.restart(LaunchAgentPlist.LABEL);
            }
        }
        if (next.portHijacked() != prev.portHijacked()) {
            if (next.portHijacked()) {
                launchd.killAndHold(LaunchAgentPlist.LABEL, this::startSquatter);
            } else {
                stopSquatter();
            }
        }
        launchd.record("sim fault-switches " + Json.MAPPER.writeValueAsString(next.active()), 0);
    }

    private void restoreEnv() throws IOException {
        if (Files.exists(stashedEnv())) {
            Files.move(stashedEnv(), envFile(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void writeRuntime(Faults f) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("halfAppliedMigration", f.halfAppliedMigration());
        m.put("hookDelayMillis", f.hookDelayMillis());
        m.put("hookFailure", f.hookFailure().name());
        m.put("responseDelayMillis", f.responseDelayMillis());
        m.put("hookErrorPercent", f.hookErrorPercent());
        atomicWrite(home.simDir().resolve("runtime-faults.json"), Json.MAPPER.writeValueAsString(m));
    }

    /** A stale process on the gateway port: a bare Node listener that outlives nothing but the simulator. */
    private void startSquatter() throws IOException {
        stopSquatter();
        String script = "process.title='openclaw-gateway';"
                + "const s=require('net').createServer(c=>c.destroy());"
                + "s.on('error',e=>{console.error(e.message);process.exit(1)});"
                + "s.listen(" + gatewayPort + ",'127.0.0.1');"
                + "const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.exit(0)},1000);";
        Process p = new ProcessBuilder(node, "-e", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.simDir().resolve("squatter.log").toFile())).start();
        squatter = p;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", gatewayPort), 200);
                LOG.info("lease {}: fault PORT_HIJACK: stale pid {} listens on 127.0.0.1:{}", leaseId, p.pid(), gatewayPort);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        throw new IOException("lease " + leaseId + ": the stale listener did not take port " + gatewayPort);
    }

    /** Pid of the stale listener, or 0. */
    synchronized long squatterPid() {
        return squatter != null && squatter.isAlive() ? squatter.pid() : 0;
    }

    private void stopSquatter() {
        Process p = squatter;
        squatter = null;
        if (p != null) {
            p.destroyForcibly();
            p.onExit().join();
        }
    }

    static String loginNodeShim(int major, String realNode) {
        return "#!/bin/sh\n"
                + "# lease-simulator fault LOGIN_NODE_MAJOR: a node earlier on the login PATH than the plist's node\n"
                + "case \"${1:-}\" in\n"
                + "  -v|--version) echo v" + major + ".9.0; exit 0 ;;\n"
                + "  -p|-e|--eval|--print) case \"${2:-}\" in *process.versions.node*|*process.version*) echo " + major + ".9.0; exit 0 ;; esac ;;\n"
                + "esac\n"
                + "exec " + ShellQuote.quote(realNode) + " \"$@\"\n";
    }

    private static void atomicWrite(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public synchronized void close() {
        stopSquatter();
    }
}
