package com.maclogin.cutover.rollback.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.rollback.service.RollbackService;
import com.maclogin.cutover.contracts.Redelivery;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code cutover.rollbacks} → {@link RollbackService#onRollbackRequested}, one transaction per message, retried until it commits ({@link Redelivery}). */
@ApplicationScoped
public class RollbackRequestConsumer {

    private final RollbackService service;

    public RollbackRequestConsumer(RollbackService service) {
        this.service = service;
    }

    @Incoming("rollbacks")
    @Blocking
    public void consume(String payload) {
        RollbackRequested request;
        try {
            request = Json.read(payload, RollbackRequested.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable RollbackRequested dropped: %s", e.getMessage());
            return;
        }
        Redelivery.untilCommitted(Redelivery.describe(request), () -> QuarkusTransaction.requiringNew().run(() -> service.onRollbackRequested(request)));
    }
}
