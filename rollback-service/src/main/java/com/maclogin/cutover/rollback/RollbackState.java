package com.maclogin.cutover.rollback;

/** Life of one rollback. {@code ROLLED_BACK} and {@code ROLLBACK_FAILED} are terminal until a higher epoch supersedes. */
public enum RollbackState {
    /** RESTORE sent (or being retried); waiting for the worker. */
    RESTORING,
    /** Restore verified by hash; VALIDATE sent, waiting for the health window. */
    VALIDATING,
    /** Previous version running, hashes verified, health green. */
    ROLLED_BACK,
    /** Restore or verification failed: the lease needs a human. */
    ROLLBACK_FAILED;

    public boolean terminal() {
        return this == ROLLED_BACK || this == ROLLBACK_FAILED;
    }
}
