package com.maclogin.cutover.orchestrator.saga;

/** Keys of the step facts the saga reads (INVENTORY, SNAPSHOT); the worker writes them. */
public final class StepFacts {

    public static final String GATEWAY_VERSION = "gatewayVersion";
    public static final String PLIST_SHA256 = "plistSha256";
    public static final String PACKAGE_SHA256 = "packageSha256";
    public static final String PLIST_NODE_VERSION = "plistNodeVersion";
    public static final String BASELINE_P95_MILLIS = "baselineP95Millis";
    public static final String STATE_ARCHIVE_SHA256 = "stateArchiveSha256";

    private StepFacts() {
    }
}
