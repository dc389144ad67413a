package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.StepResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Results of completed commands by (lease, idempotency key), bounded; the oldest are evicted first. */
final class CompletedSteps {

    private final int max;
    private final LinkedHashMap<String, StepResult> results;

    CompletedSteps(int max) {
        this.max = Math.max(1, max);
        this.results = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StepResult> eldest) {
                return size() > CompletedSteps.this.max;
            }
        };
    }

    synchronized Optional<StepResult> get(String leaseId, String key) {
        return Optional.ofNullable(results.get(leaseId + "|" + key));
    }

    synchronized void put(String leaseId, String key, StepResult result) {
        results.put(leaseId + "|" + key, result);
    }

    synchronized int size() {
        return results.size();
    }
}
