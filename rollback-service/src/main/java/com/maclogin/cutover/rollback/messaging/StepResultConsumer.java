package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.rollback.service.RollbackService;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code rollback.step-results} → {@link RollbackService#onStepResult}, one transaction per message. */
@ApplicationScoped
public class StepResultConsumer {

    private final RollbackService service;

    public StepResultConsumer(RollbackService service) {
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
            Log.warnf("unreadable StepResult dropped: %s", e.getMessage());
            return;
        }
        service.onStepResult(result);
    }
}
