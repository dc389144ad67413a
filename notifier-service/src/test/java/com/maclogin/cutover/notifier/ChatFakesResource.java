package com.maclogin.cutover.notifier;

import com.maclogin.cutover.chatfakes.ChatFakes;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the Slack and Telegram fakes on ephemeral ports and points the notifier at them with test tokens. */
public class ChatFakesResource implements QuarkusTestResourceLifecycleManager {

    public static final String SLACK_TOKEN = "xoxb-4242-4242-NotifierTestSecretSlack";
    public static final String TELEGRAM_TOKEN = "424242:NotifierTestSecretTelegram_abc";
    public static final String SLACK_CHANNEL = "C0CUTOVER";
    public static final String TELEGRAM_CHAT = "-1004242";
    /** JP's own Slack channel (notifier.slack.region-channels.JP); every other region uses SLACK_CHANNEL. */
    public static final String SLACK_JP_CHANNEL = "C0JPOPS";

    private static ChatFakes fakes;

    @Override
    public Map<String, String> start() {
        fakes = ChatFakes.start(0, 0).requireSlackToken(SLACK_TOKEN).requireTelegramToken(TELEGRAM_TOKEN);
        return Map.of(
                "notifier.slack.base-url", fakes.slackBaseUrl(),
                "notifier.slack.token", SLACK_TOKEN,
                "notifier.slack.channel", SLACK_CHANNEL,
                "notifier.slack.region-channels.JP", SLACK_JP_CHANNEL,
                "notifier.telegram.base-url", fakes.telegramBaseUrl(),
                "notifier.telegram.token", TELEGRAM_TOKEN,
                "notifier.telegram.chat-id", TELEGRAM_CHAT);
    }

    public static ChatFakes fakes() {
        return fakes;
    }

    @Override
    public void stop() {
        if (fakes != null) {
            fakes.close();
        }
    }
}
