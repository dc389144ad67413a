package com.maclogin.cutover.contracts;

/**
 * Names of the {@link StepResult#facts()} that another service relies on: the worker writes them, {@link StepReport}
 * is filled from them, and readers that still look at the free-form map (the orchestrator's gates, stored evidence)
 * use these names instead of literals. Facts that only serve as evidence keep their names where they are written.
 */
public final class StepFacts {

    // INVENTORY (StepReport.Inventory)
    /** sha256 of the live plist. */
    public static final String PLIST_SHA256 = "plistSha256";
    /** Hash of the running package tree. */
    public static final String PACKAGE_SHA256 = "packageSha256";
    /**
     * sha256 of the package tree's stat listing, taken right before {@link #PACKAGE_SHA256}; absent when an entry
     * changed in the two seconds before the listing (too recent to trust) ({@link ArtifactHashes#PACKAGE_STAT}).
     */
    public static final String PACKAGE_STAT_SHA256 = "packageStatSha256";
    /** RESTORE: how the package tree was checked: {@code stat-unchanged} (no content read) or {@code content-hash}. */
    public static final String PACKAGE_CHECK = "packageCheck";
    /** The running gateway's {@code package.json} version. */
    public static final String GATEWAY_VERSION = "gatewayVersion";
    /** {@code node -v} of the login shell. */
    public static final String LOGIN_NODE_VERSION = "loginNodeVersion";
    /** {@code -v} of the node the plist pins. */
    public static final String PLIST_NODE_VERSION = "plistNodeVersion";
    /** {@code engines.node} of the running package. */
    public static final String ENGINES_NODE = "enginesNode";
    /** The gateway's {@code --port} from the plist. */
    public static final String GATEWAY_PORT = "gatewayPort";
    /** The gateway's pid as launchd reports it. */
    public static final String GATEWAY_PID = "gatewayPid";
    /** The pid listening on the gateway port ({@code lsof}). */
    public static final String LISTENING_PID = "listeningPid";
    /** Free space of the gateway's home volume, percent. */
    public static final String DISK_FREE_PERCENT = "diskFreePercent";
    /** Integration P95 measured before the cutover, milliseconds. */
    public static final String BASELINE_P95_MILLIS = "baselineP95Millis";
    /** The gateway account's uid ({@code id -u}). */
    public static final String UID = "uid";
    /** The gateway's login ({@code LeaseTarget.sshUser}), the run-as user of the probe account's grant. */
    public static final String GATEWAY_USER = "gatewayUser";
    /** The probe account's login. */
    public static final String PROBE_USER = "probeUser";
    /**
     * The probe account's launchd read through its grant ({@link ProbeGrant}): {@code OK}, {@code REFUSED},
     * {@code UNREACHABLE} or {@code NO_PROBE_ACCOUNT} (gate PROBE_LAUNCHD_READ).
     */
    public static final String PROBE_LAUNCHD_READ = "probeLaunchdRead";
    /** With {@code OK}: the job's state as the probe account read it. */
    public static final String PROBE_LAUNCHD_STATE = "probeLaunchdState";
    /** With {@code REFUSED} / {@code UNREACHABLE}: what answered (e.g. {@code sudo: a password is required (exit 1)}). */
    public static final String PROBE_LAUNCHD_DETAIL = "probeLaunchdDetail";
    /** Where the lease user's login shell finds {@code openclaw} ({@code command -v openclaw}); absent when it finds none. */
    public static final String CLI_PATH = "cliPath";
    /** The version that {@code openclaw --version} in the lease user's login shell reports (gate CLI_MATCHES_SERVICE). */
    public static final String CLI_VERSION = "cliVersion";
    /** Whether the lease user may replace {@code cliPath} (its directory is writable), so a cutover can switch it. */
    public static final String CLI_WRITABLE = "cliWritable";

    // SNAPSHOT (StepReport.Snapshot); RESTORE reports the state archive's hash as it found it under the same name
    /** sha256 of the kit's {@code state.tgz}. */
    public static final String STATE_ARCHIVE_SHA256 = "stateArchiveSha256";
    /** sha256 of the kit's {@code package.tgz}. */
    public static final String PACKAGE_ARCHIVE_SHA256 = "packageArchiveSha256";
    /** sha256 of the kit's plist copy. */
    public static final String PLIST_BACKUP_SHA256 = "plistBackupSha256";

    // INSTALL_CANDIDATE (StepReport.InstallCandidate)
    /** Where the candidate was installed. */
    public static final String CANDIDATE_PACKAGE_ROOT = "candidatePackageRoot";
    /** Hash of the installed candidate's package tree. */
    public static final String CANDIDATE_PACKAGE_SHA256 = "candidatePackageSha256";
    /** {@code engines.node} of the installed candidate. */
    public static final String CANDIDATE_ENGINES_NODE = "candidateEnginesNode";
    /** sha256 of the verified {@code openclaw-<v>.tgz}, when the command carried one. */
    public static final String CANDIDATE_TARBALL_SHA256 = "candidateTarballSha256";

    // RESTORE (StepReport.Restore)
    public static final String PLIST_SHA256_BEFORE = "plistSha256Before";
    public static final String PLIST_SHA256_AFTER = "plistSha256After";
    public static final String PACKAGE_SHA256_BEFORE = "packageSha256Before";
    public static final String PACKAGE_SHA256_AFTER = "packageSha256After";
    public static final String PACKAGE_RESTORED_FROM_ARCHIVE = "packageRestoredFromArchive";
    /** Whether RESTORE lifted this cutover's freeze marker. */
    public static final String UNFROZEN = "unfrozen";

    // RESTORE, RELOAD and VALIDATE
    /** The version {@code /startupz} reports. */
    public static final String RUNNING_VERSION = "runningVersion";

    // VALIDATE with a probe plan (StepReport.Validate)
    /** The first round in which every layer PASSED ("matrix green"). */
    public static final String FIRST_GREEN_ROUND = "firstGreenRound";
    /** When that round ended (ISO-8601). */
    public static final String FIRST_GREEN_AT = "firstGreenAt";
    /** Milliseconds from the window's start to that round. */
    public static final String FIRST_GREEN_AFTER_MILLIS = "firstGreenAfterMillis";

    private StepFacts() {
    }
}
