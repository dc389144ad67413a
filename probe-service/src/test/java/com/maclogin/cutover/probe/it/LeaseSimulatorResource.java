package com.maclogin.cutover.probe.it;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.simulator.LeaseSimulator;
import com.maclogin.cutover.simulator.LeaseSpec;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.simulator.SimulatorConfig;
import com.maclogin.cutover.simulator.SshKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One simulated lease {@code hk-1} (real SSH server, launchd emulator, gateway stand-in on 2026.9.5) and the
 * worker's SSH key pair; sets {@code probe.ssh.private-key-file}. Also a second key pair whose public key serves as
 * a wrong pinned host key.
 */
public class LeaseSimulatorResource implements QuarkusTestResourceLifecycleManager {

    private static LeaseSimulator simulator;
    private static String otherPublicKey;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "lease-sim-");
            Path key = dir.resolve("worker_ed25519");
            String publicKey = SshKeys.generateEd25519(key);
            otherPublicKey = SshKeys.generateEd25519(dir.resolve("impostor_ed25519"));
            // MINA sshd loads its security registrars through the context class loader: make it the one that
            // loaded sshd itself, so the simulator's threads do not mix the test and Quarkus class loaders
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            current.setContextClassLoader(org.apache.sshd.server.SshServer.class.getClassLoader());
            try {
                simulator = LeaseSimulator.start(new SimulatorConfig(dir.resolve("state"),
                        List.of(new LeaseSpec("hk-1", Region.HK, 0, freeGatewayPort(), "2026.9.5")),
                        List.of(publicKey), 0, Duration.ofMillis(300), Duration.ofSeconds(1)));
            } finally {
                current.setContextClassLoader(previous);
            }
            return Map.of("probe.ssh.private-key-file", key.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the lease simulator", e);
        }
    }

    public static SimulatedLease lease() {
        return simulator.lease("hk-1");
    }

    public static LeaseSimulator simulator() {
        return simulator;
    }

    /** An ed25519 public key that is not the lease's host key. */
    static String impostorHostKey() {
        return otherPublicKey;
    }

    private static int freeGatewayPort() throws IOException {
        for (int n = 100 + (int) (ProcessHandle.current().pid() % 800); n < 1200; n += 7) {
            int port = 18789 + n;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // next
            }
        }
        throw new IOException("no free gateway port");
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }
}
