package com.maclogin.cutover.orchestrator.api;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.orchestrator.LeaseStage;
import java.time.Instant;
import java.util.Map;

/**
 * A registered lease; {@code watchIntervalSeconds} null = the worker's default; {@code health} as the continuous watch
 * last saw it ({@code UNKNOWN} with {@code since} null when never reported).
 */
public record LeaseView(String id, Region region, String host, int sshPort, String sshUser, String probeUser,
        String hostKey, int gatewayPort, String tlsEndpoint, LeaseStage stage, Map<String, String> labels, Instant createdAt,
        Instant updatedAt, Integer watchIntervalSeconds, LeaseHealthView health) {
}
