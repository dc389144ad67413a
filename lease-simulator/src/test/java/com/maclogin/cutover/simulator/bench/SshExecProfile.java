package com.maclogin.cutover.simulator.bench;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.simulator.LeaseSimulator;
import com.maclogin.cutover.simulator.LeaseSpec;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.simulator.SimulatorConfig;
import com.maclogin.cutover.simulator.SshKeys;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * Where one SSH exec of {@code true} on a reused sshj connection spends its time, split at the client's round trips:
 * channel open (startSession), exec request (sshj waits for the reply), stdout EOF, stderr EOF, exit status (join)
 * and close, for both exec paths (the lease's exec helper and the JVM's own spawn, interleaved); next to the JVM's own spawn of {@code /bin/sh -c true} (start, stdout EOF, waitFor) and an SSH channel
 * open + close without any exec. One lease (or N, measuring the middle one); prints percentiles.
 * <pre>
 * java -cp "lease-simulator/target/test-classes:lease-simulator/target/classes:$(cat lease-simulator/target/cp.txt)" \
 *   com.maclogin.cutover.simulator.bench.SshExecProfile [--leases 1] [--commands 300] [--command true]
 * </pre>
 */
public final class SshExecProfile {

    private SshExecProfile() {
    }

    public static void main(String[] args) throws Exception {
        int n = 1;
        int commands = 300;
        String command = "true";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--leases" -> n = Integer.parseInt(args[++i]);
                case "--commands" -> commands = Integer.parseInt(args[++i]);
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("sim-prof-");
        Path key = work.resolve("client/id_ed25519");
        String pub = SshKeys.generateEd25519(key);
        List<Integer> ports = SimulatorScaleBenchmark.freePortsFrom(20000, n);
        List<LeaseSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(new LeaseSpec(String.format("p%03d", i), Region.HK, 0, ports.get(i), "2026.9.5"));
        }
        try (LeaseSimulator sim = LeaseSimulator.start(new SimulatorConfig(work.resolve("state"), specs, List.of(pub), 0,
                Duration.ofMillis(50), null))) {
            SimulatedLease lease = sim.leases().get(n / 2);
            long fds;
            try (java.util.stream.Stream<Path> l = Files.list(Path.of("/proc/self/fd"))) {
                fds = l.count(); // what every child of this JVM closes before its exec
            }
            System.out.printf(Locale.ROOT, "load %.1f, %d leases, %d commands of `%s`, %d open descriptors in this JVM%n",
                    SimulatorScaleBenchmark.loadAverage(), n, commands, command, fds);
            // JVM spawn alone
            String[] names = {"start()", "stdout EOF", "waitFor"};
            List<List<Double>> spawn = series(3);
            for (int i = 0; i < commands + 30; i++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("/bin/sh", "-c", command).start();
                long t1 = System.nanoTime();
                p.getInputStream().readAllBytes();
                long t2 = System.nanoTime();
                p.waitFor();
                long t3 = System.nanoTime();
                if (i >= 30) {
                    add(spawn, t0, t1, t2, t3);
                }
            }
            print("JVM spawn /bin/sh -c " + command, names, spawn);

            try (SSHClient c = SimulatorScaleBenchmark.connect(lease, key)) {
                List<List<Double>> open = series(2);
                for (int i = 0; i < commands + 30; i++) {
                    long t0 = System.nanoTime();
                    Session s = c.startSession();
                    long t1 = System.nanoTime();
                    s.close();
                    long t2 = System.nanoTime();
                    if (i >= 30) {
                        add(open, t0, t1, t2);
                    }
                }
                print("SSH channel open + close, no exec", new String[] {"open", "close"}, open);
                String[] steps = {"open", "exec reply", "stdout EOF", "stderr EOF", "exit (join)", "close"};
                // both exec paths, interleaved in blocks of 10 so that both see the same (noisy) machine
                String[] modes = {"helper", "process"};
                List<List<List<Double>>> ssh = new ArrayList<>();
                for (String m : modes) {
                    ssh.add(series(steps.length));
                }
                for (int i = 0; i < 2 * (commands + 30); i++) {
                    int mode = (i / 10) % 2;
                    System.setProperty("lease-simulator.exec", modes[mode]);
                    long t0 = System.nanoTime();
                    Session s = c.startSession();
                    long t1 = System.nanoTime();
                    Session.Command cmd = s.exec(command);
                    long t2 = System.nanoTime();
                    cmd.getInputStream().readAllBytes();
                    long t3 = System.nanoTime();
                    cmd.getErrorStream().transferTo(new ByteArrayOutputStream());
                    long t4 = System.nanoTime();
                    cmd.join(30, TimeUnit.SECONDS);
                    long t5 = System.nanoTime();
                    s.close();
                    long t6 = System.nanoTime();
                    if (cmd.getExitStatus() == null) {
                        throw new IllegalStateException("no exit status");
                    }
                    if (i >= 60) {
                        add(ssh.get(mode), t0, t1, t2, t3, t4, t5, t6);
                    }
                }
                System.clearProperty("lease-simulator.exec");
                for (int m = 0; m < modes.length; m++) {
                    print("SSH exec " + command + " [" + modes[m] + "]", steps, ssh.get(m));
                }
            }
            // what the exec path costs in memory: the lease's helper and its spare child
            ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("").contains("exec-helper.pl"))
                    .forEach(h -> {
                        System.out.printf(Locale.ROOT, "exec helper pid %d RSS %.1f MiB%n", h.pid(),
                                SimulatorScaleBenchmark.rssKb(h.pid()) / 1024.0);
                        h.children().forEach(k -> System.out.printf(Locale.ROOT, "  its child pid %d RSS %.1f MiB%n",
                                k.pid(), SimulatorScaleBenchmark.rssKb(k.pid()) / 1024.0));
                    });
            System.out.printf(Locale.ROOT, "load after %.1f%n", SimulatorScaleBenchmark.loadAverage());
        }
        System.exit(0);
    }

    private static List<List<Double>> series(int k) {
        List<List<Double>> s = new ArrayList<>();
        for (int i = 0; i <= k; i++) {
            s.add(new ArrayList<>());
        }
        return s;
    }

    private static void add(List<List<Double>> s, long... t) {
        for (int i = 1; i < t.length; i++) {
            s.get(i - 1).add((t[i] - t[i - 1]) / 1e6);
        }
        s.get(t.length - 1).add((t[t.length - 1] - t[0]) / 1e6);
    }

    private static void print(String title, String[] names, List<List<Double>> s) {
        System.out.println(title);
        for (int i = 0; i < s.size(); i++) {
            List<Double> l = s.get(i);
            Collections.sort(l);
            System.out.printf(Locale.ROOT, "  %-12s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms%n",
                    i < names.length ? names[i] : "TOTAL", SimulatorScaleBenchmark.pct(l, 50),
                    SimulatorScaleBenchmark.pct(l, 90), SimulatorScaleBenchmark.pct(l, 99));
        }
    }
}
