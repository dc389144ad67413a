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
    /**
     * Optional: the sha256 of the package tree's stat listing (path, device, inode, mode, owner, size, mtime, ctime of
     * every entry) taken by the inventory gate right before it hashed the tree ({@link StepFacts#PACKAGE_STAT_SHA256}).
     * RESTORE takes the same listing; when it is unchanged the tree is still the one whose content hash is
     * {@link #PACKAGE}, and the content is not read again. Any change (a ctime cannot be set back by a user) means the
     * full hash.
     */
    public static final String PACKAGE_STAT = "packageStat";

    private ArtifactHashes() {
    }
}
