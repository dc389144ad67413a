package com.maclogin.cutover.orchestrator.fleet;

import java.util.Locale;

/**
 * What the fleet does when its failure budget is reached (or its progress deadline passes). Every lease's own cutover
 * still rolls itself back on its own breach; this is about the rest of the fleet.
 */
public enum OnFailure {
    /** Pause everything: no lease is started any more and nothing more is rolled back (flagger#1186's "freeze"). */
    HALT("halt"),
    /** Halt, and roll back every lease of the wave that reached the budget (GREEN ones and those still in flight). */
    ROLLBACK_WAVE("rollbackWave"),
    /** Halt, and roll back every lease this fleet changed, in every wave. */
    ROLLBACK_ALL("rollbackAll");

    public final String json;

    OnFailure(String json) {
        this.json = json;
    }

    /** {@code halt}, {@code rollbackWave}, {@code rollbackAll} (case-insensitive); null when unknown. */
    public static OnFailure parse(String s) {
        if (s == null) {
            return null;
        }
        for (OnFailure f : values()) {
            if (f.json.toLowerCase(Locale.ROOT).equals(s.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        return null;
    }
}
