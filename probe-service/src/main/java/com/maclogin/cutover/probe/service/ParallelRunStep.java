package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.CanaryPlan;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.HttpProbeResponse;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.lease.LeasePaths;
import com.maclogin.cutover.contracts.ShellQuote;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.Optional;

/**
 * PARALLEL_RUN (playbook step 4, optional): the installed candidate runs as a canary next to the production gateway,
 * on an alternate loopback port with a copy of the state in the kit, is probed, then stopped.
 * <ol>
 * <li>the candidate must be installed side by side ({@code versions/<v>}) and the canary port free;</li>
 * <li>{@code $KIT/canary-state} = the SNAPSHOT's {@code state.tgz} unpacked (a consistent copy), or a copy of the live
 * directory without {@code tmp/} (its locks name the production gateway) when there is no snapshot;</li>
 * <li>{@code cd $KIT && OPENCLAW_STATE_DIR=$KIT/canary-state OPENCLAW_SKIP_CHANNELS=1 ... nohup '<node>'
 * '<candidate>/dist/index.js' gateway --port '<port>' > $KIT/canary.log 2>&1 < /dev/null & echo $! > $KIT/canary.pid}
 * with the plist's node: channels are skipped so the canary never answers users with the copied credentials;</li>
 * <li>{@code /startupz} 200 (version = candidate) within {@code probe.canary.start-timeout}, then every interval for
 * the window: canary {@code /healthz} and {@code /readyz}, production {@code /startupz} (must stay 200 on the
 * previous version);</li>
 * <li>always (also after a failure): SIGTERM, SIGKILL after {@code probe.canary.stop-timeout}, and the port must be
 * free again.</li>
 * </ol>
 * The port and the window come from {@code StepCommand.ParallelRun.canary} ({@link CanaryPlan}), the probe interval from
 * {@code probeIntervalMillis} (else {@code probe.canary.probe-interval}).
 */
final class ParallelRunStep implements StepHandler {

    static final String CANARY_STATE = "canary-state";
    static final String CANARY_PID = "canary.pid";
    /** The canary process's start time ({@code ps -o lstart=}) next to its pid: a pid reused by another process differs. */
    static final String CANARY_START = "canary.start";
    static final String CANARY_LOG = "canary.log";
    /** A pid is alive when signal 0 reaches it and it is not a zombie (an unreaped orphan still answers kill -0). */
    private static final String ALIVE = "alive() { kill -0 \"$1\" 2>/dev/null && ! ps -o stat= -p \"$1\" 2>/dev/null "
            + "| grep -q Z; }; ";

    private final ProbeConfig config;

    ParallelRunStep(ProbeConfig config) {
        this.config = config;
    }

    @Override
    public String validate(RunStep c) {
        StepCommand.ParallelRun p = c.command(StepCommand.ParallelRun.class);
        if (p == null) {
            return "command is required";
        }
        String version = Validation.version(p.candidateVersion());
        if (version != null) {
            return version;
        }
        Integer port = port(p);
        ProbeConfig.Canary limits = config.canary();
        if (port == null) {
            return "canary (port and seconds) is required";
        }
        if (port < limits.minPort() || port > limits.maxPort()) {
            return "canary port " + port + " is outside " + limits.minPort() + "-" + limits.maxPort();
        }
        if (c.target() != null && port == c.target().gatewayPort()) {
            return "canary port " + port + " is the gateway port";
        }
        // OpenClaw derives ports from its base (browser control +2, CDP +11..+110): keep base ports 120 apart
        if (c.target() != null && Math.abs(port - c.target().gatewayPort()) < 120) {
            return "canary port " + port + " is within 120 of the gateway port " + c.target().gatewayPort();
        }
        int seconds = p.canary().seconds();
        if (seconds < 1 || seconds > limits.maxSeconds()) {
            return "canary.seconds must be 1-" + limits.maxSeconds();
        }
        Integer interval = p.probeIntervalMillis();
        if (interval != null && (interval < 100 || interval > 60_000)) {
            return "probeIntervalMillis must be 100-60000";
        }
        return null;
    }

