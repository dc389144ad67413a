package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import java.util.concurrent.CompletionStage;

/** Where a validation window's probe results and breaches go ({@code probe.results}, {@code cutover.breaches}). */
public interface ValidationEvents {

    /** Fire and forget: a lost probe result is logged, it never stops the window. */
    void probeResult(ProbeResult result);

    /** Completes when Kafka accepted the breach. */
    CompletionStage<Void> breach(ThresholdBreached breach);
}
