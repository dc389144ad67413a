package com.maclogin.cutover.probe.service;

import com.maclogin.cutover.contracts.Redaction;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The exact secret values this worker has seen on each lease (a gateway token read from the plist or from
 * {@code launchctl print}, the hooks token), kept in memory only, so that every later step of the lease masks them
 * wherever they appear bare (a gateway log line that prints the token alone). Bounded per lease and in leases.
 */
final class KnownSecrets {

    private final int maxLeases;
    private final Map<String, Set<String>> byLease;

    KnownSecrets(int maxLeases) {
        this.maxLeases = Math.max(1, maxLeases);
        this.byLease = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                return size() > KnownSecrets.this.maxLeases;
            }
        };
    }

    /** A redaction for one step on {@code leaseId} that starts from what is known of the lease. */
    synchronized Redaction forLease(String leaseId) {
        Set<String> known = leaseId == null ? null : byLease.get(leaseId);
        return Redaction.remembering(known == null ? Set.of() : Set.copyOf(known));
    }

    /** Keeps what a step's redaction knows at its end. */
    synchronized void learned(String leaseId, Collection<String> values) {
        if (leaseId == null || values.isEmpty()) {
            return;
        }
        Set<String> known = byLease.computeIfAbsent(leaseId, k -> new LinkedHashSet<>());
        for (String v : values) {
            if (known.size() >= Redaction.MAX_REMEMBERED) {
                break;
            }
            known.add(v);
        }
    }
}
