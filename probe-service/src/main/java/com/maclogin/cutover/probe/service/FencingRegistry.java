package com.maclogin.cutover.probe.service;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Highest fencing epoch seen per lease. Epochs belong to a cutover (each cutover counts from its own start), so
 * they are compared within the (lease, cutover) pair; with one active cutover per lease that is "per lease".
 */
final class FencingRegistry {

    private static final int CUTOVERS_PER_LEASE = 64;

    private final Map<String, LinkedHashMap<String, Long>> highest = new HashMap<>();

    /** Records {@code epoch}; returns the higher epoch already seen when {@code epoch} is stale. */
    synchronized OptionalLong observe(String leaseId, String cutoverId, long epoch) {
        LinkedHashMap<String, Long> perLease = highest.computeIfAbsent(leaseId, k -> new LinkedHashMap<>(16, 0.75f,
                true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > CUTOVERS_PER_LEASE;
            }
        });
        Long seen = perLease.get(cutoverId);
        if (seen != null && epoch < seen) {
            return OptionalLong.of(seen);
        }
        perLease.put(cutoverId, epoch);
        return OptionalLong.empty();
    }

    /** The highest epoch seen for this (lease, cutover), or -1. */
    synchronized long highest(String leaseId, String cutoverId) {
        Map<String, Long> perLease = highest.get(leaseId);
        Long seen = perLease == null ? null : perLease.get(cutoverId);
        return seen == null ? -1 : seen;
    }
}
