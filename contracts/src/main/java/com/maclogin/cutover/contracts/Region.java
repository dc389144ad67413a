package com.maclogin.cutover.contracts;

import java.util.Locale;

/** The five MacLogin regions. Each has its own step-command topic and probe-worker consumer group. */
public enum Region {
    HK, JP, KR, SG, US;

    /** Lower-case suffix used in topic and consumer-group names, e.g. {@code hk}. */
    public String suffix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code hk} or {@code HK}; throws {@link IllegalArgumentException} with the allowed values otherwise. */
    public static Region parse(String value) {
        if (value != null) {
            for (Region r : values()) {
                if (r.name().equalsIgnoreCase(value.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("unknown region '" + value + "', expected one of HK, JP, KR, SG, US");
    }
}
