package com.maclogin.cutover.chatfakes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One request a fake received on its post endpoint. Never holds the token.
 *
 * @param service {@code slack} or {@code telegram}
 * @param channelOrChat Slack {@code channel} or Telegram {@code chat_id} as sent
 * @param text the message text as sent
 * @param threadTs Slack {@code thread_ts} (null for a top-level post and for Telegram)
 * @param replyTo Telegram message id replied to (null for a top-level message and for Slack)
 * @param ts Slack {@code ts} given to the posted message (null when refused)
 * @param messageId Telegram {@code message_id} given to the message (null when refused)
 * @param ok whether the fake accepted the post
 * @param httpStatus the HTTP status the fake answered
 * @param error the Slack error code or Telegram description when refused
 * @param receivedAt when the fake received it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordedMessage(
        String service,
        String channelOrChat,
        String text,
        String threadTs,
        Long replyTo,
        String ts,
        Long messageId,
        boolean ok,
        int httpStatus,
        String error,
        Instant receivedAt) {

    public static final String SLACK = "slack";
    public static final String TELEGRAM = "telegram";

    /** True when the fake accepted this post (a message now exists in the channel or chat). */
    public boolean delivered() {
        return ok;
    }
}
