package com.maclogin.cutover.orchestrator;

import java.util.Locale;

/**
 * Where a lease sits in the rollout (PLAYBOOK step 3: "a staging lease is cut over before production leases"). A
 * PRODUCTION lease only takes a version that already went GREEN on some STAGING lease (gate STAGING_FIRST).
 */
public enum LeaseStage {
    STAGING,
    PRODUCTION;

    /** {@code null} or blank = PRODUCTION; otherwise the stage by name (case-insensitive). */
    public static LeaseStage parse(String s) {
        if (s == null || s.isBlank()) {
            return PRODUCTION;
        }
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
