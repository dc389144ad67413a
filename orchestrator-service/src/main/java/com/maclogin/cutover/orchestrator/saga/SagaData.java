package com.maclogin.cutover.orchestrator.saga;

import java.util.Map;

/**
 * What later steps and the rollback need from earlier steps' results, kept typed on the cutover instead of re-read
 * from stored facts: INVENTORY's hashes, running version, pinned node and latency baseline; SNAPSHOT's state archive.
 * Null fields are not known (yet).
 */
public record SagaData(String previousVersion, String plistSha256, String packageSha256, String plistNodeVersion,
        Double baselineP95Millis, String stateArchiveSha256) {

    public static final SagaData EMPTY = new SagaData(null, null, null, null, null, null);

    /** What INVENTORY's facts add: the running version, the gate hashes, the pinned node, the latency baseline. */
    public static SagaData fromInventory(Map<String, String> facts) {
        return new SagaData(facts.get(StepFacts.GATEWAY_VERSION), facts.get(StepFacts.PLIST_SHA256),
                facts.get(StepFacts.PACKAGE_SHA256), facts.get(StepFacts.PLIST_NODE_VERSION),
                decimal(facts.get(StepFacts.BASELINE_P95_MILLIS)), null);
    }

    /** What SNAPSHOT's facts add: the state/config archive's hash. */
    public static SagaData fromSnapshot(Map<String, String> facts) {
        return new SagaData(null, null, null, null, null, facts.get(StepFacts.STATE_ARCHIVE_SHA256));
    }

    private static Double decimal(String s) {
        try {
            return s == null || s.isBlank() ? null : Double.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code other}'s known values over this one's. */
    public SagaData merge(SagaData other) {
        if (other == null) {
            return this;
        }
        return new SagaData(pick(other.previousVersion, previousVersion), pick(other.plistSha256, plistSha256),
                pick(other.packageSha256, packageSha256), pick(other.plistNodeVersion, plistNodeVersion),
                other.baselineP95Millis != null ? other.baselineP95Millis : baselineP95Millis,
                pick(other.stateArchiveSha256, stateArchiveSha256));
    }

    private static String pick(String preferred, String fallback) {
        return preferred != null ? preferred : fallback;
    }
}
