package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.orchestrator.service.StepResultService;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** cutover.step-results (group orchestrator-service) → {@link StepResultService}, one transaction per result. */
@ApplicationScoped
public class StepResultConsumer {

    private final StepResultService service;

    public StepResultConsumer(StepResultService service) {
        this.service = service;
    }

    @Incoming("step-results")
    @Blocking
    @Transactional
    public void consume(String payload) {
        StepResult result;
        try {
            result = Json.read(payload, StepResult.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable step result skipped: %s", e.getMessage());
            return;
        }
        service.handle(result);
    }
}
