package com.maclogin.cutover.orchestrator.report;

/** HTML/XML text escaping for the report: every string that comes from a lease, a request or a worker goes through it. */
public final class Html {

    private Html() {
    }

    /** Escapes {@code & < > " '} (safe in element text and in quoted attributes); {@code null} becomes "". */
    public static String escape(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // control characters other than tab/newline/CR are not allowed in XML: shown as U+FFFD
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
