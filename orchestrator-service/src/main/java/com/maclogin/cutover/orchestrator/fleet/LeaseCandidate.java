package com.maclogin.cutover.orchestrator.fleet;

import com.maclogin.cutover.contracts.Region;
import java.util.Map;

/** A registered lease as wave construction and selectors see it. */
public record LeaseCandidate(String id, Region region, boolean staging, Map<String, String> labels) {

    public LeaseCandidate {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
