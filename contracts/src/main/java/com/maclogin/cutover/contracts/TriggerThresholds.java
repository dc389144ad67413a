package com.maclogin.cutover.contracts;

/**
 * The numbers of the rollback triggers. {@link #playbook()} are the playbook's defaults; a cutover may tighten them,
 * loosening needs an audited override.
 *
 * @param crashCount              crashes that trip the exit-loop rule (3)
 * @param crashWindowSeconds      within this many seconds (300)
 * @param errorRatePercent        synthetic failure ratio that trips the error-rate rule when exceeded (5.0)
 * @param minSamples              fewer synthetic samples than this give INCONCLUSIVE, never a breach (20)
 * @param latencyMultiplier       P95 above this multiple of the baseline trips the latency rule (5.0)
 * @param latencyFloorMillis      the baseline used is at least this, so a near-zero baseline cannot trip it (200)
 * @param integrationP95MaxMillis the matrix's absolute integration P95 limit (5000)
 * @param diskFreeMinPercent      free space below this trips the disk rule (10.0)
 */
public record TriggerThresholds(
        int crashCount,
        int crashWindowSeconds,
        double errorRatePercent,
        int minSamples,
        double latencyMultiplier,
        double latencyFloorMillis,
        double integrationP95MaxMillis,
        double diskFreeMinPercent) {

    public static TriggerThresholds playbook() {
        return new TriggerThresholds(3, 300, 5.0, 20, 5.0, 200.0, 5000.0, 10.0);
    }
}
