package com.maclogin.cutover.orchestrator;

import java.util.Set;

/**
 * The event types of the live event stream ({@code event:} of each SSE event, {@code type} of its data), in one
 * place. Fleet events use the {@code FleetEventType} names ({@code FLEET_STARTED}, {@code WAVE_STARTED}, ...).
 */
public final class StreamEvents {

    private StreamEvents() {
    }

    /** A cutover's state changed: {@code from}, {@code to}, {@code reason}, {@code epoch}, {@code step}. */
    public static final String CUTOVER_STATE = "CUTOVER_STATE";
    /** A step command was sent: {@code step}, {@code attempt}, {@code epoch}, {@code deadline}. */
    public static final String STEP_STARTED = "STEP_STARTED";
    /**
     * A step's result was accepted (or its deadline passed): {@code step}, {@code attempt}, {@code outcome},
     * {@code reason}, {@code durationMillis} (the worker's), {@code elapsedMillis} (command created to result),
     * {@code evidence} (names), {@code workerId}.
     */
    public static final String STEP_ENDED = "STEP_ENDED";
    /** One probe round of a validation window, rolled up (see {@code ProbeRounds}). */
    public static final String PROBE_ROUND = "PROBE_ROUND";
    /** A rollback trigger tripped: {@code trigger}, {@code action}, {@code observed}, {@code threshold}, {@code numbers}. */
    public static final String BREACH = "BREACH";
    /** An operator's action from the audit trail: {@code action}, {@code actor}, {@code detail}. */
    public static final String OPERATOR_ACTION = "OPERATOR_ACTION";
    /** A fleet's state changed: {@code from}, {@code to}. */
    public static final String FLEET_STATE = "FLEET_STATE";
    /** notifier-service delivered or gave up on a chat message: {@code channel}, {@code kind}, {@code outcome}, {@code attempts}. */
    public static final String CHAT_DELIVERED = "CHAT_DELIVERED";

    /**
     * A lease's health changed or its certificate crossed the warning limit (continuous watch): {@code kind},
     * {@code state}, {@code previousState}, {@code reason}, {@code since}, {@code certDaysLeft}, {@code crashLooping},
     * {@code alert}; carries the lease's active cutover, if any.
     */
    public static final String LEASE_HEALTH = "LEASE_HEALTH";

    /** Audit actions of a cutover that an operator (or a worker's breach) causes, streamed as OPERATOR_ACTION. */
    public static final Set<String> CUTOVER_OPERATOR_ACTIONS = Set.of(Reasons.CUTOVER_REQUESTED, Reasons.OVERRIDE,
            Reasons.PAUSE_REQUESTED, Reasons.RESUME_REQUESTED, Reasons.ROLLBACK_REQUESTED, Reasons.ABORT_REQUESTED,
            Reasons.FREEZE_LIFT_REQUESTED);

    /** Fleet audit actions that are an operator's (streamed as OPERATOR_ACTION unless the orchestrator is the actor). */
    public static final Set<String> FLEET_OPERATOR_ACTIONS = Set.of("FLEET_REQUESTED", "FLEET_PAUSED", "FLEET_RESUMED",
            "PROMOTED", "FLEET_ABORTED", "FLEET_ROLLBACK", "FLEET_EXTENDED", "WINDOW_OVERRIDE");
}
