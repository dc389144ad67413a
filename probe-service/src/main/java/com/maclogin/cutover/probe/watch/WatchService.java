package com.maclogin.cutover.probe.watch;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.LeaseHealthState;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.LeaseWatchReport;
import com.maclogin.cutover.contracts.ProbeGrant;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.ShellQuote;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.contracts.WatchRollup;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.HostKeyMismatchException;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.client.SshUnavailableException;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.lease.LaunchdRead;
import com.maclogin.cutover.probe.matrix.LightRound;
import com.maclogin.cutover.probe.matrix.ProbeMatrix;
import com.maclogin.cutover.probe.matrix.ProbeOutcome;
import com.maclogin.cutover.probe.matrix.ProbeSession;
import com.maclogin.cutover.probe.registry.LeaseRegistry;
import com.maclogin.cutover.probe.service.StepExecutionService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The continuous watch (issue 12, docs/architecture.md "Continuous watch"). One scheduler thread keeps the set of
 * watched leases ({@link LeaseOwnership}: the region's registrations on the step-topic partitions this worker owns,
 * recomputed on every assignment and registry change), hands due rounds ({@link WatchSchedule}) to a pool of
 * {@code probe.watch.concurrency} threads, lets SSH reconnects through {@link ReconnectLimiter}, and at each minute's
 * end publishes every watched lease's roll-up. A round: connect (pooled, kept open between rounds), then the light
 * matrix as the probe account (PROCESS, TCP, APPLICATION, DISK; TLS every {@code probe.watch.tls-interval}), judged by
 * {@link WatchHealth}; a change of health (or of the crash loop) is published at once. Read-only: no lease lock, no
 * ledger, no probe results on {@code probe.results}.
 */
@ApplicationScoped
public class WatchService {

    static final List<ProbeLayer> LIGHT = List.of(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION,
            ProbeLayer.DISK);

    private final WatchConfig config;
    private final ProbeConfig probe;
    private final Region region;
    private final LeaseRegistry registry;
    private final OwnedPartitions owned;
    private final LeaseSshClient ssh;
    private final WatchReportPublisher publisher;
    private final WatchMetrics metrics;
    private final ProbeMatrix matrix = new ProbeMatrix();
    private final Map<String, WatchedLease> watched = new ConcurrentHashMap<>();
    private final WatchSchedule schedule = new WatchSchedule(() -> ThreadLocalRandom.current().nextDouble());
    private final ArrayDeque<WatchSchedule.Due> waitingForToken = new ArrayDeque<>();
    private final ReconnectLimiter limiter;
    private final Object wake = new Object();
    private final AtomicInteger connecting = new AtomicInteger();
    private final int maxConnecting;
    private volatile boolean dirty = true;
    private volatile boolean active;
    private volatile boolean stopped;
    private volatile Thread scheduler;
    private ExecutorService pool;
    private Instant openMinute;
    private final String workerId;

    public WatchService(WatchConfig config, ProbeConfig probe, LeaseRegistry registry, OwnedPartitions owned,
            LeaseSshClient ssh, WatchReportPublisher publisher, WatchMetrics metrics,
            StepExecutionService steps) {
        this.workerId = steps.workerId();
        this.config = config;
        this.probe = probe;
        this.region = Region.parse(probe.region());
        this.registry = registry;
        this.owned = owned;
        this.ssh = ssh;
        this.publisher = publisher;
        this.metrics = metrics;
        this.limiter = new ReconnectLimiter(config.reconnectsPerSecond(), Math.max(1, config.reconnectsPerSecond()),
                System.nanoTime());
        this.active = config.enabled();
        // connects that hang (a black-holed network) hold a round thread up to probe.ssh.connect-timeout: at most
        // half of the threads connect at once, so the rounds of connected leases keep running on time
        this.maxConnecting = Math.max(1, config.concurrency() / 2);
        metrics.watchedLeases(watched::size);
        registry.onChange(this::changed);
        owned.onChange(this::changed);
    }

