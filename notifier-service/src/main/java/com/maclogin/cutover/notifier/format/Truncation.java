package com.maclogin.cutover.notifier.format;

/** Cutting texts to a chat API's limit so that the message is still posted, with a marker saying so. */
public final class Truncation {

    /** Ends every cut text, so that a reader knows there was more (the full text is in the notifier's database). */
    public static final String MARKER = " … [truncated]";

    private Truncation() {
    }

    /**
     * {@code text} if it fits in {@code max} characters, else its start plus {@link #MARKER}, exactly {@code max} long
     * at most. Never splits a surrogate pair, nor (in escaped Slack text) an entity such as {@code &amp;}.
     */
    public static String cap(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Math.max(0, max - MARKER.length());
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        int amp = text.lastIndexOf('&', end - 1);
        if (amp >= 0 && end - amp < 6 && text.indexOf(';', amp) >= end) {
            end = amp; // would cut "&amp;", "&lt;" or "&gt;" in two
        }
        return text.substring(0, end) + MARKER;
    }

    /**
     * A field from a lease or request (a reason, a summary) for a plain-text template: line breaks and other control
     * characters become spaces (a reason cannot forge a {@code Rollback owner:} line of its own), at most {@code max}
     * characters.
     */
    public static String field(String value, int max) {
        if (value == null) {
            return null;
        }
        String oneLine = value.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
        return cap(oneLine, max);
    }
}
