package com.maclogin.cutover.notifier.client;

import java.time.Duration;

/** What one post attempt came to. Errors are already masked. */
public sealed interface PostOutcome {

    /** The message exists in the chat; {@code externalId} is its Slack ts or Telegram message_id. */
    record Posted(String externalId) implements PostOutcome {
    }

    /** Nothing was posted and trying again may work (429, 5xx, timeout); {@code retryAfter} when the API said so. */
    record RetryLater(Duration retryAfter, String error) implements PostOutcome {
    }

    /** Nothing was posted and trying again will not help (bad channel, bad token, bad request). */
    record Rejected(String error) implements PostOutcome {
    }
}
