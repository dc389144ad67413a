package com.maclogin.cutover.notifier.format;

/**
 * Telegram's form of a message: the plain text, capped at the Bot API's 4096 characters (a longer {@code sendMessage}
 * is refused with 400 "message is too long", which is permanent: the incident would never be posted). Sent without
 * {@code parse_mode}, so nothing in it is markup and nothing needs escaping.
 */
public final class TelegramFormat {

    /** The Bot API's limit of a message text, in UTF-16 code units as Java counts them. */
    public static final int MAX_TEXT = 4096;

    private TelegramFormat() {
    }

    public static String text(ChatMessage m) {
        return cap(m.text());
    }

    public static String cap(String text) {
        return Truncation.cap(text, MAX_TEXT);
    }
}
