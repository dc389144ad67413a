package com.maclogin.cutover.contracts;

/** What a breached trigger does; configurable per cutover and trigger. */
public enum TriggerAction {
    /** Roll back automatically (default). */
    ROLLBACK,
    /** Stop validating and wait for a human decision. */
    PAUSE,
    /** Record the breach only. */
    OBSERVE
}
