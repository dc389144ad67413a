package com.maclogin.cutover.simulator;

import com.maclogin.cutover.contracts.Region;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What one round of the worker's light watch matrix costs a lease in each gateway mode (a benchmark, not a test): N
 * leases, one pinned sshj connection per lease as the probe account, then R rounds of: the launchd read through the
 * sudo grant, {@code df -k '<home>'}, {@code GET /healthz} and {@code GET /readyz} over direct-tcpip, a TLS handshake
 * to the lease's TLS endpoint. Prints p50/p99 per step and the CPU (this JVM and its children: the simulator, the
 * shells it forks and the client, the client's share being the same in both modes) per round.
 * <pre>
 * java -cp "lease-simulator/target/test-classes:lease-simulator/target/classes:$(cat lease-simulator/target/cp.txt)" \
 *   com.maclogin.cutover.simulator.WatchRoundProfile [--mode light|process] [--leases 20] [--rounds 10]
 * </pre>
 */
public final class WatchRoundProfile {

    private WatchRoundProfile() {
    }

    public static void main(String[] args) throws Exception {
        GatewayMode mode = GatewayMode.LIGHT;
        int n = 20;
        int rounds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = GatewayMode.parse(args[++i]);
                case "--leases" -> n = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.println(run(mode, n, rounds));
        System.exit(0);
    }

    static String run(GatewayMode mode, int n, int rounds) throws Exception {
        Path work = Files.createTempDirectory("sim-watch-prof-");
        Path key = work.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(key);
        List<Integer> ports = GatewayPorts.freeAboveEphemeral(n);
        List<LeaseSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(new LeaseSpec(String.format("w%04d", i), Region.HK, 0, ports.get(i), "2026.9.5"));
        }
        List<List<Long>> steps = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        long cpu;
        long wall;
        try (LeaseSimulator sim = LeaseSimulator.start(new SimulatorConfig(work.resolve("state"), specs, List.of(pub), 0,
                Duration.ofMillis(50), null).withGatewayMode(mode))) {
            List<SshTestClient> clients = new ArrayList<>();
            for (SimulatedLease l : sim.leases()) {
                clients.add(new SshTestClient(l.host(), l.sshPort(), l.probeUser(), l.hostKey(), key));
            }
            // one warm-up round (the exec helpers start, the JIT warms up)
            round(sim, clients, null);
            long c0 = cpuMillis();
            long t0 = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                round(sim, clients, steps);
            }
            wall = (System.nanoTime() - t0) / 1_000_000;
            cpu = cpuMillis() - c0;
            for (SshTestClient c : clients) {
                c.close();
            }
        }
        String[] names = {"sudo launchctl print", "df -k", "GET /healthz+/readyz", "TLS handshake"};
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "[measure] mode=%s leases=%d rounds=%d:", mode, n, rounds));
        for (int i = 0; i < 4; i++) {
            List<Long> v = steps.get(i);
            Collections.sort(v);
            s.append(String.format(Locale.ROOT, " %s p50 %.1f ms p99 %.1f ms;", names[i], v.get(v.size() / 2) / 1e6,
                    v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.99) - 1)) / 1e6));
        }
        s.append(String.format(Locale.ROOT, " CPU %.1f ms per lease-round (simulator + client + children), wall %.1f ms per lease-round",
                (double) cpu / (n * rounds), (double) wall / (n * rounds)));
        return s.toString();
    }

    private static void round(LeaseSimulator sim, List<SshTestClient> clients, List<List<Long>> steps) throws Exception {
        List<SimulatedLease> leases = sim.leases();
        for (int i = 0; i < leases.size(); i++) {
            SimulatedLease l = leases.get(i);
            SshTestClient c = clients.get(i);
            long t0 = System.nanoTime();
            SshTestClient.Exec print = c.exec("'sudo' '-n' '-u' '" + l.sshUser() + "' '/bin/launchctl' 'print' 'gui/"
                    + LaunchdEmulator.UID + "/ai.openclaw.gateway'");
            long t1 = System.nanoTime();
            SshTestClient.Exec df = c.exec("df -k '" + l.home() + "'");
            long t2 = System.nanoTime();
            int h = c.http("GET", l.gatewayPort(), "/healthz").status();
            int r = c.http("GET", l.gatewayPort(), "/readyz").status();
            long t3 = System.nanoTime();
            LightGatewayModeTest.certificateAt(l.tlsPort());
            long t4 = System.nanoTime();
            if (print.exit() != 0 || df.exit() != 0 || h != 200 || r != 200) {
                throw new IllegalStateException("lease " + l.id() + ": print " + print.exit() + " " + print.stderr()
                        + ", df " + df.exit() + ", healthz " + h + ", readyz " + r);
            }
            if (steps != null) {
                steps.get(0).add(t1 - t0);
                steps.get(1).add(t2 - t1);
                steps.get(2).add(t3 - t2);
                steps.get(3).add(t4 - t3);
            }
        }
    }

    /**
     * CPU of this JVM and of every live descendant (the gateways, the exec helpers, whose reaped shells count in their
     * cutime/cstime), in ms: utime + stime + cutime + cstime from /proc/<pid>/stat.
     */
    static long cpuMillis() {
        long ticks = ticks(ProcessHandle.current().pid());
        for (ProcessHandle d : ProcessHandle.current().descendants().toList()) {
            ticks += ticks(d.pid());
        }
        return ticks * 10;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (Exception e) {
            return 0;
        }
    }
}
