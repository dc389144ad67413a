package com.maclogin.cutover.orchestrator;

/** Every reason and audit action string the orchestrator writes, in one place, so the same words appear everywhere. */
public final class Reasons {

    private Reasons() {
    }

    // audit actions
    public static final String CUTOVER_REQUESTED = "CUTOVER_REQUESTED";
    public static final String STEP_SENT = "STEP_SENT";
    public static final String STEP_RESULT = "STEP_RESULT";
    public static final String STEP_LOCAL = "STEP_LOCAL";
    public static final String GATE = "GATE";
    public static final String RESULT_REFUSED = "RESULT_REFUSED";
    public static final String RESULT_IGNORED = "RESULT_IGNORED";
    public static final String EVENT_REFUSED = "EVENT_REFUSED";
    public static final String STATE = "STATE";
    public static final String ROLLBACK_REQUESTED = "ROLLBACK_REQUESTED";
    public static final String ABORT_REQUESTED = "ABORT_REQUESTED";
    public static final String ROLLBACK_OUTCOME = "ROLLBACK_OUTCOME";
    public static final String OVERRIDE = "OVERRIDE";
    public static final String VALIDATION_PLAN = "VALIDATION_PLAN";
    public static final String BREACH = "BREACH";
    public static final String PAUSE_REQUESTED = "PAUSE_REQUESTED";
    public static final String RESUME_REQUESTED = "RESUME_REQUESTED";
    public static final String HELD = "HELD";
    public static final String FREEZE_LIFT_REQUESTED = "FREEZE_LIFT_REQUESTED";

    // actors
    public static final String ORCHESTRATOR = "orchestrator";
    public static final String ANONYMOUS = "anonymous";
    public static final String ROLLBACK_SERVICE = "rollback-service";
    public static final String UNKNOWN_WORKER = "worker:unknown";

    // reasons
    /** The staging-first gate's refusal (PLAYBOOK step 3). */
    public static String stagingFirst(String version) {
        return "staging first: no GREEN cutover to " + version + " on a staging lease";
    }

    /** LEASE_HEALTH's refusal (issue 12): the newest finding (state, when, the watch's reason) and how many there are. */
    public static String leaseHealthRefused(String finding, int findings, String window) {
        return "fix the lease first: " + finding + (findings > 1 ? " (" + findings + " DOWN or crash-looping findings"
                + " in the last " + window + ")" : " (DOWN or crash-looping within the last " + window + ")");
    }

    /** Audit action: the LATENCY trigger's baseline chosen for the VALIDATE plan (issue 12). */
    public static final String LATENCY_BASELINE = "LATENCY_BASELINE";

    public static String gatesRefused(String failures) {
        return "inventory gates refused: " + failures;
    }

    public static String stepFailed(String kind, Object outcome, String reason) {
        return "step " + kind + " " + outcome + (reason == null || reason.isBlank() ? "" : ": " + reason);
    }

    /** A result or breach of an epoch no command of the cutover carried (forged): refused. */
    public static String futureEpoch(long got, long current) {
        return "future epoch " + got + " > " + current;
    }

    public static String staleEpoch(long got, long current) {
        return "epoch " + got + " is older than the cutover's epoch " + current;
    }

    public static String notInFlight(String key, String inFlight) {
        return "idempotency key " + key + " is not the step in flight (" + (inFlight == null ? "none" : inFlight) + ")";
    }

    public static String deadlinePassed(Object deadline) {
        return "no result before the deadline " + deadline;
    }

    public static final String OVERRIDE_REQUESTED = "OVERRIDE_REQUESTED";
    public static final String FLEET_OVERRIDES = "a fleet's cutovers cannot loosen the playbook (thresholds, validation, "
            + "trigger actions, gates): each loosening needs a second operator's approval per cutover; run those leases as "
            + "single cutovers";

    public static String noOverridesPending(String cutoverId) {
        return "cutover " + cutoverId + " has no overrides waiting for approval";
    }

    public static String selfApproval(String requester) {
        return "the overrides were requested by '" + requester + "'; a second operator (another identity) must approve them";
    }

    public static final String LEASE_REGISTERED = "LEASE_REGISTERED";
    public static final String LEASE_CHANGED = "LEASE_CHANGED";

    public static String leaseChangeDuringCutover(String leaseId, String cutoverId) {
        return "lease " + leaseId + " has active cutover " + cutoverId + "; its host, key, region and stage cannot change "
                + "until that cutover ends";
    }

    public static String activeCutoverExists(String leaseId, String cutoverId) {
        return "lease " + leaseId + " already has active cutover " + cutoverId;
    }

    public static final String USE_ROLLBACK = "the cutover has reached the plist flip; use rollback";
    public static final String USE_ABORT = "the inventory gate has not passed yet, nothing changed on the lease; use abort";
    public static final String IDEMPOTENCY_MISMATCH = "Idempotency-Key was already used with a different request body";
    public static final String UNFREEZE_FAILED_AFTER_END = "unfreeze after the end of the cutover did not succeed";

    public static final String ALREADY_PAUSED = "the cutover is already PAUSED; resume, roll back or abort it";

    public static String notPaused(Object state) {
        return "the cutover is " + state + ", not PAUSED";
    }

    public static String breach(Object trigger, Object action, String observed) {
        return "breach " + trigger + " (" + action + "): " + observed;
    }

    public static String candidateEnginesRefused(String reason) {
        return "candidate engines.node gate refused: " + reason;
    }

    public static String notActive(Object state) {
        return "the cutover is " + state + ", not active";
    }

    public static String laterCutoverOnLease(String laterCutoverId) {
        return "a later cutover (" + laterCutoverId + ") ran on the lease; roll that one back instead";
    }

    public static String greenRollbackRetentionPassed(Object endedAt, Object retention) {
        return "the cutover went GREEN at " + endedAt + " and its rollback kit is kept for " + retention
                + " (orchestrator.green-rollback-retention); that time has passed";
    }

    public static String freezeLiftWhileActive(Object state) {
        return "the cutover is " + state + "; an active cutover lifts its own freeze when it ends (abort or roll it back)";
    }

    public static String alreadyRollingBack() {
        return "a rollback is already in progress";
    }
}