    void start(@Observes StartupEvent event) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(config.concurrency(), config.concurrency(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "probe-watch-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Thread t = new Thread(this::loop, "probe-watch-scheduler");
        t.setDaemon(true);
        scheduler = t;
        t.start();
        Log.infof("watch %s: interval %s, tls every %s, %d round threads, %s reconnects/s", active ? "on" : "off",
                config.interval(), config.tlsInterval(), config.concurrency(), config.reconnectsPerSecond());
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        changed();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** Turns the watch on or off at run time (off: every lease is dropped, its connection closed). */
    public void setActive(boolean on) {
        active = on;
        changed();
    }

    public boolean active() {
        return active;
    }

    /** Whether the scheduler thread is alive (readiness). */
    public boolean schedulerAlive() {
        Thread t = scheduler;
        return t != null && t.isAlive();
    }

    /** The lease ids watched now, sorted. */
    public Set<String> watchedLeases() {
        return new TreeSet<>(watched.keySet());
    }

    /** Health of a watched lease as this worker last judged it, or null. */
    public LeaseHealthState health(String leaseId) {
        WatchedLease w = watched.get(leaseId);
        if (w == null) {
            return null;
        }
        synchronized (w) {
            return w.state;
        }
    }

    private void changed() {
        dirty = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void loop() {
        while (!stopped) {
            try {
                if (dirty) {
                    dirty = false;
                    reconcile();
                }
                long now = nowMillis();
                for (WatchSchedule.Due d : schedule.due(now)) {
                    dispatch(d);
                }
                drainTokenQueue();
                flushMinute(Instant.now());
                long wait = Math.min(schedule.millisUntilNext(nowMillis()), millisToNextMinute());
                if (!waitingForToken.isEmpty()) {
                    wait = Math.min(wait, Math.max(1, (long) (1000 / config.reconnectsPerSecond())));
                }
                synchronized (wake) {
                    if (!dirty && wait > 0) {
                        wake.wait(Math.min(wait, 1000));
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Log.errorf(e, "watch scheduler: %s", e.toString());
            }
        }
    }

    private static long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    private static long millisToNextMinute() {
        Instant now = Instant.now();
        return Duration.between(now, now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES)).toMillis() + 1;
    }

    /** Recomputes the watched leases from the registry and the owned partitions. */
    void reconcile() {
        Map<String, LeaseRegistration> wanted = Map.of();
        if (active && !stopped && registry.caughtUp()) {
            OwnedPartitions.Snapshot s = owned.snapshot();
            wanted = LeaseOwnership.owned(registry.registrations(), region, s.partitions(), s.count());
        }
        List<String> gone = new ArrayList<>();
        for (String id : watched.keySet()) {
            if (!wanted.containsKey(id)) {
                gone.add(id);
            }
        }
        for (String id : gone) {
            WatchedLease w = watched.remove(id);
            schedule.remove(id);
            waitingForToken.removeIf(d -> d.leaseId().equals(id));
            if (w != null && watched.values().stream().noneMatch(o -> o.login.equals(w.login))) {
                ssh.release(w.login);
            }
        }
        long now = nowMillis();
        int added = 0;
        for (LeaseRegistration r : wanted.values()) {
            WatchedLease w = watched.get(r.leaseId());
            boolean fresh = true;
            if (w == null) {
                w = new WatchedLease(r, config.crashLoopWindow().toMillis());
                watched.put(r.leaseId(), w);
                added++;
            } else if (!r.equals(w.registration)) {
                w.update(r);
            } else {
                fresh = false;
            }
            schedule.put(r.leaseId(), intervalOf(r).toMillis(), now);
            if (fresh && r.tlsEndpoint() != null && tlsEndpoint(r) == null) {
                Log.warnf("lease=%s watch: TLS left out, %s", r.leaseId(),
                        LeaseRegistration.tlsEndpointProblem(r.tlsEndpoint()));
            }
        }
        if (!gone.isEmpty() || added > 0) {
            Log.infof("watch: %d leases watched (%d added, %d dropped: %s)", watched.size(), added, gone.size(),
                    gone.size() > 20 ? gone.subList(0, 20) + "..." : gone);
        }
    }

    Duration intervalOf(LeaseRegistration r) {
        return r.watchIntervalSeconds() != null ? Duration.ofSeconds(r.watchIntervalSeconds()) : config.interval();
    }

    private void dispatch(WatchSchedule.Due d) {
        WatchedLease w = watched.get(d.leaseId());
        if (w == null) {
            return;
        }
        if (w.running.get() || w.waitingForToken) {
            metrics.round(WatchMetrics.ROUND_OVERLAP, 1);
            return;
        }
        if (!ssh.isConnected(w.login)) {
            long now = System.nanoTime();
            if (now < w.reconnectNotBeforeNanos) {
                metrics.round(WatchMetrics.ROUND_BACKOFF, 1);
                return;
            }
            if (connecting.get() >= maxConnecting || !limiter.tryAcquire(now)) {
                w.waitingForToken = true;
                waitingForToken.add(d);
                metrics.round(WatchMetrics.ROUND_THROTTLED, 1);
                return;
            }
            submit(w, d, true);
            return;
        }
        submit(w, d, false);
    }

    private void drainTokenQueue() {
        while (!waitingForToken.isEmpty()) {
            WatchSchedule.Due d = waitingForToken.peek();
            WatchedLease w = watched.get(d.leaseId());
            if (w == null) {
                waitingForToken.poll();
                continue;
            }
            boolean connect = !ssh.isConnected(w.login);
            if (connect && (connecting.get() >= maxConnecting || !limiter.tryAcquire(System.nanoTime()))) {
                return;
            }
            waitingForToken.poll();
            w.waitingForToken = false;
            submit(w, d, connect);
        }
    }

    /** {@code connect}: the round opens the lease's connection and holds one of the connect slots until it did. */
    private void submit(WatchedLease w, WatchSchedule.Due d, boolean connect) {
        w.running.set(true);
        if (connect) {
            connecting.incrementAndGet();
        }
        AtomicBoolean slot = new AtomicBoolean(connect);
        Runnable freeSlot = () -> {
            if (slot.compareAndSet(true, false)) {
                connecting.decrementAndGet();
            }
        };
        try {
            pool.execute(() -> {
                try {
                    round(w, d, freeSlot);
                } catch (RuntimeException e) {
                    Log.errorf(e, "lease=%s watch round failed: %s", w.leaseId, e.toString());
                } finally {
                    freeSlot.run();
                    w.running.set(false);
                }
            });
        } catch (RuntimeException e) {
            freeSlot.run();
            w.running.set(false); // shutting down
        }
    }

    /** One round of one lease (a pool thread). */
    void round(WatchedLease w, WatchSchedule.Due d, Runnable connected) {
        long start = System.nanoTime();
        metrics.lateness(TimeUnit.NANOSECONDS.toMillis(start) - d.dueAtMillis());
        LeaseTarget login = w.login;
        LeaseRegistration r = w.registration;
        boolean reconnect = !ssh.isConnected(login);
        String sshFailure = null;
        try {
            ssh.ensureConnected(login);
        } catch (HostKeyMismatchException e) {
            sshFailure = "host key mismatch for " + login.host() + ":" + login.sshPort()
                    + " (the lease does not present the pinned key)";
        } catch (SshUnavailableException e) {
            sshFailure = e.isAuthentication() ? "login as " + login.sshUser() + " refused (authentication failed)"
                    : e.isTimeout() ? "connect to " + login.host() + ":" + login.sshPort() + " timed out: "
                            + e.getMessage()
                    : "connect to " + login.host() + ":" + login.sshPort() + " failed: " + e.getMessage();
        }
        connected.run();
        if (reconnect) {
            metrics.reconnected(sshFailure == null);
        }
        Map<ProbeLayer, WatchHealth.Seen> seen = new EnumMap<>(ProbeLayer.class);
        Map<ProbeLayer, ProbeOutcome> probed = new EnumMap<>(ProbeLayer.class);
        if (sshFailure == null) {
            sshFailure = probe(w, login, r, seen, probed);
        }
        if (sshFailure != null) {
            w.sshFailures++;
            w.reconnectNotBeforeNanos = System.nanoTime() + ReconnectLimiter.backoff(w.sshFailures,
                    config.reconnectBackoffInitial(), config.reconnectBackoffMax(),
                    () -> ThreadLocalRandom.current().nextDouble()).toNanos();
            seen.clear();
        } else {
            w.sshFailures = 0;
            w.reconnectNotBeforeNanos = 0;
        }
        String crashLoop = null;
        ProbeOutcome process = probed.get(ProbeLayer.PROCESS);
        Long runs = runs(process);
        if (runs != null) {
            long crashes = w.runCounter.record(TimeUnit.NANOSECONDS.toMillis(System.nanoTime()), runs,
                    lastExitClean(process));
            if (crashes >= config.crashLoopCrashes()) {
                crashLoop = crashes + " crashes (launchd respawns after an unclean exit) within "
                        + human(config.crashLoopWindow());
            }
        }
        String restarted = null;
        if (process != null && process.verdict() == Verdict.FAILED
                && "running".equals(process.observed() == null ? null : process.observed().get("state"))) {
            // serving again after a bad exit: launchd keeps showing that exit until the next one, so it is no outage
            // (a loop of them is, above); the lease is DEGRADED with the exit named, not DOWN
            seen.put(ProbeLayer.PROCESS, new WatchHealth.Seen(Verdict.PASSED, process.detail()));
            restarted = process.detail();
        }
        WatchHealth.Judgement j = WatchHealth.judge(sshFailure, seen, crashLoop, restarted, w.certDaysLeft,
                config.certWarnDays());
        Instant at = Instant.now();
        LeaseWatchReport change = null;
        synchronized (w) {
            RollupAccumulator acc = w.rollup;
            acc.round();
            for (ProbeOutcome o : probed.values()) {
                acc.verdict(o.layer(), o.verdict());
            }
            ProbeOutcome app = probed.get(ProbeLayer.APPLICATION);
            if (app != null && app.latencyMillis() != null && app.verdict() != Verdict.ERROR) {
                acc.latencyMillis(app.latencyMillis());
            }
            if (probed.containsKey(ProbeLayer.TLS) && w.certDaysLeft != null) {
                acc.certDaysLeft(w.certDaysLeft);
            }
            Double disk = number(probed.get(ProbeLayer.DISK), "diskFreePercent");
            if (disk != null) {
                acc.diskFreePercent(disk);
            }
            if (runs != null) {
                acc.runs(runs);
            }
            boolean looping = crashLoop != null;
            if (j.state() != w.state || looping != w.crashLooping) {
                change = report(w, j.state(), j.reason(), w.state, looping, at, null);
            }
            w.state = j.state();
            w.reason = j.reason();
            w.crashLooping = looping;
            w.observedAt = at;
        }
        if (change != null && watched.get(w.leaseId) == w) {
            // (a lease dropped while its round ran is the new owner's to report)
            Log.infof("lease=%s health %s -> %s%s: %s", w.leaseId, change.previousState(), change.state(),
                    change.crashLooping() ? " (crash loop)" : "", change.reason());
            publisher.publish(change);
        }
        metrics.round(sshFailure == null ? WatchMetrics.ROUND_OK : WatchMetrics.ROUND_UNREACHABLE, 1);
        metrics.roundTook(System.nanoTime() - start);
    }

    /** The light matrix; returns the SSH failure that ended it, or null. */
    private String probe(WatchedLease w, LeaseTarget login, LeaseRegistration r, Map<ProbeLayer, WatchHealth.Seen> seen,
            Map<ProbeLayer, ProbeOutcome> probed) {
        ProbeConfig.Validate vc = probe.validate();
        String uid = w.gatewayUid;
        if (uid == null) {
            uid = gatewayUid(login, r);
            w.gatewayUid = uid;
        }
        boolean asGateway = login.sshUser().equals(r.sshUser());
        String serviceTarget = ProbeGrant.serviceTarget(uid == null ? "0" : uid);
        String launchdRead = asGateway ? LaunchdRead.own(serviceTarget) : LaunchdRead.viaGrant(r.sshUser(),
                uid == null ? "0" : uid);
        String tls = tlsEndpoint(r);
        ProbeSession session = new ProbeSession(ssh, login, r.gatewayPort(), serviceTarget, null, tls,
                config.certWarnDays(), config.diskFreeMinPercent(),
                new ProbeSession.Timeouts(vc.probeTimeout(), vc.tcpConnectTimeout(), probe.http().requestTimeout(),
                        vc.integrationTimeout(), vc.tlsTimeout()), null, launchdRead);
        List<ProbeLayer> layers = new ArrayList<>(LIGHT);
        long now = System.nanoTime();
        if (tls != null && (!w.tlsRead || now - w.lastTlsNanos >= config.tlsInterval().toNanos())) {
            layers.add(ProbeLayer.TLS);
        }
        for (int pass = 1; pass <= 2 && !layers.isEmpty(); pass++) {
            Map<ProbeLayer, ProbeOutcome> paired = new EnumMap<>(ProbeLayer.class);
            for (ProbeLayer layer : layers) {
                if (!paired.containsKey(layer) && config.combinedRound()) {
                    // two layers from one channel (LightRound) when both are due in this pass
                    if ((layer == ProbeLayer.PROCESS || layer == ProbeLayer.DISK) && uid != null
                            && layers.contains(ProbeLayer.PROCESS) && layers.contains(ProbeLayer.DISK)) {
                        paired.putAll(LightRound.processAndDisk(session));
                    } else if ((layer == ProbeLayer.TCP || layer == ProbeLayer.APPLICATION)
                            && layers.contains(ProbeLayer.TCP) && layers.contains(ProbeLayer.APPLICATION)) {
                        paired.putAll(LightRound.tcpAndApplication(session));
                    }
                }
                ProbeOutcome o = paired.containsKey(layer) ? paired.get(layer)
                        : layer == ProbeLayer.PROCESS && uid == null
                        ? ProbeOutcome.error(layer, "the gateway's uid could not be read (id -u " + r.sshUser() + ")")
                        : matrix.probe(layer).probe(session);
                if (o.hostKeyMismatch()) {
                    return "host key mismatch for " + login.host() + ":" + login.sshPort()
                            + " (the lease no longer presents the pinned key)";
                }
                probed.put(layer, o);
                seen.put(layer, new WatchHealth.Seen(o.verdict(), o.detail()));
                if (layer == ProbeLayer.TLS) {
                    w.tlsRead = true;
                    w.lastTlsNanos = now;
                    w.lastTls = seen.get(layer);
                    Double days = number(o, "daysLeft");
                    w.certDaysLeft = days == null ? null : days.intValue();
                }
            }
            // the connection died under the round (a blip, or a step's fresh handshake dropped the pooled connection):
            // reconnect once and probe again what it cost; a reconnect that fails is the round's SSH failure
            List<ProbeLayer> lost = layers.stream().filter(l -> seen.get(l).verdict() == Verdict.ERROR
                    && seen.get(l).detail().startsWith("ssh: ")).toList();
            if (pass == 2 || lost.isEmpty() || ssh.isConnected(login)) {
                break;
            }
            if (!limiter.tryAcquire(System.nanoTime())) {
                // a reconnect inside the round passes the same token bucket as every other (the P4 blip measured 56/s
                // against 50/s while these went around it): without a token the round ends as an SSH failure and the
                // lease comes back through the backoff and the limiter
                return "connection lost under the round; the reconnect waits for the worker's reconnect limit ("
                        + config.reconnectsPerSecond() + "/s)";
            }
            try {
                ssh.ensureConnected(login);
            } catch (HostKeyMismatchException e) {
                return "host key mismatch for " + login.host() + ":" + login.sshPort()
                        + " (the lease no longer presents the pinned key)";
            } catch (SshUnavailableException e) {
                return "connection lost and not reopened: " + e.getMessage();
            }
            layers = lost;
        }
        if (!seen.containsKey(ProbeLayer.TLS) && w.lastTls != null && tls != null) {
            seen.put(ProbeLayer.TLS, w.lastTls);
        }
        if (!ssh.isConnected(login) && seen.values().stream().allMatch(s -> s.verdict() == Verdict.ERROR)) {
            // the connection died under the round: SSH failed, not the gateway
            String first = seen.values().iterator().next().detail();
            return first.startsWith("ssh: ") ? first.substring(5) : first;
        }
        return null;
    }

    /** The gateway account's uid, read by the probe login ({@code id -u '<gateway user>'}), or null. */
    private String gatewayUid(LeaseTarget login, LeaseRegistration r) {
        try {
            CommandResult c = ssh.exec(login, "id -u " + ShellQuote.quote(r.sshUser()), probe.validate().probeTimeout());
            String out = c.stdout().trim();
            if (c.ok() && out.matches("\\d{1,10}")) {
                return out;
            }
            Log.warnf("lease=%s watch: id -u %s as %s exited %d", r.leaseId(), r.sshUser(), login.sshUser(),
                    c.exitCode());
        } catch (Exception e) {
            Log.warnf("lease=%s watch: id -u %s as %s failed: %s", r.leaseId(), r.sshUser(), login.sshUser(),
                    e.toString());
        }
        return null;
    }

    /**
     * The lease's TLS endpoint as VALIDATE's probe plan names it (the orchestrator's lease {@code tlsEndpoint}, carried
     * by the registration), or null: none, or not a valid {@code host:port} (then TLS is left out, said once per
     * registration in the log).
     */
    static String tlsEndpoint(LeaseRegistration r) {
        String e = r.tlsEndpoint();
        return e == null || LeaseRegistration.tlsEndpointProblem(e) != null ? null : e;
    }

    /** Whether launchd's last exit of the job was clean: never exited, or exit code 0 and no terminating signal. */
    static boolean lastExitClean(ProbeOutcome process) {
        if (process == null || process.observed() == null) {
            return true;
        }
        if (process.observed().get("lastTerminatingSignal") != null) {
            return false;
        }
        String exit = process.observed().get("lastExitCode");
        return exit == null || exit.startsWith("(never exited)") || exit.trim().matches("0(\\D.*)?");
    }

    private static Long runs(ProbeOutcome process) {
        Double v = number(process, "runs");
        return v == null ? null : v.longValue();
    }

    private static Double number(ProbeOutcome o, String key) {
        if (o == null || o.observed() == null || o.observed().get(key) == null) {
            return null;
        }
        try {
            return Double.valueOf(o.observed().get(key).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String human(Duration d) {
        return d.toMinutes() > 0 && d.toSecondsPart() == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    private LeaseWatchReport report(WatchedLease w, LeaseHealthState state, String reason, LeaseHealthState previous,
            boolean crashLooping, Instant observedAt, WatchRollup rollup) {
        return new LeaseWatchReport(UUID.randomUUID().toString(), w.leaseId, Instant.now(),
                CutoverMessage.SCHEMA_VERSION, region, workerId, state, reason, previous, crashLooping,
                w.certDaysLeft, observedAt, rollup);
    }

    /** At a minute's end: one report per watched lease that has a health, with that minute's roll-up. */
    synchronized void flushMinute(Instant now) {
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        if (openMinute == null) {
            openMinute = minute;
            return;
        }
        if (!minute.isAfter(openMinute)) {
            return;
        }
        Instant ended = openMinute;
        openMinute = minute;
        int sent = 0;
        for (WatchedLease w : watched.values()) {
            LeaseWatchReport report;
            synchronized (w) {
                RollupAccumulator acc = w.rollup;
                w.rollup = new RollupAccumulator(acc.lastRuns());
                if (w.state == LeaseHealthState.UNKNOWN) {
                    continue;
                }
                report = report(w, w.state, w.reason, w.state, w.crashLooping, w.observedAt, acc.rollup(ended));
            }
            publisher.publish(report);
            sent++;
        }
        Log.debugf("watch: %d roll-ups of %s sent", sent, ended);
    }
}
