package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.orchestrator.service.ValidationEventService;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * probe.results and cutover.breaches (group orchestrator-service) → {@link ValidationEventService}, one transaction
 * per message.
 */
@ApplicationScoped
public class ValidationConsumers {

    private final ValidationEventService service;

    public ValidationConsumers(ValidationEventService service) {
        this.service = service;
    }

    @Incoming("probe-results")
    @Blocking
    @Transactional
    public void probeResult(String payload) {
        ProbeResult r;
        try {
            r = Json.read(payload, ProbeResult.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable probe result skipped: %s", e.getMessage());
            return;
        }
        service.probeResult(r);
    }

    @Incoming("breaches")
    @Blocking
    @Transactional
    public void breach(String payload) {
        ThresholdBreached b;
        try {
            b = Json.read(payload, ThresholdBreached.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("unreadable breach skipped: %s", e.getMessage());
            return;
        }
        service.breach(b);
    }
}
