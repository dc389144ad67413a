package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.orchestrator.service.CutoverEventService;
import com.maclogin.cutover.contracts.Redelivery;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** cutover.events (group orchestrator-service) → {@link CutoverEventService}: rollback outcomes become terminal states. */
@ApplicationScoped
public class CutoverEventConsumer {

    private final CutoverEventService service;

    public CutoverEventConsumer(CutoverEventService service) {
        this.service = service;
    }

    @Incoming("events")
    @Blocking
    public void consume(String payload) {
        CutoverEvent event;
        try {
            event = Json.read(payload, CutoverEvent.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable cutover event skipped: %s", e.getMessage());
            return;
        }
        Redelivery.untilCommitted(Redelivery.describe(event), () -> QuarkusTransaction.requiringNew().run(() -> service.handle(event)));
    }
}
