package com.maclogin.cutover.probe.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pinned host keys a connection of a cutover has verified on a lease (this worker's memory, bounded; the oldest
 * are forgotten first). A later refusal of the same pin in the same cutover means the key changed between two
 * connections ({@code ProbeReasons.HOST_KEY_CHANGED}), not that the pin was wrong from the start.
 */
final class VerifiedPins {

    private final int max;
    private final LinkedHashMap<String, Boolean> pins;

    VerifiedPins(int max) {
        this.max = Math.max(1, max);
        this.pins = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > VerifiedPins.this.max;
            }
        };
    }

    synchronized void record(String leaseId, String cutoverId, String hostKey) {
        pins.put(key(leaseId, cutoverId, hostKey), Boolean.TRUE);
    }

    synchronized boolean verified(String leaseId, String cutoverId, String hostKey) {
        return pins.containsKey(key(leaseId, cutoverId, hostKey));
    }

    private static String key(String leaseId, String cutoverId, String hostKey) {
        return leaseId + "|" + cutoverId + "|" + hostKey;
    }
}
