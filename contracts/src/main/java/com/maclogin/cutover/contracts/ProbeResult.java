package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * Event: one probe of one layer in one round of a validation window. Published to {@code probe.results}, keyed by
 * lease id; the orchestrator stores every one.
 *
 * @param commandMessageId the VALIDATE command whose plan this probe belongs to
 * @param observed         the raw numbers and fields (e.g. {@code runs}, {@code lastExitCode}, {@code status})
 */
public record ProbeResult(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        String commandMessageId,
        int round,
        ProbeLayer layer,
        Verdict verdict,
        Long latencyMillis,
        String detail,
        Map<String, String> observed) implements CutoverMessage {
}