    static Integer port(StepCommand.ParallelRun p) {
        return p.canary() == null ? null : p.canary().port();
    }

    @Override
    public void run(StepContext ctx) {
        StepCommand.ParallelRun p = ctx.command().command(StepCommand.ParallelRun.class);
        String version = p.candidateVersion();
        int port = port(p);
        int seconds = p.canary().seconds();
        Duration interval = p.probeIntervalMillis() != null ? Duration.ofMillis(p.probeIntervalMillis())
                : config.canary().probeInterval();
        LeaseInventory.Layout l = LeaseInventory.layout(ctx);
        LeaseInventory.Basics b = l.basics();
        String kit = b.kit(ctx.command().cutoverId());
        String candidate = b.candidatePackageRoot(version);
        ctx.fact("canaryPort", port);
        ctx.fact("canarySeconds", seconds);
        ctx.fact("canaryPackageRoot", candidate);

        Optional<String> installed = InstallCandidateStep.installedVersion(ctx, candidate);
        if (installed.isEmpty() || !installed.get().equals(version)) {
            throw new StepFailedException(String.format(ProbeReasons.CANDIDATE_NOT_INSTALLED, version, candidate));
        }
        // production before anything starts: the version it serves is what it must keep serving
        Optional<String> production = Gateway.startupVersion(ctx, l.gatewayPort());
        String productionVersion = production.orElseThrow(() -> new StepFailedException(
                String.format(ProbeReasons.PRODUCTION_DISTURBED, l.gatewayPort(), "no version on /startupz")));
        ctx.fact("productionVersion", productionVersion);
        if (ctx.portOpen(port)) {
            throw new StepFailedException(String.format(ProbeReasons.CANARY_PORT_IN_USE, port));
        }

        String qKit = ShellQuote.quote(kit);
        String canaryState = kit + "/" + CANARY_STATE;
        String qState = ShellQuote.quote(canaryState);
        String qArchive = ShellQuote.quote(kit + "/" + LeasePaths.STATE_ARCHIVE);
        String unpack = kit + "/canary-unpack";
        String qUnpack = ShellQuote.quote(unpack);
        CommandResult copied = ctx.require("canary state", LeasePaths.PRIVATE + "mkdir -p " + qKit + " && rm -rf " + qState + " " + qUnpack
                + " && if [ -f " + qArchive + " ]; then mkdir " + qUnpack + " && tar -C " + qUnpack + " -xzf "
                + qArchive + " && mv " + ShellQuote.quote(unpack + "/" + LeasePaths.STATE_DIR) + " " + qState
                + " && rmdir " + qUnpack + " && echo snapshot; else cp -pR " + ShellQuote.quote(b.stateDir()) + " "
                + qState + " && rm -rf " + ShellQuote.quote(canaryState + "/tmp") + " && echo live-copy; fi");
        ctx.fact("canaryStateSource", copied.stdout().trim());

        long startedAt = System.nanoTime();
        boolean started = false;
        try {
            CommandResult start = ctx.require("start canary", LeasePaths.PRIVATE + "cd " + qKit + " && OPENCLAW_STATE_DIR=" + qState
                    + " OPENCLAW_SKIP_CHANNELS=1 OPENCLAW_NO_AUTO_UPDATE=1 OPENCLAW_NO_RESPAWN=1"
                    + " OPENCLAW_ALLOW_MULTI_GATEWAY=1 OPENCLAW_SERVICE_REPAIR_POLICY=external nohup "
                    + ShellQuote.quote(l.nodePath()) + " " + ShellQuote.quote(candidate + LeasePaths.INDEX_SUFFIX)
                    + " gateway --port " + ShellQuote.quote(Integer.toString(port)) + " > "
                    + ShellQuote.quote(kit + "/" + CANARY_LOG) + " 2>&1 < /dev/null & echo $! > "
                    + ShellQuote.quote(kit + "/" + CANARY_PID) + " && (ps -o lstart= -p \"$(cat "
                    + ShellQuote.quote(kit + "/" + CANARY_PID) + ")\" > " + ShellQuote.quote(kit + "/" + CANARY_START)
                    + " 2>/dev/null || true) && cat " + ShellQuote.quote(kit + "/" + CANARY_PID));
            started = true;
            ctx.fact("canaryPid", start.stdout().trim());
            HttpProbeResponse up = waitStarted(ctx, kit, port);
            ctx.fact("canaryStartMillis", (System.nanoTime() - startedAt) / 1_000_000);
            String served = Gateway.versionOf(up).orElse("unknown");
            ctx.fact("canaryVersion", served);
            if (!served.equals(version)) {
                throw new StepFailedException(String.format(ProbeReasons.CANARY_VERSION_MISMATCH, port, served,
                        version));
            }
            probeWindow(ctx, port, l.gatewayPort(), productionVersion, seconds, interval);
        } finally {
            if (started) {
                stop(ctx, kit, port);
            }
        }
    }

