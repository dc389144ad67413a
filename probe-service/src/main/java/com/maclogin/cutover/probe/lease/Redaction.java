package com.maclogin.cutover.probe.lease;

import java.util.regex.Pattern;

/**
 * Last line of defence before output becomes evidence: private key blocks and {@code token=}/{@code password:}
 * style values are masked, whatever command printed them.
 */
public final class Redaction {

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\\z)", Pattern.DOTALL);
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?i)(\"?[A-Za-z0-9_.-]*(token|secret|password|passwd|api[_-]?key)[A-Za-z0-9_.-]*\"?\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");

    private Redaction() {
    }

    public static String redact(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String out = PRIVATE_KEY.matcher(s).replaceAll("[redacted private key]");
        out = BEARER.matcher(out).replaceAll("$1[redacted]");
        return SECRET_VALUE.matcher(out).replaceAll("$1[redacted]");
    }
}
