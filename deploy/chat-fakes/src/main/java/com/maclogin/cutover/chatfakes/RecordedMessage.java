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
 * @param blocks Slack {@code blocks} as sent (Block Kit JSON), null without
 * @param replyBroadcast Slack {@code reply_broadcast} as sent, null when absent
 * @param allowSendingWithoutReply Telegram {@code allow_sending_without_reply} (top level or in
 *        {@code reply_parameters}), null when absent
 * @param parseMode Telegram {@code parse_mode} as sent, null when absent (plain text)
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
        Instant receivedAt,
        String blocks,
        Boolean replyBroadcast,
        Boolean allowSendingWithoutReply,
        String parseMode) {

    /** A record without the optional request fields (see {@link #with(Sent)}). */
    public RecordedMessage(String service, String channelOrChat, String text, String threadTs, Long replyTo, String ts,
            Long messageId, boolean ok, int httpStatus, String error, Instant receivedAt) {
        this(service, channelOrChat, text, threadTs, replyTo, ts, messageId, ok, httpStatus, error, receivedAt, null,
                null, null, null);
    }

    /** The optional fields of a post request, recorded as sent. */
    record Sent(String blocks, Boolean replyBroadcast, Boolean allowSendingWithoutReply, String parseMode) {
    }

    /** This record with the request's optional fields. */
    RecordedMessage with(Sent sent) {
        return new RecordedMessage(service, channelOrChat, text, threadTs, replyTo, ts, messageId, ok, httpStatus, error,
                receivedAt, sent.blocks(), sent.replyBroadcast(), sent.allowSendingWithoutReply(), sent.parseMode());
    }

    public static final String SLACK = "slack";
    public static final String TELEGRAM = "telegram";

    /** True when the fake accepted this post (a message now exists in the channel or chat). */
    public boolean delivered() {
        return ok;
    }
}