    /** Polls {@code /startupz} until 200; a canary that exited (connection refused and no live pid) fails at once. */
    private HttpProbeResponse waitStarted(StepContext ctx, String kit, int port) {
        long deadline = System.nanoTime() + config.canary().startTimeout().toNanos();
        HttpProbeResponse last;
        while (true) {
            last = ctx.http(port, "/startupz");
            if (last.ok()) {
                ctx.addEvidence(Gateway.evidence(last, port));
                return last;
            }
            if (last.status() == 0 && !alive(ctx, kit)) {
                ctx.addEvidence(Gateway.evidence(last, port));
                ctx.run("canary log", "tail -n 50 " + ShellQuote.quote(kit + "/" + CANARY_LOG));
                throw new StepFailedException(String.format(ProbeReasons.CANARY_NOT_STARTED, "exited", port,
                        config.canary().startTimeout().toMillis()));
            }
            if (System.nanoTime() >= deadline) {
                ctx.addEvidence(Gateway.evidence(last, port));
                throw new StepFailedException(String.format(ProbeReasons.CANARY_NOT_STARTED, "never started", port,
                        config.canary().startTimeout().toMillis()));
            }
            ctx.pause(config.reload().readyPollInterval());
        }
    }

    private void probeWindow(StepContext ctx, int port, int productionPort, String productionVersion, int seconds,
            Duration interval) {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        int rounds = 0;
        int healthOk = 0;
        int readyOk = 0;
        int productionOk = 0;
        try {
            while (true) {
                rounds++;
                HttpProbeResponse health = ctx.http(port, "/healthz");
                HttpProbeResponse ready = ctx.http(port, "/readyz");
                HttpProbeResponse prod = ctx.http(productionPort, "/startupz");
                if (rounds == 1) {
                    ctx.addEvidence(Gateway.evidence(health, port));
                    ctx.addEvidence(Gateway.evidence(ready, port));
                    ctx.addEvidence(Gateway.evidence(prod, productionPort));
                }
                healthOk += health.ok() ? 1 : 0;
                readyOk += ready.ok() ? 1 : 0;
                String prodVersion = Gateway.versionOf(prod).orElse(null);
                if (!productionVersion.equals(prodVersion)) {
                    ctx.addEvidence(Gateway.evidence(prod, productionPort));
                    throw new StepFailedException(String.format(ProbeReasons.PRODUCTION_DISTURBED, productionPort,
                            prod.status() + " " + (prodVersion == null ? "" : "version " + prodVersion)));
                }
                productionOk++;
                for (HttpProbeResponse r : new HttpProbeResponse[] {health, ready}) {
                    if (!r.ok()) {
                        ctx.addEvidence(Gateway.evidence(r, port));
                        throw new StepFailedException(String.format(ProbeReasons.CANARY_PROBE_FAILED, port, r.path(),
                                r.status() > 0 ? Integer.toString(r.status()) : r.error()));
                    }
                }
                if (System.nanoTime() >= end) {
                    return;
                }
                ctx.pause(interval);
            }
        } finally {
            ctx.fact("canaryProbeRounds", rounds);
            ctx.fact("canaryHealthzOk", healthOk);
            ctx.fact("canaryReadyzOk", readyOk);
            ctx.fact("productionProbeOk", productionOk);
        }
    }

