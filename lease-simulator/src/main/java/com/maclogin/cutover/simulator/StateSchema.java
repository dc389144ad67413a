package com.maclogin.cutover.simulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * State-database schema each OpenClaw version supports: 2026.9.5 → 17, 2026.9.6 → 18 (OPENCLAW.md §3/§10), and a
 * monotonic function of the version elsewhere. The gateway stand-in ({@code dist/index.js}) uses the same function.
 */
public final class StateSchema {

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");

    private StateSchema() {
    }

    public static int forVersion(String version) {
        Matcher m = VERSION.matcher(version == null ? "" : version);
        if (!m.find()) {
            return 1;
        }
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(2));
        int patch = Integer.parseInt(m.group(3));
        int months = (year - 2026) * 12 + (month - 9);
        if (months < 0) {
            return Math.max(1, 12 + months);
        }
        return 12 + Math.min(patch, 87) + 100 * months;
    }
}
