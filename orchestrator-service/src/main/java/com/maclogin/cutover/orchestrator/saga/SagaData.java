package com.maclogin.cutover.orchestrator.saga;

import com.maclogin.cutover.contracts.StepReport;

/**
 * What later steps and the rollback need from earlier steps' results, kept typed on the cutover instead of re-read
 * from stored facts: INVENTORY's hashes (and the package tree's stat listing hash), running version, pinned node and latency baseline; SNAPSHOT's state archive.
 * Null fields are not known (yet).
 */
public record SagaData(String previousVersion, String plistSha256, String packageSha256, String plistNodeVersion,
        Double baselineP95Millis, String stateArchiveSha256, String packageStatSha256, LatencyBaseline latencyBaseline) {

    public static final SagaData EMPTY = new SagaData(null, null, null, null, null, null, null, null);

    /** Without the LATENCY baseline chosen for VALIDATE (chosen when its plan is first built). */
    public SagaData(String previousVersion, String plistSha256, String packageSha256, String plistNodeVersion,
            Double baselineP95Millis, String stateArchiveSha256, String packageStatSha256) {
        this(previousVersion, plistSha256, packageSha256, plistNodeVersion, baselineP95Millis, stateArchiveSha256,
                packageStatSha256, null);
    }

    /** Without the package tree's stat listing hash (data stored before it existed). */
    public SagaData(String previousVersion, String plistSha256, String packageSha256, String plistNodeVersion,
            Double baselineP95Millis, String stateArchiveSha256) {
        this(previousVersion, plistSha256, packageSha256, plistNodeVersion, baselineP95Millis, stateArchiveSha256,
                null);
    }

    /** What INVENTORY's report adds: the running version, the gate hashes, the pinned node, the latency baseline. */
    public static SagaData of(StepReport.Inventory r) {
        return new SagaData(r.gatewayVersion(), r.plistSha256(), r.packageSha256(), r.plistNodeVersion(),
                r.baselineP95Millis(), null, r.packageStatSha256());
    }

    /** What SNAPSHOT's report adds: the state/config archive's hash. */
    public static SagaData of(StepReport.Snapshot r) {
        return new SagaData(null, null, null, null, null, r.stateArchiveSha256());
    }

    /** What a step's report adds to the saga data; null for a report of a step that adds nothing. */
    public static SagaData of(StepReport report) {
        if (report instanceof StepReport.Inventory i) {
            return of(i);
        }
        if (report instanceof StepReport.Snapshot s) {
            return of(s);
        }
        return null;
    }

    /** {@code other}'s known values over this one's. */
    public SagaData merge(SagaData other) {
        if (other == null) {
            return this;
        }
        return new SagaData(pick(other.previousVersion, previousVersion), pick(other.plistSha256, plistSha256),
                pick(other.packageSha256, packageSha256), pick(other.plistNodeVersion, plistNodeVersion),
                other.baselineP95Millis != null ? other.baselineP95Millis : baselineP95Millis,
                pick(other.stateArchiveSha256, stateArchiveSha256),
                pick(other.packageStatSha256, packageStatSha256),
                other.latencyBaseline != null ? other.latencyBaseline : latencyBaseline);
    }

    /** With the LATENCY baseline chosen for the VALIDATE plan. */
    public SagaData withLatencyBaseline(LatencyBaseline chosen) {
        return new SagaData(previousVersion, plistSha256, packageSha256, plistNodeVersion, baselineP95Millis,
                stateArchiveSha256, packageStatSha256, chosen);
    }

    /** The baseline the VALIDATE plan carries: the chosen one once chosen, else INVENTORY's measurement. */
    public Double planBaselineP95Millis() {
        return latencyBaseline != null ? latencyBaseline.p95Millis() : baselineP95Millis;
    }

    private static String pick(String preferred, String fallback) {
        return preferred != null ? preferred : fallback;
    }
}
