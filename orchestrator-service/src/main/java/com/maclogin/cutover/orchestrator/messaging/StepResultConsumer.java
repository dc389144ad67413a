package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.orchestrator.service.StepResultService;
import com.maclogin.cutover.contracts.Redelivery;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** cutover.step-results (group orchestrator-service) → {@link StepResultService}, one transaction per result, retried until it commits ({@link Redelivery}). */
@ApplicationScoped
public class StepResultConsumer {

    private final StepResultService service;

    public StepResultConsumer(StepResultService service) {
        this.service = service;
    }

    @Incoming("step-results")
    @Blocking
    public void consume(String payload) {
        StepResult result;
        try {
            result = Json.read(payload, StepResult.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable step result skipped: %s", e.getMessage());
            return;
        }
        Redelivery.untilCommitted(Redelivery.describe(result), () -> QuarkusTransaction.requiringNew().run(() -> service.handle(result)));
    }
}
