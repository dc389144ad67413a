package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes a StepResult (JSON, key = lease id) to the command's reply topic; completes when Kafka acknowledged. */
@ApplicationScoped
public class StepResultPublisher {

    private final Emitter<String> emitter;

    public StepResultPublisher(@Channel("step-results") Emitter<String> emitter) {
        this.emitter = emitter;
    }

    public CompletionStage<Void> publish(String replyTo, StepResult result) {
        if (!Topics.isReplyTopic(replyTo)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a reply topic: " + replyTo));
        }
        return AckedSend.send(emitter, replyTo, result.leaseId(), Json.write(result));
    }
}
