package com.maclogin.cutover.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Map;

/**
 * Validated parameters of a step. Every field is optional; which ones a step needs is checked by the worker, which
 * refuses a command that lacks them or carries values outside the allow-lists of {@link Validation}.
 *
 * @param candidateVersion  version to install (OpenClaw calendar version or semver)
 * @param previousVersion   version found by the inventory gate
 * @param ticketId          change ticket, written into the freeze marker
 * @param tag               release tag, {@code oc-cutover-YYYYMMDD}
 * @param expectedSha256    hashes by artifact name: {@code plist}, {@code package} (inventory gate), {@code state}
 *                          (the SNAPSHOT state archive), {@code tarball} (INSTALL_CANDIDATE only: sha256 of
 *                          {@code openclaw-<version>.tgz} when the request gave one)
 * @param validationSeconds length of the validation window
 * @param probeIntervalMillis interval between probe rounds in the validation window
 * @param probePlan         the probe matrix and trigger rules of a VALIDATE step; {@code null} for a plain
 *                          health check over the window
 * @param canary            the canary of a PARALLEL_RUN step; {@code null} for every other step
 */
public record StepParameters(
        String candidateVersion,
        String previousVersion,
        String ticketId,
        String tag,
        Map<String, String> expectedSha256,
        Integer validationSeconds,
        Integer probeIntervalMillis,
        ProbePlan probePlan,
        CanaryPlan canary) {

    @JsonCreator
    public StepParameters {
    }

    /** Parameters without a canary. */
    public StepParameters(String candidateVersion, String previousVersion, String ticketId, String tag,
            Map<String, String> expectedSha256, Integer validationSeconds, Integer probeIntervalMillis,
            ProbePlan probePlan) {
        this(candidateVersion, previousVersion, ticketId, tag, expectedSha256, validationSeconds, probeIntervalMillis,
                probePlan, null);
    }

    /** Parameters without a probe plan. */
    public StepParameters(String candidateVersion, String previousVersion, String ticketId, String tag,
            Map<String, String> expectedSha256, Integer validationSeconds, Integer probeIntervalMillis) {
        this(candidateVersion, previousVersion, ticketId, tag, expectedSha256, validationSeconds, probeIntervalMillis,
                null, null);
    }

    public static StepParameters none() {
        return new StepParameters(null, null, null, null, Map.of(), null, null, null, null);
    }
}
