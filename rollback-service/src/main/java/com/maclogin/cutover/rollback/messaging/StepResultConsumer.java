package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.rollback.service.RollbackService;
import com.maclogin.cutover.contracts.Redelivery;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code rollback.step-results} → {@link RollbackService#onStepResult}, one transaction per message, retried until it commits ({@link Redelivery}). */
@ApplicationScoped
public class StepResultConsumer {

    private final RollbackService service;

    public StepResultConsumer(RollbackService service) {
        this.service = service;
    }

    @Incoming("step-results")
    @Blocking
    public void consume(String payload) {
        StepResult result;
        try {
            result = Json.read(payload, StepResult.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable StepResult dropped: %s", e.getMessage());
            return;
        }
        Redelivery.untilCommitted(Redelivery.describe(result), () -> QuarkusTransaction.requiringNew().run(() -> service.onStepResult(result)));
    }
}
