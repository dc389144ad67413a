package com.maclogin.cutover.contracts;

/** The automatic rollback triggers of the playbook. */
public enum TriggerKind {
    /** 3 crashes within 5 minutes (launchd run count and last exit code). */
    CRASH_LOOP,
    /** More than 5% of synthetic probes failing, with a minimum sample count. */
    ERROR_RATE,
    /** Integration P95 above 5x the pre-cutover baseline (with a floor). */
    LATENCY,
    /** Free space on the data volume below 10%. */
    DISK
}
