package com.maclogin.cutover.contracts;

/**
 * Keys of the {@code expectedSha256} maps of {@link StepCommand.Validate}, {@link StepCommand.Restore},
 * {@link ThresholdBreached} and {@link RollbackRequested}: the hash chain from the inventory gate and SNAPSHOT to
 * the restore.
 */
public final class ArtifactHashes {

    /** The plist's sha256 recorded by the inventory gate ({@link StepFacts#PLIST_SHA256}). */
    public static final String PLIST = "plist";
    /** The package tree hash recorded by the inventory gate ({@link StepFacts#PACKAGE_SHA256}). */
    public static final String PACKAGE = "package";
    /** The SNAPSHOT's state/config archive {@code state.tgz} ({@link StepFacts#STATE_ARCHIVE_SHA256}). */
    public static final String STATE = "state";

    private ArtifactHashes() {
    }
}
