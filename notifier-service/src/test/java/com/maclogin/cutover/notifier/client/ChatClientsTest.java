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
        // generous: the first call in a cold JVM on a loaded machine takes seconds; these tests are not about timeouts
        return config(slackToken, telegramToken, fakes.slackBaseUrl(), fakes.telegramBaseUrl(), Duration.ofSeconds(15));
    }

    private static NotifierConfig config(String slackToken, String telegramToken, String slackBase, String telegramBase,
                                         Duration timeout) {
        NotifierConfig.Slack slack = new NotifierConfig.Slack() {
            public boolean enabled() { return true; }
            public Optional<String> token() { return Optional.of(slackToken); }
            public Optional<String> channel() { return Optional.of("C0TEST"); }
            public java.util.Map<String, String> regionChannels() { return java.util.Map.of("JP", "C0JPOPS"); }
            public String baseUrl() { return slackBase; }
            public Duration timeout() { return timeout; }
        };
        NotifierConfig.Telegram telegram = new NotifierConfig.Telegram() {
            public boolean enabled() { return true; }
            public Optional<String> token() { return Optional.of(telegramToken); }
            public Optional<String> chatId() { return Optional.of("-100777"); }
            public String baseUrl() { return telegramBase; }
            public Duration timeout() { return timeout; }
        };
        return new NotifierConfig() {
            public Slack slack() { return slack; }
            public Telegram telegram() { return telegram; }
            public Delivery delivery() { throw new UnsupportedOperationException(); }
            public String dashboardBaseUrl() { return "http://localhost:8080"; }
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
        assertThat(((PostOutcome.RetryLater) limited).retryAfter()).as(limited.toString()).isEqualTo(Duration.ofSeconds(1));
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
            public String dashboardBaseUrl() { return "http://localhost:8080"; }
        };
        PostOutcome failed = new TelegramClient(unreachable, new SecretMasker(unreachable)).post("-100777", "x", null);
        assertThat(failed).isInstanceOf(PostOutcome.RetryLater.class);
        assertThat(((PostOutcome.RetryLater) failed).error()).doesNotContain(TELEGRAM_TOKEN);
        // the connection was refused: nothing left, so a retry cannot duplicate anything
        assertThat(((PostOutcome.RetryLater) failed).maybeDelivered()).isFalse();
        assertThat(((PostOutcome.RetryLater) limited).maybeDelivered()).isFalse();
    }

    @Test
    void slackSendsBlocksAndReplyBroadcastOnlyOnABroadcastReply() {
        SlackClient client = slack(SLACK_TOKEN);
        String blocks = "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*banner*\"}}]";
        // a broadcast row that ends up as its thread's parent is a plain top-level post
        String ts = ((PostOutcome.Posted) client.post("C0TEST", new ChatPost("banner", blocks, true), null)).externalId();
        assertThat(client.post("C0TEST", new ChatPost("routine", blocks, false), ts)).isInstanceOf(PostOutcome.Posted.class);
        assertThat(client.post("C0TEST", new ChatPost("incident", blocks, true), ts)).isInstanceOf(PostOutcome.Posted.class);
        assertThat(fakes.delivered(RecordedMessage.SLACK)).extracting(RecordedMessage::text, RecordedMessage::blocks,
                RecordedMessage::replyBroadcast).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("banner", blocks, false),
                        org.assertj.core.groups.Tuple.tuple("routine", blocks, false),
                        org.assertj.core.groups.Tuple.tuple("incident", blocks, true));
    }

    @Test
    void slackTargetIsTheRegionsChannelWhenConfiguredElseTheDefaultOneAndAFleetsThreadStaysInTheDefault() {
        SlackClient client = slack(SLACK_TOKEN);
        assertThat(client.target(com.maclogin.cutover.contracts.Region.JP)).contains("C0JPOPS");
        assertThat(client.target(com.maclogin.cutover.contracts.Region.HK)).contains("C0TEST");
        assertThat(client.target(null)).contains("C0TEST");
        // Telegram has one chat: every region goes there
        assertThat(telegram(TELEGRAM_TOKEN).target(com.maclogin.cutover.contracts.Region.JP)).contains("-100777");
    }

    @Test
    void telegramReplyToADeletedBannerIsStillPostedBecauseItAllowsSendingWithoutReplyAndUsesNoParseMode()
            throws Exception {
        TelegramClient client = telegram(TELEGRAM_TOKEN);
        String id = ((PostOutcome.Posted) client.post("-100777", "banner", null)).externalId();
        java.net.http.HttpResponse<String> deleted = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(fakes.telegramBaseUrl() + "/bot" + TELEGRAM_TOKEN
                        + "/deleteMessage")).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"chat_id\":\"-100777\",\"message_id\":" + id + "}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);

        String markup = "<b>bold</b> *x* [click](http://evil.example) & <!channel>";
        assertThat(client.post("-100777", markup, id)).isInstanceOf(PostOutcome.Posted.class);
        RecordedMessage reply = fakes.delivered(RecordedMessage.TELEGRAM).get(1);
        assertThat(reply.replyTo()).isEqualTo(Long.valueOf(id));
        assertThat(reply.allowSendingWithoutReply()).isTrue();
        // plain text: no parse_mode, so nothing is markup and the text arrives exactly as written
        assertThat(reply.parseMode()).isNull();
        assertThat(reply.text()).isEqualTo(markup);
    }

    @Test
    void telegramPostDeliveredButAnsweredTooLateIsRetryLaterThatMayHaveBeenDelivered() {
        NotifierConfig c = config(SLACK_TOKEN, TELEGRAM_TOKEN, fakes.slackBaseUrl(), fakes.telegramBaseUrl(),
                Duration.ofSeconds(2));
        fakes.stallNext(RecordedMessage.TELEGRAM, ChatFakes.Stall.AFTER_POST, 1);
        PostOutcome outcome = new TelegramClient(c, new SecretMasker(c)).post("-100777", "late", null);
        assertThat(outcome).isInstanceOf(PostOutcome.RetryLater.class);
        assertThat(((PostOutcome.RetryLater) outcome).maybeDelivered()).as(outcome.toString()).isTrue();
        assertThat(((PostOutcome.RetryLater) outcome).error()).contains("after the request was sent")
                .doesNotContain(TELEGRAM_TOKEN);
        assertThat(fakes.delivered(RecordedMessage.TELEGRAM)).extracting(RecordedMessage::text).containsExactly("late");
    }

    @Test
    void telegramTextOverTheLimitIsCappedBeforeSendingSoItIsNotRefusedForGood() {
        PostOutcome outcome = telegram(TELEGRAM_TOKEN).post("-100777", "x".repeat(10_000), null);
        assertThat(outcome).isInstanceOf(PostOutcome.Posted.class);
        String sent = fakes.delivered(RecordedMessage.TELEGRAM).get(0).text();
        assertThat(sent).hasSize(4096).endsWith(com.maclogin.cutover.notifier.format.Truncation.MARKER);
    }

    // ------------------------------------------------------------------ hung APIs (raw ServerSocket)

    private static final Duration HUNG_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Bound for "within the configured timeout, never a hang": the timeout plus slack for a cold first call on a busy
     * machine (seconds of class loading under load). A hang would be held for as long as the server holds it.
     */
    private static final Duration WITHIN = HUNG_TIMEOUT.plusSeconds(8);

    @Test
    void everyOkHttpTimeoutOfBothClientsIsTheConfiguredOne() {
        NotifierConfig c = config(SLACK_TOKEN, TELEGRAM_TOKEN, "http://127.0.0.1:9", "http://127.0.0.1:9",
                Duration.ofMillis(1234));
        for (okhttp3.OkHttpClient http : java.util.List.of(new SlackClient(c, new SecretMasker(c)).httpClient(),
                new TelegramClient(c, new SecretMasker(c)).httpClient())) {
            assertThat(http.connectTimeoutMillis()).isEqualTo(1234);
            assertThat(http.readTimeoutMillis()).isEqualTo(1234);
            assertThat(http.writeTimeoutMillis()).isEqualTo(1234);
            assertThat(http.callTimeoutMillis()).isEqualTo(1234);
            assertThat(http.retryOnConnectionFailure()).isFalse();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(HungChatServer.Mode.class)
    void slackAgainstAHungServerIsRetryLaterWithinTheTimeoutWithTheTokenMasked(HungChatServer.Mode mode)
            throws Exception {
        try (HungChatServer hung = new HungChatServer(mode)) {
            NotifierConfig c = config(SLACK_TOKEN, TELEGRAM_TOKEN, hung.baseUrl(), fakes.telegramBaseUrl(), HUNG_TIMEOUT);
            SlackClient client = new SlackClient(c, new SecretMasker(c));
            assertHungCallGivesUp(() -> client.post("C0TEST", "hung", null), hung, SLACK_TOKEN);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(HungChatServer.Mode.class)
    void telegramAgainstAHungServerIsRetryLaterWithinTheTimeoutWithTheTokenMasked(HungChatServer.Mode mode)
            throws Exception {
        try (HungChatServer hung = new HungChatServer(mode)) {
            NotifierConfig c = config(SLACK_TOKEN, TELEGRAM_TOKEN, fakes.slackBaseUrl(), hung.baseUrl(), HUNG_TIMEOUT);
            TelegramClient client = new TelegramClient(c, new SecretMasker(c));
            PostOutcome outcome = assertHungCallGivesUp(() -> client.post("-100777", "hung", null), hung, TELEGRAM_TOKEN);
            // the hung server read the request: Telegram might have posted it, a retry would be blind
            assertThat(((PostOutcome.RetryLater) outcome).maybeDelivered()).isTrue();
        }
    }

    private static PostOutcome assertHungCallGivesUp(java.util.function.Supplier<PostOutcome> call, HungChatServer hung,
                                              String token) throws Exception {
        java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            long start = System.nanoTime();
            // run it on another thread so a regression fails the test instead of hanging the build
            PostOutcome outcome = caller.submit(call::get).get(WITHIN.toMillis() + 5000,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(hung.requestsRead()).as("the request reached the hung server").isEqualTo(1);
            assertThat(outcome).isInstanceOf(PostOutcome.RetryLater.class);
            assertThat(took).isLessThan(WITHIN).isGreaterThanOrEqualTo(HUNG_TIMEOUT.minusMillis(100));
            PostOutcome.RetryLater retry = (PostOutcome.RetryLater) outcome;
            assertThat(retry.retryAfter()).isNull();
            assertThat(retry.error()).doesNotContain(token);
            return outcome;
        } finally {
            caller.shutdownNow();
        }
    }
}
