package com.maclogin.cutover.notifier;

/** Where one notification stands. */
public enum NotificationStatus {
    /** Not posted yet: waiting for its turn, its parent, or a retry. */
    PENDING,
    /** Posted; {@code external_id} holds the Slack ts or Telegram message_id. */
    POSTED,
    /** Given up: a permanent API error or too many attempts. Never retried. */
    FAILED
}
