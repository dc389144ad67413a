package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.rollback.service.RollbackService;
import com.maclogin.cutover.contracts.Redelivery;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code cutover.breaches} → {@link RollbackService#onBreach}, one transaction per message, retried until it commits ({@link Redelivery}). */
@ApplicationScoped
public class BreachConsumer {

    private final RollbackService service;

    public BreachConsumer(RollbackService service) {
        this.service = service;
    }

    @Incoming("breaches")
    @Blocking
    public void consume(String payload) {
        ThresholdBreached breach;
        try {
            breach = Json.read(payload, ThresholdBreached.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable ThresholdBreached dropped: %s", e.getMessage());
            return;
        }
        Redelivery.untilCommitted(Redelivery.describe(breach), () -> QuarkusTransaction.requiringNew().run(() -> service.onBreach(breach)));
    }
}
