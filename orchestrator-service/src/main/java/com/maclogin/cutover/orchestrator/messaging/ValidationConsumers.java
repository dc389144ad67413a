package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.orchestrator.service.ValidationEventService;
import com.maclogin.cutover.contracts.Redelivery;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * probe.results and cutover.breaches (group orchestrator-service) → {@link ValidationEventService}, one transaction
 * per message, retried until it commits ({@link Redelivery}).
 */
@ApplicationScoped
public class ValidationConsumers {

    private final ValidationEventService service;

    public ValidationConsumers(ValidationEventService service) {
        this.service = service;
    }

    @Incoming("probe-results")
    @Blocking
    public void probeResult(String payload) {
        ProbeResult r;
        try {
            r = Json.read(payload, ProbeResult.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable probe result skipped: %s", e.getMessage());
            return;
        }
        Redelivery.untilCommitted(Redelivery.describe(r), () -> QuarkusTransaction.requiringNew().run(() -> service.probeResult(r)));
    }

    @Incoming("breaches")
    @Blocking
    public void breach(String payload) {
        ThresholdBreached b;
        try {
            b = Json.read(payload, ThresholdBreached.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable breach skipped: %s", e.getMessage());
            return;
        }
        Redelivery.untilCommitted(Redelivery.describe(b), () -> QuarkusTransaction.requiringNew().run(() -> service.breach(b)));
    }
}
