package com.maclogin.cutover.notifier.client;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.notifier.ChatChannel;
import java.util.Optional;

/** One chat system. Implementations never throw for API or network errors; they answer a {@link PostOutcome}. */
public interface ChatClient {

    ChatChannel channel();

    /** The configured Slack channel or Telegram chat; empty when this channel is disabled or not configured. */
    Optional<String> target();

    /**
     * Where a thread about {@code region} goes: the region's own channel when one is configured, else {@link #target()}.
     * {@code null} region (a fleet's thread spans regions) always answers {@link #target()}.
     */
    default Optional<String> target(Region region) {
        return target();
    }

    /**
     * Posts {@code post} to {@code target}; with {@code parentExternalId} as a reply in that message's thread.
     */
    PostOutcome post(String target, ChatPost post, String parentExternalId);

    /** Posts plain {@code text}: no blocks, not broadcast. */
    default PostOutcome post(String target, String text, String parentExternalId) {
        return post(target, ChatPost.plain(text), parentExternalId);
    }

    /**
     * Whether {@link #findPosted} can really look (Slack reads the history; Telegram's Bot API cannot): when it cannot,
     * a retry after a {@link PostOutcome.RetryLater#maybeDelivered()} attempt is blind and is bounded by
     * {@code notifier.delivery.max-blind-retries}.
     */
    default boolean canFindPosted() {
        return false;
    }

    /**
     * Whether a message with exactly {@code text} is already in {@code target} (in {@code parentExternalId}'s thread
     * when given): asked before a retry, because an earlier attempt whose answer was lost (a timeout, or this service
     * killed mid-call) may have been delivered. The found message's external id, or empty when none was found or the
     * API cannot say (then the retry posts).
     */
    default Optional<String> findPosted(String target, String text, String parentExternalId) {
        return Optional.empty();
    }
}
