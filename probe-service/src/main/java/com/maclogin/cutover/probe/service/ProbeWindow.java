package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.lease.LaunchctlPrint;
import com.maclogin.cutover.contracts.ShellQuote;
import com.maclogin.cutover.probe.lease.LaunchdRead;
import com.maclogin.cutover.probe.matrix.ProbeMatrix;
import com.maclogin.cutover.probe.matrix.ProbeOutcome;
import com.maclogin.cutover.probe.matrix.ProbeSession;
import com.maclogin.cutover.probe.trigger.DrillRecovery;
import com.maclogin.cutover.probe.trigger.RestartDrill;
import com.maclogin.cutover.probe.trigger.TriggerEvaluation;
import com.maclogin.cutover.probe.trigger.TriggerRules;
import com.maclogin.cutover.probe.trigger.WindowVerdict;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * VALIDATE with a {@link ProbePlan}: every {@code intervalMillis} for {@code windowSeconds}, one probe per layer;
 * each {@link ProbeResult} is published; the trigger rules run right after each round and the first time one trips
 * a {@link ThresholdBreached} is published (once per trigger and window). ROLLBACK and PAUSE end the step FAILED with
 * reason {@code breach: <TRIGGER> <observed>}; OBSERVE goes on. One restart drill ({@code launchctl kickstart -k}) at
 * {@code restartDrillAtSecond}: the run it stops is not a crash, and its recovery ({@link DrillRecovery}: until
 * {@code /readyz} is 200 again plus {@code probe.validate.drill-settle}) is reported with {@code drillRecovery=true}
 * on every probe, failing probes as INCONCLUSIVE, and does not feed ERROR_RATE and LATENCY. The drill's own limit is
 * {@code probe.validate.drill-recovery-timeout} (kickstart until {@code /readyz} 200): past it the step FAILS with
 * {@link ProbeReasons#DRILL_NOT_RECOVERED}; the window does not end while the drill still waits for readiness. The first round in
 * which every layer PASSED is reported as facts {@code firstGreenRound}, {@code firstGreenAt} (the instant of that
 * round's last probe) and {@code firstGreenAfterMillis} (since the window started): "matrix green". A window that
 * ends without a breach still fails when it was blind ({@link WindowVerdict}): a probed layer that never PASSED, or a
 * trigger INCONCLUSIVE for lack of data, names itself in the reason (PAUSE instead when the plan's action for that
 * trigger is PAUSE).
 */
final class ProbeWindow {

    static final int MAX_SECONDS = 86_400;

    private final ValidationEvents events;
    private final ProbeMatrix matrix = new ProbeMatrix();

    ProbeWindow(ValidationEvents events) {
        this.events = events;
    }

    /** Why the plan is refused, or null. */
    static String validate(ProbePlan p) {
        if (p.layers() == null || p.layers().isEmpty() || p.layers().stream().anyMatch(java.util.Objects::isNull)) {
            return "layers must name at least one layer";
        }
        if (p.intervalMillis() < 100 || p.intervalMillis() > 3_600_000) {
            return "intervalMillis " + p.intervalMillis() + " is outside 100-3600000";
        }
        if (p.windowSeconds() < 1 || p.windowSeconds() > MAX_SECONDS) {
            return "windowSeconds " + p.windowSeconds() + " is outside 1-" + MAX_SECONDS;
        }
        if (p.restartDrillAtSecond() != null
                && (p.restartDrillAtSecond() < 0 || p.restartDrillAtSecond() >= p.windowSeconds())) {
            return "restartDrillAtSecond " + p.restartDrillAtSecond() + " is outside the window";
        }
        if (p.baselineP95Millis() != null && (p.baselineP95Millis() < 0 || p.baselineP95Millis().isNaN())) {
            return "baselineP95Millis must be >= 0";
        }
        if (p.tlsEndpoint() != null) {
            int colon = p.tlsEndpoint().lastIndexOf(':');
            if (colon <= 0) {
                return "tlsEndpoint must be host:port";
            }
            String bad = Validation.host(p.tlsEndpoint().substring(0, colon));
            if (bad != null) {
                return "tlsEndpoint: " + bad;
            }
            try {
                bad = Validation.port(Integer.parseInt(p.tlsEndpoint().substring(colon + 1)));
            } catch (NumberFormatException e) {
                bad = "port is not a number";
            }
            if (bad != null) {
                return "tlsEndpoint: " + bad;
            }
        }
        if (p.tlsMinValidDays() != null && (p.tlsMinValidDays() < 0 || p.tlsMinValidDays() > 3650)) {
            return "tlsMinValidDays is outside 0-3650";
        }
        if (p.rollbackOwner() != null && Validation.label(p.rollbackOwner()) != null) {
            return "rollbackOwner: " + Validation.label(p.rollbackOwner());
        }
        TriggerThresholds t = p.thresholds();
        if (t != null && (t.crashCount() < 1 || t.crashWindowSeconds() < 1 || t.minSamples() < 1
                || t.errorRatePercent() < 0 || t.latencyMultiplier() <= 0 || t.latencyFloorMillis() < 0
                || t.integrationP95MaxMillis() <= 0 || t.diskFreeMinPercent() < 0)) {
            return "thresholds must be positive";
        }
        return null;
    }

    void run(StepContext ctx, ProbePlan plan) {
        RunStep c = ctx.command();
        ProbeConfig.Validate vc = ctx.config().validate();
        TriggerThresholds t = plan.thresholds() != null ? plan.thresholds() : TriggerThresholds.playbook();
        LeaseInventory.Layout l = LeaseInventory.layout(ctx);
        Set<ProbeLayer> layers = new LinkedHashSet<>(plan.layers());
        if (layers.contains(ProbeLayer.TLS) && plan.tlsEndpoint() == null) {
            layers.remove(ProbeLayer.TLS);
            ctx.addEvidence(Evidence.of("tls", "TLS layer skipped", null, "no tlsEndpoint in the plan"));
        }
        // the token is read as the gateway's account (the probe account cannot read the gateway's config)
        String token = layers.contains(ProbeLayer.INTEGRATION) ? LeaseSecrets.hooksToken(ctx).orElse(null) : null;
        // the probes log in as the probe account, checked here to be another uid than the gateway's
        LeaseTarget probeLogin = ProbeAccount.check(ctx, l.basics());
        // as the probe account, PROCESS reads launchd through its sudo grant (another user's gui domain is refused)
        String launchdRead = probeLogin == ctx.target() ? LaunchdRead.own(l.basics().serviceTarget())
                : LaunchdRead.viaGrant(ctx.target().sshUser(), l.basics().uid());
        ProbeSession session = new ProbeSession(ctx.ssh(), probeLogin, l.gatewayPort(),
                l.basics().serviceTarget(), token, plan.tlsEndpoint(),
                plan.tlsMinValidDays() == null ? 0 : plan.tlsMinValidDays(), t.diskFreeMinPercent(),
                new ProbeSession.Timeouts(vc.probeTimeout(), vc.tcpConnectTimeout(), ctx.config().http().requestTimeout(),
                        vc.integrationTimeout(), vc.tlsTimeout()), l.basics().home(), launchdRead);
        ctx.fact("validationSeconds", plan.windowSeconds());
        ctx.fact("probeIntervalMillis", plan.intervalMillis());

        List<ProbeResult> window = new ArrayList<>();
        Map<ProbeLayer, ProbeResult> last = new EnumMap<>(ProbeLayer.class);
        Map<ProbeLayer, Evidence> lastEvidence = new EnumMap<>(ProbeLayer.class);
        Set<TriggerKind> breached = EnumSet.noneOf(TriggerKind.class);
        List<TriggerEvaluation> evaluations = List.of();
        int failureEvidence = 0;
        RestartDrill drill = null;
        DrillRecovery recovery = null;
        int recoveryProbes = 0;
        long start = System.nanoTime();
        long windowEnd = start + TimeUnit.SECONDS.toNanos(plan.windowSeconds());
        int round = 0;
        int firstGreenRound = 0;
        Instant firstGreenAt = null;
        try {
            while (true) {
                long roundStart = System.nanoTime();
                ctx.checkDeadline();
                ctx.checkSuperseded();
                boolean drillNow = false;
                if (drill == null && plan.restartDrillAtSecond() != null
                        && roundStart - start >= TimeUnit.SECONDS.toNanos(plan.restartDrillAtSecond())) {
                    drill = drill(ctx, l.basics(), (roundStart - start) / 1_000_000_000L);
                    recovery = new DrillRecovery(drill.at(), vc.drillRecoveryTimeout(), vc.drillSettle(),
                            DrillRecovery.normalLatencyMillis(plan.baselineP95Millis(), t,
                                    TriggerRules.p95(TriggerRules.judgedLatencies(window))));
                    drillNow = true;
                }
                round++;
                for (ProbeLayer layer : layers) {
                    ProbeOutcome o = matrix.probe(layer).probe(session);
                    Instant at = Instant.now();
                    if (o.hostKeyMismatch()) {
                        throw ctx.hostKeyRefused();
                    }
                    if (recovery != null && layer == ProbeLayer.INTEGRATION) {
                        // a normal answer after /readyz 200 ends the settle period early (it is not part of it)
                        recovery.synthetic(at, o.verdict() == Verdict.PASSED, o.latencyMillis());
                    }
                    boolean inRecovery = recovery != null && recovery.covers(at);
                    if (inRecovery && (o.verdict() == Verdict.FAILED || o.verdict() == Verdict.ERROR)) {
                        o = o.withVerdict(Verdict.INCONCLUSIVE, "restart drill recovery: " + o.detail());
                    }
                    if (recovery != null && recovery.waitingForReady() && layer == ProbeLayer.APPLICATION
                            && o.verdict() == Verdict.PASSED) {
                        recovered(ctx, recovery, at);
                    }
                    Map<String, String> observed = new LinkedHashMap<>(o.observed());
                    if (drillNow && layer == ProbeLayer.PROCESS) {
                        observed.put("restartDrill", "kickstart -k");
                    }
                    if (inRecovery) {
                        observed.put(DrillRecovery.MARKER, "true");
                        recoveryProbes++;
                    }
                    ProbeResult r = new ProbeResult(UUID.randomUUID().toString(), c.cutoverId(), c.leaseId(), at,
                            CutoverMessage.SCHEMA_VERSION, c.epoch(), c.messageId(), round, layer, o.verdict(),
                            o.latencyMillis(), o.detail(), observed);
                    window.add(r);
                    last.put(layer, r);
                    events.probeResult(r);
                    if (o.evidence() != null) {
                        if (round == 1) {
                            ctx.addEvidence(o.evidence());
                        } else if (o.verdict() == Verdict.FAILED && failureEvidence < vc.maxFailureEvidence()) {
                            failureEvidence++;
                            ctx.addEvidence(o.evidence());
                        }
                        lastEvidence.put(layer, o.evidence());
                    }
                }
                if (firstGreenRound == 0 && roundAllPassed(window, round, layers)) {
                    firstGreenRound = round;
                    firstGreenAt = window.get(window.size() - 1).timestamp();
                    ctx.fact("firstGreenRound", firstGreenRound);
                    ctx.fact("firstGreenAt", firstGreenAt);
                    ctx.fact("firstGreenAfterMillis", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    Log.infof("cutover=%s lease=%s epoch=%d matrix green: round %d, every layer PASSED at %s",
                            c.cutoverId(), c.leaseId(), c.epoch(), round, firstGreenAt);
                }
                if (recovery != null && recovery.waitingForReady() && !layers.contains(ProbeLayer.APPLICATION)
                        && ctx.http(l.gatewayPort(), "/readyz").ok()) {
                    // no APPLICATION layer in the plan: the worker asks /readyz itself (not a published probe)
                    recovered(ctx, recovery, Instant.now());
                }
                if (recovery != null && recovery.overdue(Instant.now())) {
                    ctx.addEvidence(Evidence.of("restart drill recovery", "wait for /readyz 200 after the drill", 1,
                            "not ready within " + vc.drillRecoveryTimeout().toMillis() + " ms"));
                    throw new StepFailedException(String.format(ProbeReasons.DRILL_NOT_RECOVERED,
                            vc.drillRecoveryTimeout().toMillis()));
                }
                evaluations = TriggerRules.evaluate(window, drill, plan.baselineP95Millis(), t);
                for (TriggerEvaluation e : evaluations) {
                    if (e.tripped() && breached.add(e.trigger())) {
                        breach(ctx, plan, e, last, round);
                    }
                }
                long next = roundStart + TimeUnit.MILLISECONDS.toNanos(plan.intervalMillis());
                if (next >= windowEnd && (recovery == null || !recovery.waitingForReady())) {
                    break;
                }
                ctx.pause(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
            }
        } finally {
            if (recovery != null) {
                ctx.fact("drillRecoveryProbes", recoveryProbes);
            }
            facts(ctx, round, window, last, evaluations, breached);
            if (round > 1) {
                lastEvidence.values().forEach(ctx::addEvidence);
            }
        }
        // a blind layer never ends GREEN: a probed layer that never PASSED, or a trigger that saw no data
        WindowVerdict.Result verdict = WindowVerdict.evaluate(layers, window, round, evaluations, t, plan.actions());
        ctx.fact("windowVerdict", verdict.kind());
        if (verdict.kind() != WindowVerdict.Kind.PASS) {
            ctx.fact("blind", String.join(",", verdict.blind().stream()
                    .map(b -> b.trigger() == null ? b.layer().name() : b.trigger().name()).toList()));
            ctx.addEvidence(Evidence.of("blind spots", "end of window: every probed layer PASSED at least once and "
                    + "every trigger had data", 1, verdict.reason()));
            Log.warnf("cutover=%s lease=%s epoch=%d blind validation window (%s): %s", c.cutoverId(), c.leaseId(),
                    c.epoch(), verdict.kind(), verdict.reason());
            if (verdict.kind() == WindowVerdict.Kind.PAUSE) {
                TriggerEvaluation e = evaluations.stream().filter(x -> x.trigger() == verdict.pauseTrigger())
                        .findFirst().orElseThrow();
                // the plan says PAUSE for this trigger: the orchestrator pauses on the breach, as for a tripped rule
                breach(ctx, plan, new TriggerEvaluation(e.trigger(), Verdict.INCONCLUSIVE,
                        String.format(ProbeReasons.BLIND_WINDOW, verdict.reason()), e.threshold(), e.numbers()),
                        last, round);
            }
            throw new StepFailedException(String.format(ProbeReasons.BLIND_WINDOW, verdict.reason()));
        }
        Gateway.startupVersion(ctx, l.gatewayPort()).ifPresent(v -> ctx.fact("runningVersion", v));
    }

    /** {@code /readyz} is 200 again after the drill: the settle period starts. */
    private static void recovered(StepContext ctx, DrillRecovery recovery, Instant at) {
        recovery.ready(at);
        recovery.recoveredMillis().ifPresent(ms -> ctx.fact("restartDrillRecoveredMillis", ms));
        Log.infof("cutover=%s lease=%s restart drill recovered: /readyz 200 %s ms after the kickstart",
                ctx.command().cutoverId(), ctx.command().leaseId(), recovery.recoveredMillis().orElse(null));
    }

    private RestartDrill drill(StepContext ctx, LeaseInventory.Basics basics, long atSecond) {
        String target = ShellQuote.quote(basics.serviceTarget());
        CommandResult before = ctx.run("restart drill: launchctl print", "launchctl print " + target);
        LaunchctlPrint p = LaunchctlPrint.parse(before.ok() ? before.stdout() : "");
        Long endedRun = null;
        if (p.isRunning() && p.runs().isPresent()) {
            try {
                endedRun = Long.parseLong(p.runs().get().trim());
            } catch (NumberFormatException e) {
                // unknown: the drill's restart would then count as a crash, never hide one
            }
        }
        Instant at = Instant.now();
        // never repeated on a transient SSH fault: a second kickstart would be a second restart
        CommandResult kick = ctx.runOnce("restart drill", "launchctl kickstart -k " + target);
        ctx.fact("restartDrillAtSecond", atSecond);
        ctx.fact("restartDrillExitCode", kick.exitCode());
        Log.infof("cutover=%s lease=%s restart drill at %d s (exit %d, stopped run %s)", ctx.command().cutoverId(),
                ctx.command().leaseId(), atSecond, kick.exitCode(), endedRun);
        return new RestartDrill(at, endedRun);
    }

    private void breach(StepContext ctx, ProbePlan plan, TriggerEvaluation e, Map<ProbeLayer, ProbeResult> last,
            int round) {
        RunStep c = ctx.command();
        StepCommand.Validate p = c.command(StepCommand.Validate.class);
        TriggerAction action = plan.actions() != null && plan.actions().get(e.trigger()) != null
                ? plan.actions().get(e.trigger()) : TriggerAction.ROLLBACK;
        ProbeResult observing = last.get(switch (e.trigger()) {
            case CRASH_LOOP -> ProbeLayer.PROCESS;
            case ERROR_RATE, LATENCY -> ProbeLayer.INTEGRATION;
            case DISK -> ProbeLayer.DISK;
        });
        Map<String, String> numbers = new LinkedHashMap<>(e.numbers());
        numbers.put("round", Integer.toString(round));
        ThresholdBreached b = ThresholdBreached.builder().cutoverId(c.cutoverId()).leaseId(c.leaseId())
                .epoch(c.epoch()).trigger(e.trigger()).action(action).observed(e.observed()).threshold(e.threshold())
                .numbers(numbers).observedAt(observing != null ? observing.timestamp() : Instant.now())
                .target(c.target()).ticketId(p.ticketId()).previousVersion(p.previousVersion())
                .candidateVersion(p.candidateVersion()).rollbackOwner(plan.rollbackOwner())
                .expectedSha256(p.expectedSha256() == null ? Map.of() : p.expectedSha256()).build();
        Log.warnf("cutover=%s lease=%s breach %s (%s): %s; threshold %s", c.cutoverId(), c.leaseId(), e.trigger(),
                action, e.observed(), e.threshold());
        String published = "published";
        try {
            events.breach(b).toCompletableFuture().get(ctx.config().validate().breachPublishTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            published = "not published: interrupted";
        } catch (Exception ex) {
            published = "not published: " + ex.getClass().getSimpleName();
            Log.errorf("cutover=%s lease=%s breach %s %s", c.cutoverId(), c.leaseId(), e.trigger(), published);
        }
        ctx.addEvidence(Evidence.of("breach " + e.trigger(), "trigger rule " + e.trigger() + " (" + action + ")", null,
                e.observed() + "; threshold " + e.threshold() + "; numbers " + numbers + "; " + published));
        if (action != TriggerAction.OBSERVE) {
            throw new StepFailedException(String.format(ProbeReasons.BREACH, e.trigger(), e.observed()));
        }
    }

    private static void facts(StepContext ctx, int rounds, List<ProbeResult> window, Map<ProbeLayer, ProbeResult> last,
            List<TriggerEvaluation> evaluations, Set<TriggerKind> breached) {
        ctx.fact("probeRounds", rounds);
        ctx.fact("probeResults", window.size());
        List<Long> appLatencies = new ArrayList<>();
        for (ProbeResult r : window) {
            if (r.layer() == ProbeLayer.APPLICATION && r.latencyMillis() != null) {
                appLatencies.add(r.latencyMillis());
            }
        }
        ctx.fact("probeLatencyP95Millis", TriggerRules.p95(appLatencies));
        for (TriggerEvaluation e : evaluations) {
            ctx.fact("trigger." + e.trigger(), e.verdict());
            switch (e.trigger()) {
                case CRASH_LOOP -> ctx.fact("crashes", e.numbers().get("crashesInWindow"));
                case ERROR_RATE -> ctx.fact("errorRatePercent", e.numbers().get("errorRatePercent"));
                case LATENCY -> ctx.fact("integrationP95Millis", e.numbers().get("p95Millis"));
                case DISK -> ctx.fact("diskFreePercent", e.numbers().get("diskFreePercent"));
            }
        }
        if (!breached.isEmpty()) {
            ctx.fact("breaches", String.join(",", breached.stream().map(Enum::name).toList()));
        }
        Map<ProbeLayer, Verdict> verdicts = new EnumMap<>(ProbeLayer.class);
        for (ProbeResult r : window) {
            verdicts.merge(r.layer(), r.verdict(), ProbeWindow::worse);
        }
        verdicts.forEach((layer, v) -> ctx.fact("verdict." + layer, v));
        ProbeResult process = last.get(ProbeLayer.PROCESS);
        if (process != null) {
            ctx.fact("launchdState", process.observed().get("state"));
            ctx.fact("gatewayPid", process.observed().get("pid"));
            ctx.fact("runs", process.observed().get("runs"));
            ctx.fact("lastExitCode", process.observed().get("lastExitCode"));
        }
    }

    /** Whether every layer of the plan has a result in {@code round} and each of them PASSED. */
    static boolean roundAllPassed(List<ProbeResult> window, int round, Set<ProbeLayer> layers) {
        Set<ProbeLayer> passed = EnumSet.noneOf(ProbeLayer.class);
        for (int i = window.size() - 1; i >= 0 && window.get(i).round() == round; i--) {
            ProbeResult r = window.get(i);
            if (r.verdict() != Verdict.PASSED) {
                return false;
            }
            passed.add(r.layer());
        }
        return !layers.isEmpty() && passed.containsAll(layers);
    }

    /** FAILED over ERROR over PASSED over INCONCLUSIVE: a layer passed when it passed at least once and never failed. */
    static Verdict worse(Verdict a, Verdict b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(Verdict v) {
        return switch (v) {
            case FAILED -> 3;
            case ERROR -> 2;
            case PASSED -> 1;
            case INCONCLUSIVE -> 0;
        };
    }
}
