package com.maclogin.cutover.contracts;

/** What a {@link RollbackRequested} asks of rollback-service. */
public enum RollbackPurpose {
    /**
     * Record what a restore of this cutover needs (previous and candidate version, ticket, owner, expected hashes) and
     * restore nothing. Sent by the orchestrator once SNAPSHOT has recorded the hashes, before the cutover changes the
     * lease's package or plist, and again whenever the cutover's epoch changes.
     */
    ARM,
    /** Restore the lease (the default: a request without a purpose restores). */
    RESTORE
}
