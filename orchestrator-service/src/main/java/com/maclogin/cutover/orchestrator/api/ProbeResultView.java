package com.maclogin.cutover.orchestrator.api;

import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.Verdict;
import java.time.Instant;
import java.util.Map;

/** One stored probe of a validation window. */
public record ProbeResultView(String messageId, long epoch, String commandMessageId, int round, ProbeLayer layer,
        Verdict verdict, Long latencyMillis, String detail, Map<String, String> observed, Instant probedAt,
        Instant receivedAt) {
}