    private static boolean alive(StepContext ctx, String kit) {
        return ctx.run("canary alive", ALIVE + "pid=$(cat " + ShellQuote.quote(kit + "/" + CANARY_PID)
                + " 2>/dev/null); case \"$pid\" in ''|*[!0-9]*) exit 1;; esac; alive \"$pid\"").ok();
    }

    /** SIGTERM, SIGKILL after the stop timeout, then the port must be free. Runs after a failure too. */
    private void stop(StepContext ctx, String kit, int port) {
        String result = stopByPidFile(ctx, kit, config.canary().stopTimeout());
        ctx.fact("canaryStopResult", result);
        boolean free = false;
        for (int i = 0; i < 20 && !free; i++) {
            free = !ctx.portOpen(port);
            if (!free) {
                ctx.pause(Duration.ofMillis(100));
            }
        }
        ctx.fact("canaryPortFree", free);
        Log.infof("cutover=%s lease=%s canary on port %d stopped: %s, port free %s", ctx.command().cutoverId(),
                ctx.command().leaseId(), port, result, free);
        if (result.startsWith("still running")) {
            throw new StepFailedException(String.format(ProbeReasons.CANARY_NOT_STOPPED,
                    ctx.facts().getOrDefault("canaryPid", "?"), port));
        }
        if (!free) {
            throw new StepFailedException(String.format(ProbeReasons.CANARY_PORT_NOT_FREED, port));
        }
    }

    /**
     * Stops the process named by {@code $KIT/canary.pid} (if any is alive): SIGTERM, up to {@code timeout}, SIGKILL.
     * Returns {@code not running}, {@code terminated}, {@code killed} or {@code still running ...}. Also the
     * compensation UNFREEZE runs for a canary a crashed worker left behind.
     */
    static String stopByPidFile(StepContext ctx, String kit, Duration timeout) {
        long ticks = Math.max(1, timeout.toMillis() / 200);
        CommandResult r = ctx.run("stop canary", stopScript(kit, ticks), timeout.plus(Duration.ofSeconds(15)));
        String out = r.stdout() == null ? "" : r.stdout().trim();
        return out.isEmpty() ? "still running (exit " + r.exitCode() + ")" : out;
    }

    /**
     * The stop script: nothing is signalled for a pid that is empty, not a number, 0 or written with a leading zero
     * ({@code kill 0} would signal the shell's whole process group), nor for a pid that another process holds now (its
     * start time differs from the one recorded with the pid when the canary started; a kit without the record is
     * trusted as before). Every such case reports {@code not running (...)}: the canary is gone.
     */
    static String stopScript(String kit, long ticks) {
        String pidFile = ShellQuote.quote(kit + "/" + CANARY_PID);
        String startFile = ShellQuote.quote(kit + "/" + CANARY_START);
        return ALIVE + "pid=$(cat " + pidFile + " 2>/dev/null); "
                + "case \"$pid\" in ''|*[!0-9]*) echo 'not running'; exit 0;; 0*) echo \"not running (pid $pid refused)\"; "
                + "rm -f " + pidFile + "; exit 0;; esac; "
                + "if ! alive \"$pid\"; then rm -f " + pidFile + "; echo 'not running'; exit 0; fi; "
                + "if [ -s " + startFile + " ] && [ \"$(ps -o lstart= -p \"$pid\" 2>/dev/null)\" != \"$(cat " + startFile
                + ")\" ]; then rm -f " + pidFile + "; echo \"not running (pid $pid is another process now)\"; exit 0; fi; "
                + "kill -TERM \"$pid\"; i=0; while alive \"$pid\" && [ $i -lt " + ticks + " ]; do "
                + "sleep 0.2; i=$((i+1)); done; "
                + "if alive \"$pid\"; then kill -KILL \"$pid\"; sleep 0.5; "
                + "if alive \"$pid\"; then echo \"still running $pid\"; exit 1; fi; "
                + "rm -f " + pidFile + "; echo killed; else rm -f " + pidFile + "; echo terminated; fi";
    }
}
