package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepFacts;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.HttpProbeResponse;
import com.maclogin.cutover.probe.lease.LaunchctlPrint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * VALIDATE: for {@code validationSeconds}, every {@code probeIntervalMillis}: {@code GET /healthz}, {@code /readyz},
 * {@code /startupz} through the SSH tunnel and {@code launchctl print}. FAILED on any non-200 after the gateway was
 * ready (or if it never became ready). Evidence keeps the first round, any failing answer and the last round.
 */
final class ValidateStep implements StepHandler {

    private final ProbeWindow window;

    ValidateStep(ValidationEvents events) {
        this.window = new ProbeWindow(events);
    }

    static final List<String> PATHS = List.of("/healthz", "/readyz", "/startupz");
    static final int MAX_SECONDS = 86_400;

    @Override
    public String validate(RunStep c) {
        StepCommand.Validate p = c.command(StepCommand.Validate.class);
        if (p != null && p.probePlan() != null) {
            String bad = ProbeWindow.validate(p.probePlan());
            return bad == null ? null : String.format(ProbeReasons.INVALID_PROBE_PLAN, bad);
        }
        if (p != null && p.validationSeconds() != null
                && (p.validationSeconds() < 1 || p.validationSeconds() > MAX_SECONDS)) {
            return "validationSeconds " + p.validationSeconds() + " is outside 1-" + MAX_SECONDS;
        }
        if (p != null && p.probeIntervalMillis() != null
                && (p.probeIntervalMillis() < 100 || p.probeIntervalMillis() > 3_600_000)) {
            return "probeIntervalMillis " + p.probeIntervalMillis() + " is outside 100-3600000";
        }
        return null;
    }

    @Override
    public void run(StepContext ctx) {
        StepCommand.Validate p = ctx.command().command(StepCommand.Validate.class);
        if (p != null && p.probePlan() != null) {
            window.run(ctx, p.probePlan());
            return;
        }
        int seconds = p != null && p.validationSeconds() != null ? p.validationSeconds()
                : ctx.config().validate().defaultSeconds();
        int interval = p != null && p.probeIntervalMillis() != null ? p.probeIntervalMillis()
                : ctx.config().validate().defaultIntervalMillis();
        LeaseInventory.Layout l = LeaseInventory.layout(ctx);
        int port = l.gatewayPort();
        ctx.fact("validationSeconds", seconds);

        long windowEnd = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        boolean ready = false;
        int rounds = 0;
        List<Long> latencies = new ArrayList<>();
        List<Evidence> lastRound = new ArrayList<>();
        String runningVersion = null;
        LaunchctlPrint launchd = null;
        try {
            while (true) {
                long roundStart = System.nanoTime();
                lastRound = new ArrayList<>();
                boolean readyThisRound = false;
                for (String path : PATHS) {
                    HttpProbeResponse r = ctx.http(port, path);
                    latencies.add(r.latencyMillis());
                    Evidence e = Gateway.evidence(r, port);
                    lastRound.add(e);
                    if (rounds == 0) {
                        ctx.addEvidence(e);
                    }
                    if (!r.ok() && ready) {
                        if (rounds > 0) {
                            ctx.addEvidence(e);
                        }
                        throw new StepFailedException(String.format(ProbeReasons.PROBE_FAILED_AFTER_READY, path,
                                r.describe()));
                    }
                    if (path.equals("/readyz") && r.ok()) {
                        readyThisRound = true;
                    }
                    if (path.equals("/startupz") && r.ok()) {
                        runningVersion = Gateway.versionOf(r).orElse(runningVersion);
                    }
                }
                ready = ready || readyThisRound;
                launchd = Gateway.launchctlPrint(ctx, l.basics());
                rounds++;
                long next = roundStart + Duration.ofMillis(interval).toNanos();
                if (next >= windowEnd) {
                    break;
                }
                ctx.pause(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
            }
        } finally {
            ctx.fact("probeRounds", rounds);
            ctx.fact(StepFacts.RUNNING_VERSION, runningVersion);
            ctx.fact("probeLatencyP95Millis", p95(latencies));
            if (launchd != null) {
                Gateway.launchdFacts(ctx, launchd);
            }
        }
        if (rounds > 1) {
            lastRound.forEach(ctx::addEvidence);
        }
        if (!ready) {
            throw new StepFailedException("gateway never answered /readyz 200 during the validation window");
        }
    }

    static Long p95(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(0.95 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }
}
