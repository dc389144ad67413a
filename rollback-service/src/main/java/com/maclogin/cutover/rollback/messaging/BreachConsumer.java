package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.rollback.service.RollbackService;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code cutover.breaches} → {@link RollbackService#onBreach}, one transaction per message. */
@ApplicationScoped
public class BreachConsumer {

    private final RollbackService service;

    public BreachConsumer(RollbackService service) {
        this.service = service;
    }

    @Incoming("breaches")
    @Blocking
    @Transactional
    public void consume(String payload) {
        ThresholdBreached breach;
        try {
            breach = Json.read(payload, ThresholdBreached.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable ThresholdBreached dropped: %s", e.getMessage());
            return;
        }
        service.onBreach(breach);
    }
}
