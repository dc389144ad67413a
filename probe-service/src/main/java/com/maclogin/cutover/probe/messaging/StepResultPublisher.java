package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.probe.config.ProbeConfig;
import io.quarkus.logging.Log;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Publishes a StepResult (JSON, key = lease id) to the command's reply topic; completes when Kafka acknowledged. A
 * result over {@code probe.caps.result-bytes} is cut down first ({@link ResultCap}), so a step with huge output
 * still answers instead of failing at the broker on every redelivery.
 */
@ApplicationScoped
public class StepResultPublisher {

    private final Emitter<String> emitter;
    private final int maxBytes;

    public StepResultPublisher(@Channel("step-results") Emitter<String> emitter, ProbeConfig config) {
        this.emitter = emitter;
        this.maxBytes = config.caps().resultBytes();
    }

    public CompletionStage<Void> publish(String replyTo, StepResult result) {
        if (!Topics.isReplyTopic(replyTo)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a reply topic: " + replyTo));
        }
        StepResult capped = ResultCap.cap(result, maxBytes);
        if (capped != result) {
            Log.warnf("cutover=%s lease=%s step %s: result of %d bytes cut to %d (probe.caps.result-bytes=%d)",
                    result.cutoverId(), result.leaseId(), result.kind(), ResultCap.bytes(result),
                    ResultCap.bytes(capped), maxBytes);
        }
        return AckedSend.send(emitter, replyTo, capped.leaseId(), Json.write(capped));
    }
}
