package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.probe.metrics.ProbeMetrics;
import com.maclogin.cutover.probe.service.ValidationEvents;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes ProbeResults to {@code probe.results} and ThresholdBreached to {@code cutover.breaches}, key = lease id. */
@ApplicationScoped
public class ProbeEventPublisher implements ValidationEvents {

    private final Emitter<String> probeResults;
    private final Emitter<String> breaches;
    private final ProbeMetrics metrics;

    public ProbeEventPublisher(@Channel("probe-results") Emitter<String> probeResults,
            @Channel("breaches") Emitter<String> breaches, ProbeMetrics metrics) {
        this.metrics = metrics;
        this.probeResults = probeResults;
        this.breaches = breaches;
    }

    @Override
    public void probeResult(ProbeResult result) {
        metrics.probed(result);
        send(probeResults, result).exceptionally(e -> {
            Log.warnf("cutover=%s lease=%s probe result %s/%d not published: %s", result.cutoverId(),
                    result.leaseId(), result.layer(), result.round(), e.getMessage());
            return null;
        });
    }

    @Override
    public CompletionStage<Void> breach(ThresholdBreached breach) {
        return send(breaches, breach);
    }

    private static CompletableFuture<Void> send(Emitter<String> emitter, CutoverMessage m) {
        return AckedSend.send(emitter, null, m.leaseId(), Json.write(m));
    }
}
