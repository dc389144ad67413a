package com.maclogin.cutover.notifier.client;

import com.maclogin.cutover.notifier.ChatChannel;
import java.util.Optional;

/** One chat system. Implementations never throw for API or network errors; they answer a {@link PostOutcome}. */
public interface ChatClient {

    ChatChannel channel();

    /** The configured Slack channel or Telegram chat; empty when this channel is disabled or not configured. */
    Optional<String> target();

    /**
     * Posts {@code text} to {@code target}; with {@code parentExternalId} as a reply in that message's thread.
     */
    PostOutcome post(String target, String text, String parentExternalId);
}
