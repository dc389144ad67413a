package com.maclogin.cutover.notifier.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.chatfakes.ChatFakes;
import com.maclogin.cutover.chatfakes.RecordedMessage;
import com.maclogin.cutover.notifier.config.NotifierConfig;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Slack SDK and Telegram client against the chat fakes: how each answer is classified. */
class ChatClientsTest {

    private static final String SLACK_TOKEN = "xoxb-9-9-ClientTestSecretSlackToken";
    private static final String TELEGRAM_TOKEN = "99999:ClientTestSecretTelegramToken_x";
    private static ChatFakes fakes;

    @BeforeAll
    static void start() {
        fakes = ChatFakes.start(0, 0).requireSlackToken(SLACK_TOKEN).requireTelegramToken(TELEGRAM_TOKEN);
    }

    @AfterAll
    static void stop() {
        fakes.close();
    }

    @BeforeEach
    void reset() {
        fakes.reset();
    }

    private static NotifierConfig config(String slackToken, String telegramToken) {
        NotifierConfig.Slack slack = new NotifierConfig.Slack() {
            public boolean enabled() { return true; }
            public Optional<String> token() { return Optional.of(slackToken); }
            public Optional<String> channel() { return Optional.of("C0TEST"); }
            public String baseUrl() { return fakes.slackBaseUrl(); }
            public Duration timeout() { return Duration.ofSeconds(3); }
        };
        NotifierConfig.Telegram telegram = new NotifierConfig.Telegram() {
            public boolean enabled() { return true; }
            public Optional<String> token() { return Optional.of(telegramToken); }
            public Optional<String> chatId() { return Optional.of("-100777"); }
            public String baseUrl() { return fakes.telegramBaseUrl(); }
            public Duration timeout() { return Duration.ofSeconds(3); }
        };
        return new NotifierConfig() {
            public Slack slack() { return slack; }
            public Telegram telegram() { return telegram; }
            public Delivery delivery() { throw new UnsupportedOperationException(); }
        };
    }

    private static SlackClient slack(String token) {
        NotifierConfig c = config(token, TELEGRAM_TOKEN);
        return new SlackClient(c, new SecretMasker(c));
    }

    private static TelegramClient telegram(String token) {
        NotifierConfig c = config(SLACK_TOKEN, token);
        return new TelegramClient(c, new SecretMasker(c));
    }

    @Test
    void slackPostReturnsTsAndAReplyCarriesThreadTs() {
        SlackClient client = slack(SLACK_TOKEN);
        PostOutcome parent = client.post("C0TEST", "first", null);
        assertThat(parent).isInstanceOf(PostOutcome.Posted.class);
        String ts = ((PostOutcome.Posted) parent).externalId();
        assertThat(client.post("C0TEST", "second", ts)).isInstanceOf(PostOutcome.Posted.class);
        assertThat(fakes.delivered(RecordedMessage.SLACK)).extracting(RecordedMessage::threadTs).containsExactly(null, ts);
    }

    @Test
    void slackInvalidAuthAndChannelNotFoundAreRejectedNotRetried() {
        assertThat(slack("xoxb-9-9-WrongToken").post("C0TEST", "x", null))
                .isEqualTo(new PostOutcome.Rejected("slack error: invalid_auth"));
        fakes.removeChannel("C0TEST");
        assertThat(slack(SLACK_TOKEN).post("C0TEST", "x", null))
                .isEqualTo(new PostOutcome.Rejected("slack error: channel_not_found"));
    }

    @Test
    void slack429IsRetryLaterWithRetryAfterAnd5xxIsRetryLaterWithoutIt() {
        fakes.failNext(RecordedMessage.SLACK, 429, 1);
        PostOutcome limited = slack(SLACK_TOKEN).post("C0TEST", "x", null);
        assertThat(limited).isInstanceOf(PostOutcome.RetryLater.class);
        assertThat(((PostOutcome.RetryLater) limited).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        fakes.failNext(RecordedMessage.SLACK, 503, 1);
        PostOutcome down = slack(SLACK_TOKEN).post("C0TEST", "x", null);
        assertThat(down).isInstanceOf(PostOutcome.RetryLater.class);
        assertThat(((PostOutcome.RetryLater) down).retryAfter()).isNull();
    }

    @Test
    void telegramReplyUsesReplyParametersAndUnauthorizedIsRejected() {
        TelegramClient client = telegram(TELEGRAM_TOKEN);
        PostOutcome parent = client.post("-100777", "first", null);
        String id = ((PostOutcome.Posted) parent).externalId();
        assertThat(client.post("-100777", "second", id)).isInstanceOf(PostOutcome.Posted.class);
        assertThat(fakes.delivered(RecordedMessage.TELEGRAM)).extracting(RecordedMessage::replyTo)
                .containsExactly(null, Long.valueOf(id));

        PostOutcome unauthorized = telegram("99999:WrongTelegramTokenWrongTokenXX").post("-100777", "x", null);
        assertThat(unauthorized).isInstanceOf(PostOutcome.Rejected.class);
        assertThat(((PostOutcome.Rejected) unauthorized).error()).contains("401").doesNotContain("WrongTelegramToken");
    }

    @Test
    void telegram429CarriesRetryAfterAndAnUnreachableServerIsRetryLaterWithTheTokenMasked() {
        fakes.failNext(RecordedMessage.TELEGRAM, 429, 1);
        PostOutcome limited = telegram(TELEGRAM_TOKEN).post("-100777", "x", null);
        assertThat(((PostOutcome.RetryLater) limited).retryAfter()).isEqualTo(Duration.ofSeconds(1));

        NotifierConfig c = config(SLACK_TOKEN, TELEGRAM_TOKEN);
        NotifierConfig.Telegram closed = new NotifierConfig.Telegram() {
            public boolean enabled() { return true; }
            public Optional<String> token() { return Optional.of(TELEGRAM_TOKEN); }
            public Optional<String> chatId() { return Optional.of("-100777"); }
            public String baseUrl() { return "http://127.0.0.1:9"; } // discard port: connection refused
            public Duration timeout() { return Duration.ofSeconds(2); }
        };
        NotifierConfig unreachable = new NotifierConfig() {
            public Slack slack() { return c.slack(); }
            public Telegram telegram() { return closed; }
            public Delivery delivery() { throw new UnsupportedOperationException(); }
        };
        PostOutcome failed = new TelegramClient(unreachable, new SecretMasker(unreachable)).post("-100777", "x", null);
        assertThat(failed).isInstanceOf(PostOutcome.RetryLater.class);
        assertThat(((PostOutcome.RetryLater) failed).error()).doesNotContain(TELEGRAM_TOKEN);
    }
}
