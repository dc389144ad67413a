package com.maclogin.cutover.contracts;

/**
 * The typed steps a regional worker knows how to run on a lease. The worker owns the translation of each kind into
 * the commands run on the Mac; nothing a caller sends becomes shell text.
 */
public enum StepKind {
    /** Read the lease: uid, plist, pinned node, package version and hashes, listening ports, disk. Changes nothing. */
    INVENTORY,
    /** Mark the lease frozen for other changes and tag the release {@code oc-cutover-YYYYMMDD}. */
    FREEZE,
    /** Archive state and config, copy the current package and plist into the lease's rollback kit, record hashes. */
    SNAPSHOT,
    /** Stop the job, install the pinned candidate version through the approved path. */
    INSTALL_CANDIDATE,
    /** Optional canary on an alternate port, probed, then stopped. */
    PARALLEL_RUN,
    /** Rewrite the plist for the candidate, {@code plutil -lint} it, keep the diff. */
    FLIP_PLIST,
    /** {@code launchctl kickstart -k}, wait for readiness, scan the first 200 log lines for stack traces. */
    RELOAD,
    /** Run the health probes for the validation window. */
    VALIDATE,
    /** Restore package, plist and state from the rollback kit, verify hashes, reload. */
    RESTORE,
    /** Lift the freeze marker. */
    UNFREEZE;

    /** True for steps that change the lease and therefore must not be applied twice. */
    public boolean mutatesLease() {
        return this != INVENTORY && this != VALIDATE;
    }
}
