package com.maclogin.cutover.probe;

/**
 * Every reason sentence this worker puts into a {@code StepResult}, a log line or a health check, in one place so the
 * same words appear everywhere (orchestrator, chat, audit).
 */
public final class ProbeReasons {

    public static final String ALREADY_APPLIED = "already applied";
    public static final String NOT_SUPPORTED_YET = "not supported yet";
    public static final String DEADLINE_PASSED = "deadline passed before the step started";
    public static final String DEADLINE_EXCEEDED = "step stopped: deadline exceeded";
    public static final String HOST_KEY_MISMATCH = "host key mismatch for %s:%d";
    /**
     * The lease presented another host key than the pinned one after a connection of the same cutover (or of the same
     * step) had verified the pin: the key changed between two connections. Never retried, never "connection lost".
     */
    public static final String HOST_KEY_CHANGED = "host key changed for %s:%d: the lease no longer presents the pinned "
            + "key an earlier connection of this cutover verified; not retried";
    public static final String STALE_EPOCH = "stale epoch %d < %d";
    /** A running step stopped because a command of a newer epoch of its cutover arrived (a rollback, a resume). */
    public static final String SUPERSEDED = "superseded: a command of epoch %d arrived while this epoch-%d step ran; stopped";
    public static final String WRONG_REGION = "command for region %s sent to the %s worker";
    public static final String INVALID_REPLY_TOPIC = "replyTo '%s' is not a reply topic";
    public static final String MISSING_TARGET = "target is required";
    /** A RunStep for a lease this region's lease registry does not know: refused, the lease is not touched. */
    public static final String UNKNOWN_LEASE = "lease %s is not in the lease registry of region %s: refused";
    /** A RunStep for a lease the registry places in another region (moved): refused, the lease is not touched. */
    public static final String LEASE_OF_OTHER_REGION = "lease %s is registered in region %s, not %s: refused";
    /** The lease registry had not been read to its end within the catch-up timeout: the step cannot be resolved. */
    public static final String REGISTRY_NOT_READY = "the lease registry %s has not been read to its end yet: refused";
    /** The visible marker where a too long text of a result was cut ({@code ResultCap}). */
    public static final String TRUNCATED = "…[truncated %d bytes]";
    /** An evidence entry that replaces the entries dropped to fit a result under its cap. */
    public static final String RESULT_TRUNCATED = "result over %d bytes: %d evidence entries and %d facts dropped";
    /** Evidence of ledger lines that were not read back (too long or malformed): never copied into the result. */
    public static final String LEDGER_LINES_SKIPPED = "%d ledger lines skipped (longer than %d bytes or malformed)";
    public static final String INVALID_PARAMETER = "invalid parameter: %s";
    /** A RunStep whose typed command is of another kind than the step (reported as an invalid parameter). */
    public static final String COMMAND_KIND_MISMATCH = "command of kind %s in a %s step";
    public static final String SSH_UNAVAILABLE = "ssh to %s:%d failed: %s";
    /** Appended to a transient SSH failure that was still there after the retries the step allows. */
    public static final String TRANSIENT_GAVE_UP = "%s (still failing after %d transient retries)";
    public static final String SSH_AUTH_FAILED = "ssh authentication as %s to %s:%d failed";
    /**
     * A command batch whose output was not read back completely (over the SSH client's 1 MiB capture, or mangled): the
     * parts without an answer may have run and are never run again.
     */
    public static final String BATCH_PARTS_MAY_HAVE_RUN = "command batch answer incomplete (output over the 1 MiB "
            + "capture or unreadable): %s may have run on the lease and are not run again; check their effect on the "
            + "lease (evidence and the lease's ledger) before the step is retried";
    /**
     * A command of a step that changes the lease lost its connection after it may have started: never run again, so
     * the step fails.
     */
    public static final String COMMAND_MAY_HAVE_RUN = "%s may have run on the lease (connection lost after the "
            + "command was sent: %s); not run again: check its effect on the lease before the step is retried";
    /** A step that is not safe to repeat found the lock an interrupted earlier delivery of itself left. */
    public static final String STEP_INTERRUPTED_MAY_HAVE_RUN = "an earlier run of this step (by %s) was interrupted "
            + "while it held the lease lock and may have run in part; not run again: check the lease before the step "
            + "is retried";
    /** Another worker holds the lease's lock until the step's deadline: the step did not run. */
    public static final String LEASE_LOCK_HELD = "lease lock not free before the deadline (%s); the step did not run";
    /** The step's lease lock was taken by another worker while it ran (it was not renewed in time): stopped. */
    public static final String LEASE_LOCK_LOST = "lease lock lost while the step ran (%s); stopped";
    /** The worker lost the step topic partition the command came from: the new owner answers; no result is sent. */
    public static final String PARTITION_REVOKED = "the worker lost partition %s of the step topic; stopped, the new "
            + "owner answers";
    public static final String COMMAND_FAILED = "%s failed with exit code %d";
    public static final String INTERNAL_ERROR = "worker error: %s";
    public static final String PLIST_UNREADABLE = "cannot read the LaunchAgent plist %s";
    public static final String PLIST_UNPARSEABLE = "cannot parse ProgramArguments of %s: %s";
    public static final String FROZEN_BY_OTHER = "lease is frozen by cutover %s";
    public static final String FROZEN_MARKER_OTHER = "freeze marker names cutover %s; left in place";
    public static final String NOT_FROZEN = "no freeze marker; nothing to lift";
    public static final String CANDIDATE_VERSION_MISMATCH = "installed candidate reports version %s, expected %s";
    public static final String CANDIDATE_NOT_INSTALLED = "candidate %s is not installed at %s";
    public static final String PLIST_LINT_FAILED = "plutil -lint rejected the candidate plist";
    public static final String BOOTSTRAP_FAILED = "launchctl bootstrap failed with exit code %d";
    public static final String NEVER_READY = "gateway did not answer /readyz 200 within %d ms";
    public static final String STACK_TRACE_IN_LOG = "stack trace in the gateway log: %s";
    public static final String RUNNING_VERSION_MISMATCH = "gateway runs version %s, expected %s";
    public static final String PROBE_FAILED_AFTER_READY = "%s answered %s after the gateway was ready";
    public static final String NO_ROLLBACK_KIT = "no rollback kit at %s";
    public static final String PLIST_HASH_MISMATCH = "restored plist hash %s does not match the inventory hash %s";
    public static final String PACKAGE_HASH_MISMATCH = "restored package hash %s does not match the inventory hash %s";
    public static final String STATE_ARCHIVE_HASH_MISMATCH = "state archive %s hashes to %s, not the snapshot hash %s; "
            + "nothing restored";
    public static final String TARBALL_FETCH_FAILED = "npm pack openclaw@%s failed with exit code %d: the tarball "
            + "hash cannot be checked; nothing installed";
    public static final String TARBALL_HASH_MISMATCH = "candidate tarball %s hashes to %s, expected %s; nothing installed";
    public static final String INCOMPLETE_INVENTORY = "inventory incomplete, missing: %s";
    public static final String PRIVATE_KEY_UNREADABLE = "private key file is not readable";
    public static final String SSH_TIMED_OUT = "ssh to %s:%d timed out: %s";
    public static final String COMMAND_TIMED_OUT = "%s did not finish within %d ms";
    public static final String BREACH = "breach: %s %s";
    /** The window saw no breach but could not see everything: {@code WindowVerdict}'s blind spots, each named. */
    public static final String BLIND_WINDOW = "blind validation window, not GREEN: %s";
    /** The restart drill's own limit ({@code probe.validate.drill-recovery-timeout}) passed before {@code /readyz} 200. */
    public static final String DRILL_NOT_RECOVERED = "restart drill: the gateway did not answer /readyz 200 within %d ms "
            + "of launchctl kickstart -k";
    public static final String INVALID_PROBE_PLAN = "probePlan %s";
    /** The probe account logged in with the gateway's uid: its probes could change what they observe. */
    public static final String PROBE_ACCOUNT_IS_GATEWAY = "probe account %s runs as uid %s, the gateway's uid: the probe "
            + "matrix must not run as the gateway user; window not run";
    public static final String PROBE_ACCOUNT_BAD_UID = "probe account %s: id -u printed no uid (%s); window not run";
    public static final String BACKUP_DISABLED = "probe.snapshot.use-backup=false";
    public static final String BACKUP_NO_CLI = "no OpenClaw CLI (openclaw.mjs or dist/index.js) in %s";
    public static final String BACKUP_CREATE_FAILED = "openclaw backup create exited %d";
    public static final String BACKUP_CREATE_TIMED_OUT = "openclaw backup create did not finish: %s";
    public static final String BACKUP_NO_ARCHIVE = "openclaw backup create reported no archive under %s";
    public static final String BACKUP_EXTRACT_FAILED = "backup archive %s could not be unpacked (exit %d)";
    public static final String BACKUP_NO_STATE_DIR = "backup archive %s has no payload for %s";
    public static final String BACKUP_REPACK_FAILED = "state archive from the backup payload failed (exit %d)";
    public static final String CANARY_PORT_IN_USE = "canary port %d is already in use on the lease";
    public static final String CANARY_NOT_STARTED = "canary %s on port %d did not answer /startupz 200 within %d ms";
    public static final String CANARY_VERSION_MISMATCH = "canary on port %d serves version %s, expected %s";
    public static final String CANARY_PROBE_FAILED = "canary on port %d: %s answered %s during the canary window";
    public static final String CANARY_NOT_STOPPED = "canary pid %s on port %d could not be stopped";
    public static final String CANARY_PORT_NOT_FREED = "canary port %d is still in use after the canary stopped";
    public static final String PRODUCTION_DISTURBED = "production gateway on port %d answered %s during the canary window";

    /** FLIP_PLIST / RESTORE: the lease user's CLI, as the login shell resolves it. */
    public static final String CLI_NOT_FOUND = "the login shell finds no openclaw: no CLI to switch";
    public static final String CLI_NOT_WRITABLE = "the directory of %s is not writable for the lease user: the CLI was "
            + "not switched";
    public static final String CLI_SWITCH_FAILED = "switching the CLI %s to %s failed (exit %d)";
    public static final String CLI_NOT_SWITCHED = "after the switch the login shell's openclaw (%s) reports version %s, "
            + "expected %s";
    public static final String CLI_NOT_RESTORED = "the CLI %s was not put back as the rollback kit recorded it (%s)";
    public static final String CLI_NO_RECORD = "the rollback kit records no CLI switch; the CLI is left as it is";

    private ProbeReasons() {
    }
}
