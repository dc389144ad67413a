package com.maclogin.cutover.notifier.client;

/**
 * What one notification row asks a chat API to post, already formatted for that channel (escaped, capped).
 *
 * @param text      the message text (Slack: the mrkdwn fallback shown in notifications; Telegram: the plain message)
 * @param blocks    Slack Block Kit JSON array, or {@code null} (Telegram, or a plain Slack message)
 * @param broadcast Slack {@code reply_broadcast}: a reply that is also shown in the channel (incidents, rollbacks,
 *                  outcomes), so people who do not open the banner's thread still see it
 */
public record ChatPost(String text, String blocks, boolean broadcast) {

    /** A plain message: no blocks, not broadcast. */
    public static ChatPost plain(String text) {
        return new ChatPost(text, null, false);
    }
}
