package com.maclogin.cutover.orchestrator.api;

/** Optional {@code validation} part of a cutover request: the window, the probe interval, the restart drill. */
public record ValidationRequest(Integer windowSeconds, Integer probeIntervalSeconds, Boolean restartDrill) {
}
