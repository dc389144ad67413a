package com.maclogin.cutover.orchestrator.api;

/** Optional {@code thresholds} part of a cutover request; each unset value keeps the playbook default. */
public record ThresholdsRequest(Integer crashCount, Integer crashWindowSeconds, Double errorRatePercent,
        Integer minSamples, Double latencyMultiplier, Double diskFreeMinPercent) {
}
