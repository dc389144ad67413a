package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.notifier.ThreadRole;

/**
 * Where a new notification goes: the thread (rows of the same key and channel are posted in order, replies to one
 * parent) and the role it plays there.
 *
 * @param key     {@code notification.thread_key}
 * @param role    how the row finds its parent
 * @param fleetId the fleet, or {@code null} for a single cutover or a lease alert
 */
public record ChatThread(String key, ThreadRole role, String fleetId) {

    /** Prefix of a fleet thread's key, so that a fleet id can never share a thread with a cutover id. */
    public static final String FLEET_PREFIX = "fleet:";

    /** A single cutover's own thread, keyed by its cutover id as it always was. */
    public static ChatThread cutover(String cutoverId) {
        return new ChatThread(cutoverId, ThreadRole.CUTOVER, null);
    }

    /** The fleet's banner, which opens the fleet's thread. */
    public static ChatThread fleetBanner(String fleetId) {
        return new ChatThread(fleetKey(fleetId), ThreadRole.BANNER, fleetId);
    }

    /** A reply in the fleet's thread (a fleet event after the banner, or an incident of a lease in the fleet). */
    public static ChatThread fleetReply(String fleetId) {
        return new ChatThread(fleetKey(fleetId), ThreadRole.REPLY, fleetId);
    }

    /** Prefix of a lease alert thread's key ({@code lease:<lease id>#<n>}): never a cutover's or a fleet's. */
    public static final String LEASE_PREFIX = "lease:";

    /** A lease health alert's thread (a DOWN and its recovery, a certificate warning and its renewal). */
    public static ChatThread lease(String key) {
        return new ChatThread(key, ThreadRole.LEASE, null);
    }

    /** The key of the {@code n}-th alert thread of a lease. */
    public static String leaseKey(String leaseId, long n) {
        return LEASE_PREFIX + leaseId + "#" + n;
    }

    public static String fleetKey(String fleetId) {
        return FLEET_PREFIX + fleetId;
    }
}
