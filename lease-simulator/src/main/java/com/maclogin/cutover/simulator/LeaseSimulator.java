package com.maclogin.cutover.simulator;

import com.maclogin.cutover.contracts.Json;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several simulated leases on loopback: each a real SSH server (Apache MINA sshd) in front of a lease home laid out
 * like a Mac running the OpenClaw Gateway (a Node.js stand-in) under an emulated launchd.
 */
public final class LeaseSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseSimulator.class);
    /** Extra time, on top of the configured start-up delay, a gateway gets to answer /readyz 200 at start. */
    private static final Duration READY_GRACE = Duration.ofSeconds(30);
    /**
     * Leases set up, and gateways booting, at the same time during start: 2 per CPU, at least 2, at most 16
     * (system property {@code lease-simulator.starters} overrides it). A lease's start is mostly Node's boot of its
     * gateway (~150 ms of CPU here); more leases booting at once than the CPUs can run only makes each of them wait
     * in the run queue (4 per CPU gave a p50 lease start of 1.5 s on an idle 2-CPU machine), without a shorter total.
     */
    static final int STARTERS = Integer.getInteger("lease-simulator.starters",
            Math.max(2, Math.min(16, 2 * Runtime.getRuntime().availableProcessors())));

    /** LIGHT mode: threads that run the in-JVM gateways' work and the in-JVM commands ({@code lease-simulator.light.workers}). */
    static final int LIGHT_WORKERS = Integer.getInteger("lease-simulator.light.workers",
            Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));

    static {
        ProcessLaunch.preferVfork();
    }

    private final SimulatorConfig config;
    private final Map<String, LeaseImpl> leases = new LinkedHashMap<>();
    private final Map<String, MacCommands> commandsById = new ConcurrentHashMap<>();
    private final Map<Integer, ServerSocket> reservedPorts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pumps;
    private ControlServer control;
    /** LIGHT mode's shared machinery (null in PROCESS mode): gateways' event loop and pools, SSH IO. */
    private LightGateway.Host light;
    private SharedSshIo sharedSshIo;
    private ExecutorService lightWork;
    private ScheduledExecutorService lightTimers;
    private Thread shutdownHook;
    private volatile boolean closed;

    private LeaseSimulator(SimulatorConfig config) {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, r -> daemon(r, "sim-launchd-" + n.incrementAndGet()));
        this.pumps = Executors.newCachedThreadPool(r -> daemon(r, "sim-ssh-io-" + n.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        // MINA sshd resolves its security registrars through the context class loader: pin it to the one that
        // loaded the simulator (and sshd), whatever loader the embedding test framework uses
        t.setContextClassLoader(LeaseSimulator.class.getClassLoader());
        return t;
    }

    /** Starts every lease; returns when every lease's gateway answers {@code /readyz} with 200. */
    public static LeaseSimulator start(SimulatorConfig config) throws IOException {
        LeaseSimulator sim = new LeaseSimulator(config);
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(LeaseSimulator.class.getClassLoader());
        try {
            sim.startAll();
            return sim;
        } catch (IOException | RuntimeException e) {
            sim.close();
            throw e;
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private void startAll() throws IOException {
        long t0 = System.nanoTime();
        Set<String> ids = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (LeaseSpec spec : config.leases()) {
            if (!ids.add(spec.id())) {
                throw new IllegalArgumentException("duplicate lease id " + spec.id());
            }
            if (!ports.add(spec.gatewayPort()) || (spec.sshPort() != 0 && !ports.add(spec.sshPort()))) {
                throw new IllegalArgumentException("lease " + spec.id() + ": port already used by another lease");
            }
        }
        String node = findNode();
        if (config.gatewayMode() == GatewayMode.LIGHT) {
            AtomicInteger n = new AtomicInteger();
            lightWork = Executors.newFixedThreadPool(LIGHT_WORKERS, r -> daemon(r, "sim-light-work-" + n.incrementAndGet()));
            lightTimers = Executors.newScheduledThreadPool(1, r -> daemon(r, "sim-light-timer"));
            light = new LightGateway.Host(new LightIo(pumps), lightTimers, lightWork, pumps);
            sharedSshIo = new SharedSshIo();
            LOG.info("gateway mode LIGHT: in-JVM gateways on one event loop, {} SSH IO threads shared by every lease",
                    SharedSshIo.THREADS);
        }
        Path stateDir = config.stateDir().toAbsolutePath();
        Files.createDirectories(stateDir);
        control = new ControlServer(config.controlPort(), this, commandsById::get);
        shutdownHook = new Thread(this::close, "lease-simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        String user = System.getProperty("user.name");
        ProbeUserAccount probe = config.leases().isEmpty() ? null : ProbeUserAccount.ensure(config.probeUser(), user);
        Set<String> authorized = new HashSet<>(config.authorizedKeys());

        // hold every gateway port until its gateway spawns, so that no lease's ephemeral SSH or TLS port lands on it
        for (LeaseSpec spec : config.leases()) {
            reserveGatewayPort(spec.gatewayPort());
        }
        // leases start in parallel
        ExecutorService starters = Executors.newFixedThreadPool(Math.max(1, Math.min(STARTERS, config.leases().size())),
                r -> daemon(r, "sim-lease-start"));
        try {
            List<Future<LeaseImpl>> futures = new ArrayList<>();
            for (LeaseSpec spec : config.leases()) {
                futures.add(starters.submit(() -> startLease(spec, stateDir, node, user, probe, authorized)));
            }
            IOException failure = null;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    LeaseImpl lease = futures.get(i).get();
                    synchronized (leases) {
                        leases.put(lease.id(), lease);
                    }
                    commandsById.put(lease.id(), lease.commands());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (failure == null) {
                        failure = cause instanceof IOException io ? io
                                : new IOException("lease " + config.leases().get(i).id() + ": " + cause, cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while starting leases", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            starters.shutdown();
        }
        awaitReady(t0);
        for (LeaseSpec spec : config.leases()) {
            if (!spec.initialFaults().equals(Faults.none())) {
                setFaults(spec.id(), spec.initialFaults());
            }
        }
        LOG.info("{} lease(s) ready in {} ms; control API on 127.0.0.1:{}", leases.size(),
                (System.nanoTime() - t0) / 1_000_000, control.port());
    }

    private LeaseImpl startLease(LeaseSpec spec, Path stateDir, String node, String user, ProbeUserAccount probe,
            Set<String> authorized) throws IOException {
        long t0 = System.nanoTime();
        Path leaseDir = stateDir.resolve(spec.id());
        LeaseHome home = new LeaseHome(leaseDir.resolve("home"));
        if (!home.exists()) {
            home.create(spec.id(), spec.gatewayPort(), spec.initialVersion(), node);
            LOG.info("lease {}: created home {} with openclaw {}", spec.id(), home.home(), spec.initialVersion());
        }
        home.writeShims(spec.id(), control.port());
        Path probeHome = leaseDir.resolve("probe-home");
        probe.prepare(probeHome, home.home().resolve(".sim/bin"));
        LeaseFaults.resetOnDisk(home);
        LaunchdEmulator launchd = new LaunchdEmulator(spec.id(), home, leaseDir, config.throttleInterval(),
                config.gatewayStartupDelay(), scheduler, light);
        // the probe account's sudoers grant (ProbeGrant), set up by default; PROBE_GRANT_REMOVED takes it away
        Map<String, Integer> users = new HashMap<>();
        users.put(user, LaunchdEmulator.UID);
        users.put(probe.name(), probe.uid());
        SudoEmulator sudo = new SudoEmulator(spec.id(), leaseDir.resolve("sudoers.d").resolve(probe.name()),
                SudoEmulator.grantLine(probe.name(), user, LaunchdEmulator.UID), launchd, users);
        sudo.writeGrant(true);
        MacCommands commands = new MacCommands(home, launchd, sudo);
        // commands must answer before the gateway can call launchctl (park)
        commandsById.put(spec.id(), commands);
        LeaseSshServer ssh;
        TlsEndpoint tls;
        try {
            ssh = new LeaseSshServer(spec.id(), spec.sshPort(), leaseDir.resolve("ssh_host_ed25519_key"),
                    authorized, user, home.home(), pumps, probe, probeHome, light == null ? null
                            : new LeaseSshServer.Light(sharedSshIo,
                                    new LightExec(home.home(), commands, launchd, lightWork, lightTimers,
                                            lightUsers(user, probe))));
        } catch (IOException | RuntimeException e) {
            launchd.close();
            throw new IOException("lease " + spec.id() + ": cannot start SSH on 127.0.0.1:" + spec.sshPort()
                    + ": " + e.getMessage(), e);
        }
        try {
            tls = new TlsEndpoint(spec.id(), 0, Faults.DEFAULT_TLS_DAYS, pumps, light == null ? null : light.io);
        } catch (IOException | RuntimeException e) {
            ssh.close();
            launchd.close();
            throw new IOException("lease " + spec.id() + ": cannot start the TLS endpoint: " + e.getMessage(), e);
        }
        // the SSH and TLS ports are ephemeral: they were bound while the gateway port was still reserved
        releaseGatewayPort(spec.gatewayPort());
        try {
            launchd.login();
        } catch (IOException | RuntimeException e) {
            tls.close();
            ssh.close();
            launchd.close();
            throw e;
        }
        LeaseFaults faults = new LeaseFaults(spec.id(), home, launchd, ssh, tls, node, spec.gatewayPort(), sudo);
        LOG.info("lease {}: SSH on 127.0.0.1:{}, launchd loaded, set up in {} ms", spec.id(), ssh.port(),
                (System.nanoTime() - t0) / 1_000_000);
        LeaseImpl lease = new LeaseImpl(spec, home, launchd, commands, ssh, tls, faults, user);
        lease.probeAccount = probe;
        lease.startNanos = t0;
        // wait for this gateway before taking the next lease: at most STARTERS gateways boot at once, so each lease
        // is up in about its own boot time instead of all of them sharing the CPUs until the last one is ready
        long deadline = System.nanoTime() + config.gatewayStartupDelay().plus(READY_GRACE).toNanos();
        // LIGHT: an in-JVM gateway costs no CPU while it starts, awaitReady waits for all of them at once
        while (light == null && System.nanoTime() < deadline && !closed) {
            if (lease.readyzStatus() == 200) {
                lease.readyNanos = System.nanoTime();
                break;
            }
            if (launchd.isDisabled(LaunchAgentPlist.LABEL) && !launchd.isLoaded(LaunchAgentPlist.LABEL)) {
                break; // parked: awaitReady reports it
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return lease;
    }

    /** Who {@code id -u <name>} is answered for in LIGHT mode: the gateway's account, the probe account if an OS user. */
    private static Map<String, Integer> lightUsers(String user, ProbeUserAccount probe) {
        Map<String, Integer> m = new HashMap<>();
        if (probe.osUser()) {
            m.put(probe.name(), probe.uid());
        }
        m.put(user, LaunchdEmulator.UID);
        return m;
    }

    private void awaitReady(long t0) throws IOException {
        long deadline = System.nanoTime() + config.gatewayStartupDelay().plus(READY_GRACE)
                .plusMillis(100L * leases.size()).toNanos();
        List<LeaseImpl> pending = new ArrayList<>(leases.values());
        while (!pending.isEmpty()) {
            pending.removeIf(l -> {
                if (l.readyNanos != 0) {
                    return true;
                }
                if (l.readyzStatus() != 200) {
                    return false;
                }
                l.readyNanos = System.nanoTime();
                return true;
            });
            for (LeaseImpl l : pending) {
                if (l.launchd().isDisabled(LaunchAgentPlist.LABEL) && !l.launchd().isLoaded(LaunchAgentPlist.LABEL)) {
                    throw new IOException("lease " + l.id() + ": " + LaunchAgentPlist.LABEL + " is disabled (parked) "
                            + "and not loaded; its gateway cannot start. Remove " + l.id() + "/launchd-disabled.txt or "
                            + "reset the lease directory under " + config.stateDir());
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("gateway not ready (/readyz 200) after "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms on: "
                        + pending.stream().map(l -> l.id() + " (see " + l.layout().gatewayLog() + ")").toList());
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for gateways", e);
            }
        }
    }

    private void reserveGatewayPort(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress("127.0.0.1", port), 1);
            reservedPorts.put(port, s);
        } catch (IOException e) {
            // taken by someone else: the gateway will find out (EADDRINUSE), as it would on a Mac
            LOG.warn("gateway port 127.0.0.1:{} is already in use: {}", port, e.getMessage());
        }
    }

    private void releaseGatewayPort(int port) {
        ServerSocket s = reservedPorts.remove(port);
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** The absolute path of {@code node} on PATH (what an installer pins into the plist). */
    static String findNode() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "node").toAbsolutePath();
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException("node not found on PATH (" + path + "); the gateway stand-in needs Node.js >= 18");
    }

    public List<SimulatedLease> leases() {
        synchronized (leases) {
            return List.copyOf(leases.values());
        }
    }

    public SimulatedLease lease(String id) {
        synchronized (leases) {
            SimulatedLease l = leases.get(id);
            if (l == null) {
                throw new IllegalArgumentException("no lease " + id);
            }
            return l;
        }
    }

    /**
     * How long a lease took to start in {@link #start(SimulatorConfig)}: from the beginning of its set-up (home, launchd,
     * SSH, TLS) until its gateway first answered {@code /readyz} 200 (measured by the poll, every 25 ms or so).
     */
    public Duration leaseStartTime(String leaseId) {
        LeaseImpl l = require(leaseId);
        return Duration.ofNanos(Math.max(0, l.readyNanos - l.startNanos));
    }

    public int controlPort() {
        return control.port();
    }

    /** How this simulator's leases run their gateway. */
    public GatewayMode gatewayMode() {
        return config.gatewayMode();
    }

    /**
     * LIGHT mode: how many leases answered a launchd read (the watch's PROCESS read) with exit 0 at or after
     * {@code sinceEpochMillis}; -1 in PROCESS mode (reads go through the shell and are not counted).
     */
    public int leasesReadSince(long sinceEpochMillis) {
        if (light == null) {
            return -1;
        }
        int n = 0;
        for (SimulatedLease l : leases()) {
            LightExec e = ((LeaseImpl) l).sshServer().lightExec();
            if (e != null && e.lastReadMillis() >= sinceEpochMillis) {
                n++;
            }
        }
        return n;
    }

    /** Drops every open SSH session of every lease at once (a region-wide network blip); see {@link #dropSshConnections}. */
    public void dropAllSshConnections() {
        for (SimulatedLease l : leases()) {
            ((LeaseImpl) l).sshServer().dropConnections(0);
        }
    }

    /**
     * Test-only fault injection for a lease's gateway stand-in: writes {@code ~/.sim/gateway-faults.json}, read by
     * every gateway start. Shape: {@code {"<version>" or "*": {"exitOnStartCode":1, "startupDelayMs":20000,
     * "readyFailingAfterMs":2000, "crashAfterMs":5000, "logStackTraceOnReady":true, "slowFirstWakes":3,
     * "slowFirstWakeMs":2000, "stackTraceMessage":"..."}}}; {@code "{}"} clears it. {@code stackTraceMessage}: the
     * message of the error {@code logStackTraceOnReady} logs (e.g. one that prints a token, as real gateways do). {@code slowFirstWakes}: the first N {@code POST /hooks/wake}
     * the started gateway answers (after it is ready) each take {@code slowFirstWakeMs} longer.
     * Takes effect at the next gateway start (bootstrap, kickstart -k, KeepAlive respawn).
     */
    public void setGatewayFaults(String leaseId, String faultsJson) throws IOException {
        LeaseImpl lease;
        synchronized (leases) {
            lease = leases.get(leaseId);
        }
        if (lease == null) {
            throw new IllegalArgumentException("no lease " + leaseId);
        }
        lease.writeFaults(faultsJson);
    }

    LeaseImpl leaseImpl(String id) {
        synchronized (leases) {
            return leases.get(id);
        }
    }

    private LeaseImpl require(String leaseId) {
        LeaseImpl lease = leaseImpl(leaseId);
        if (lease == null) {
            throw new IllegalArgumentException("no lease " + leaseId);
        }
        return lease;
    }

    /** The fault switches currently set on a lease. */
    public Faults faults(String leaseId) {
        return require(leaseId).faultControl().current();
    }

    /**
     * Sets a lease's fault switches to {@code faults} (switches not on in {@code faults} are turned off). Returns
     * once the lease shows them: files are written, SSH and TLS switched, a CRASH_LOOP restart issued and a
     * PORT_HIJACK stale listener bound. See {@link Faults} for what each switch does.
     */
    public void setFaults(String leaseId, Faults faults) throws IOException {
        require(leaseId).faultControl().apply(faults == null ? Faults.none() : faults);
    }

    /** Applies {@code change} to the lease's current switches; returns the switches now set. */
    public Faults updateFaults(String leaseId, UnaryOperator<Faults> change) throws IOException {
        LeaseImpl lease = require(leaseId);
        synchronized (lease.faultControl()) {
            Faults next = change.apply(lease.faultControl().current());
            lease.faultControl().apply(next);
            return next;
        }
    }

    /** Turns one switch off. */
    public void clearFault(String leaseId, FaultSwitch faultSwitch) throws IOException {
        updateFaults(leaseId, f -> f.without(faultSwitch));
    }

    /** Turns every switch off ({@link Faults#none()}). */
    public void clearFaults(String leaseId) throws IOException {
        setFaults(leaseId, Faults.none());
    }

    /**
     * One-shot SSH event (not a switch; {@link #faults} does not show it): closes every open SSH session of the lease
     * now and each of the next {@code nextConnections} new ones right after it is created, so a client's pooled
     * connection dies and its next {@code nextConnections} connects fail during the key exchange; later ones work.
     */
    public void dropSshConnections(String leaseId, int nextConnections) {
        require(leaseId).sshServer().dropConnections(nextConnections);
    }

    /**
     * One-shot SSH event: closes every open SSH session of the lease and refuses TCP connects to its SSH port
     * ({@code ECONNREFUSED}) for {@code duration}; then the port listens again by itself.
     */
    public void refuseSshConnections(String leaseId, Duration duration) throws IOException {
        require(leaseId).sshServer().refuseConnectionsFor(duration);
    }

    /** {@code probeUser}, {@code probeUid}, {@code probeAccount} ({@code os-user} | {@code name-only}), {@code probeAccountNote}. */
    private static void probeStatus(SimulatedLease l, Map<String, Object> m) {
        ProbeUserAccount p = l.probeAccount();
        if (p != null) {
            m.put("probeUser", p.name());
            m.put("probeUid", p.uid());
            m.put("probeAccount", p.mode());
            m.put("probeAccountNote", p.note());
        }
    }

    /** The control API's view of a lease: endpoints, launchd state, fault switches (and the running version). */
    Map<String, Object> leaseStatus(LeaseImpl l, boolean withRunningVersion) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("region", l.region().name());
        m.put("host", l.host());
        m.put("sshPort", l.sshPort());
        m.put("sshUser", l.sshUser());
        probeStatus(l, m);
        m.put("hostKey", l.hostKey());
        m.put("gatewayPort", l.gatewayPort());
        m.put("tlsPort", l.tlsPort());
        m.put("home", l.home().toString());
        m.put("installedVersion", l.installedVersion());
        if (withRunningVersion) {
            m.put("runningVersion", l.runningVersion());
        }
        LaunchdEmulator.JobStatus job = l.launchd().status(LaunchAgentPlist.LABEL);
        Map<String, Object> launchd = new LinkedHashMap<>();
        launchd.put("loaded", job.loaded());
        launchd.put("disabled", job.disabled());
        launchd.put("state", job.state());
        launchd.put("pid", job.pid());
        launchd.put("runs", job.runs());
        launchd.put("lastExitCode", job.lastExitCode());
        m.put("launchd", launchd);
        Faults f = l.faultControl().current();
        m.put("activeFaults", f.active());
        m.put("faults", f);
        return m;
    }

    List<Map<String, Object>> leaseStatuses(boolean withRunningVersion) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<LeaseImpl> all;
        synchronized (leases) {
            all = new ArrayList<>(leases.values());
        }
        for (LeaseImpl l : all) {
            out.add(leaseStatus(l, withRunningVersion));
        }
        return out;
    }

    /**
     * {@code [{"id","region","host","sshPort","sshUser","probeUser","probeUid","probeAccount","probeAccountNote",
     * "hostKey","gatewayPort","tlsPort","home"}]}
     */
    String descriptorJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SimulatedLease l : leases()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("region", l.region().name());
            m.put("host", l.host());
            m.put("sshPort", l.sshPort());
            m.put("sshUser", l.sshUser());
            probeStatus(l, m);
            m.put("hostKey", l.hostKey());
            m.put("gatewayPort", l.gatewayPort());
            m.put("tlsPort", l.tlsPort());
            m.put("home", l.home().toString());
            out.add(m);
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops gateways (SIGTERM, then SIGKILL), SSH servers and the control API. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<LeaseImpl> all;
        synchronized (leases) {
            all = new ArrayList<>(leases.values());
        }
        List<Thread> closers = new ArrayList<>();
        for (LeaseImpl l : all) {
            Thread t = new Thread(l::close, "close-" + l.id());
            t.start();
            closers.add(t);
        }
        for (Thread t : closers) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Integer port : List.copyOf(reservedPorts.keySet())) {
            releaseGatewayPort(port);
        }
        if (control != null) {
            control.close();
        }
        if (light != null) {
            light.close();
            sharedSshIo.close();
            lightTimers.shutdownNow();
            lightWork.shutdownNow();
        }
        scheduler.shutdownNow();
        pumps.shutdownNow();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // JVM already shutting down
            }
        }
    }
}
