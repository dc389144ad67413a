package com.maclogin.cutover.notifier;

/**
 * How a notification finds its thread parent. Single cutovers keep the rule they always had (the first message posted
 * is the parent, so a FAILED banner does not block the thread); a fleet thread must hang off its banner, and the
 * banner arrives on another topic than the leases' incidents, so its replies wait for it instead.
 */
public enum ThreadRole {
    /** A single cutover's message: the first one posted in its thread is the parent of the later ones. */
    CUTOVER,
    /** A fleet's banner: opens the fleet's thread, is never a reply, and goes out before the replies stored earlier. */
    BANNER,
    /** A reply in a fleet's thread: waits until the fleet's banner is posted (or failed), then replies to it. */
    REPLY,
    /**
     * A lease health alert (issue 12, {@code lease.health}): belongs to no cutover. Its thread is one DOWN (or
     * certificate warning) and the recovery that replies to it; as for a single cutover, the first message posted in
     * the thread is the parent. Publishes no {@code ChatDelivered}.
     */
    LEASE
}
