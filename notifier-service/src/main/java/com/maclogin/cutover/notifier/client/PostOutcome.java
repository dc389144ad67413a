package com.maclogin.cutover.notifier.client;

import java.time.Duration;

/** What one post attempt came to. Errors are already masked. */
public sealed interface PostOutcome {

    /** The message exists in the chat; {@code externalId} is its Slack ts or Telegram message_id. */
    record Posted(String externalId) implements PostOutcome {
    }

    /**
     * Not known to be posted, and trying again may work (429, 5xx, timeout); {@code retryAfter} when the API said so.
     * {@code maybeDelivered} when the request had been sent and no answer came (a read or call timeout, a dropped
     * connection): the message may exist although no id came back, so a retry that cannot look may post it twice.
     */
    record RetryLater(Duration retryAfter, String error, boolean maybeDelivered) implements PostOutcome {

        /** Nothing was delivered: the API answered (429, 5xx) or the request never left (refused connection). */
        public RetryLater(Duration retryAfter, String error) {
            this(retryAfter, error, false);
        }
    }

    /** Nothing was posted and trying again will not help (bad channel, bad token, bad request). */
    record Rejected(String error) implements PostOutcome {
    }
}
