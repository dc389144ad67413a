package com.maclogin.cutover.notifier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.chatfakes.ChatFakes;
import com.maclogin.cutover.chatfakes.RecordedMessage;
import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.notifier.format.Truncation;
import com.maclogin.cutover.notifier.service.NotificationView;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end inside the module: real Kafka, real PostgreSQL, the real SDKs against the wire-compatible chat fakes. */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ChatFakesResource.class, scope = TestResourceScope.GLOBAL)
class NotifierFlowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void producer() {
        com.maclogin.cutover.testing.TestTokens.viewerByDefault();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    private static ChatFakes fakes() {
        return ChatFakesResource.fakes();
    }

    /** A cutover of its own for each test: ticket, cutover and lease ids are unique. */
    private record Cutover(String id, String lease, String ticket) {
        static Cutover fresh() {
            String n = UUID.randomUUID().toString().substring(0, 8);
            return new Cutover("cut-" + n, "lease-hk-" + n, "CHG-" + n);
        }

        CutoverEvent event(CutoverEventType type, String reason) {
            return event(type, reason, Region.HK);
        }

        CutoverEvent event(CutoverEventType type, String reason, Region region) {
            Instant start = Instant.parse("2026-03-01T02:00:00Z");
            return new CutoverEvent(UUID.randomUUID().toString(), id, lease, Instant.now(), 1, 1, type, region,
                    ticket, "2026.9.5", "2026.9.6", "alice (Asia/Hong_Kong)", List.of("slack:#ops", "telegram:ops"),
                    start, type == CutoverEventType.CUTOVER_STARTED ? null : start.plusSeconds(1800), reason);
        }
    }

    private static void send(CutoverEvent e) throws Exception {
        producer.send(new ProducerRecord<>(Topics.EVENTS, e.leaseId(), Json.write(e))).get();
    }

    private static List<RecordedMessage> delivered(String service, Cutover c) {
        return fakes().delivered(service).stream().filter(m -> m.text().contains(c.ticket())).toList();
    }

    private static List<RecordedMessage> received(String service, Cutover c) {
        return fakes().recorded().stream()
                .filter(m -> m.service().equals(service) && m.text() != null && m.text().contains(c.ticket())).toList();
    }

    private static List<NotificationView> rows(Cutover c) {
        return Arrays.asList(given().queryParam("cutover", c.id()).when().get("/api/v1/notifications")
                .then().statusCode(200).extract().as(NotificationView[].class));
    }

    @Test
    void startedThenGreenPostsTwoMessagesPerChannelTheSecondInTheFirstsThread() throws Exception {
        Cutover c = Cutover.fresh();
        send(c.event(CutoverEventType.CUTOVER_STARTED, null));
        send(c.event(CutoverEventType.CUTOVER_GREEN, null));

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(delivered(RecordedMessage.SLACK, c)).hasSize(2);
            assertThat(delivered(RecordedMessage.TELEGRAM, c)).hasSize(2);
        });
        List<RecordedMessage> slack = delivered(RecordedMessage.SLACK, c);
        assertThat(slack.get(0).channelOrChat()).isEqualTo(ChatFakesResource.SLACK_CHANNEL);
        assertThat(slack.get(0).threadTs()).isNull();
        assertThat(slack.get(1).threadTs()).isEqualTo(slack.get(0).ts());
        List<RecordedMessage> telegram = delivered(RecordedMessage.TELEGRAM, c);
        assertThat(telegram.get(0).channelOrChat()).isEqualTo(ChatFakesResource.TELEGRAM_CHAT);
        assertThat(telegram.get(0).replyTo()).isNull();
        assertThat(telegram.get(1).replyTo()).isEqualTo(telegram.get(0).messageId());

        for (List<RecordedMessage> posts : List.of(slack, telegram)) {
            String banner = posts.get(0).text();
            assertThat(banner).contains(c.ticket(), c.lease(), "HK", "2026.9.5", "2026.9.6",
                    "alice (Asia/Hong_Kong)", "2026-03-01 02:00:00 UTC").containsIgnoringCase("maintenance window open");
            String green = posts.get(1).text();
            assertThat(green).contains("Cutover green", c.ticket(), "2026.9.5", "2026.9.6", "alice (Asia/Hong_Kong)",
                    "2026-03-01 02:00:00 UTC", "2026-03-01 02:30:00 UTC");
        }

        assertThat(metric("notifier_deliveries_total{channel=\"slack\",outcome=\"posted\"}")).isGreaterThanOrEqualTo(2);
        assertThat(metric("notifier_deliveries_total{channel=\"telegram\",outcome=\"posted\"}")).isGreaterThanOrEqualTo(2);
        List<NotificationView> rows = rows(c);
        assertThat(rows).hasSize(4).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(NotificationStatus.POSTED);
            assertThat(r.attempts()).isEqualTo(1);
        });
        assertThat(rows).filteredOn(r -> r.channel() == ChatChannel.SLACK).extracting(NotificationView::externalId)
                .containsExactly(slack.get(0).ts(), slack.get(1).ts());
        assertThat(rows).filteredOn(r -> r.channel() == ChatChannel.TELEGRAM).extracting(NotificationView::externalId)
                .containsExactly(String.valueOf(telegram.get(0).messageId()), String.valueOf(telegram.get(1).messageId()));
    }

    @Test
    void everyDeliveryPublishesChatDeliveredWithChannelKindAndOutcomeButNeverTheText() throws Exception {
        Cutover c = Cutover.fresh();
        Properties p = new Properties();
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, "chat-delivered-" + c.id());
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> got = new java.util.ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(p)) {
            consumer.subscribe(List.of(Topics.CHAT_DELIVERIES));
            send(c.event(CutoverEventType.CUTOVER_STARTED, null));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (c.lease().equals(r.key())) {
                        got.add(r);
                    }
                });
                assertThat(got).hasSize(2);
            });
        }
        List<RecordedMessage> posted = delivered(RecordedMessage.SLACK, c);
        assertThat(posted).hasSize(1);
        List<com.maclogin.cutover.contracts.ChatDelivered> records = got.stream()
                .map(r -> Json.read(r.value(), com.maclogin.cutover.contracts.ChatDelivered.class)).toList();
        assertThat(records).extracting(com.maclogin.cutover.contracts.ChatDelivered::channel)
                .containsExactlyInAnyOrder("SLACK", "TELEGRAM");
        assertThat(records).allSatisfy(d -> {
            assertThat(d.cutoverId()).isEqualTo(c.id());
            assertThat(d.leaseId()).isEqualTo(c.lease());
            assertThat(d.fleetId()).isNull();
            assertThat(d.kind()).isEqualTo("CUTOVER_STARTED");
            assertThat(d.outcome()).isEqualTo("POSTED");
            assertThat(d.attempts()).isEqualTo(1);
        });
        // never the text: neither the ticket nor a phrase of the banner is in what was published
        assertThat(got).allSatisfy(r -> assertThat(r.value()).doesNotContain(c.ticket())
                .doesNotContainIgnoringCase("maintenance window").doesNotContain("\"text\""));
    }

    @Test
    void redeliveredEventWithTheSameMessageIdPostsNothingMore() throws Exception {
        Cutover c = Cutover.fresh();
        CutoverEvent started = c.event(CutoverEventType.CUTOVER_STARTED, null);
        send(started);
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 1
                && delivered(RecordedMessage.TELEGRAM, c).size() == 1);

        send(started);
        // a later event on the same key (same partition) is consumed after the redelivery: once it is posted,
        // the redelivered one has been handled too
        send(c.event(CutoverEventType.CUTOVER_GREEN, null));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() >= 2
                && delivered(RecordedMessage.TELEGRAM, c).size() >= 2);

        for (String service : List.of(RecordedMessage.SLACK, RecordedMessage.TELEGRAM)) {
            assertThat(received(service, c)).hasSize(2)
                    .filteredOn(m -> m.text().contains("Maintenance window open")).hasSize(1);
        }
        assertThat(rows(c)).hasSize(4);
    }

    @Test
    void rateLimitedTwiceStillDeliversExactlyOnceHonouringRetryAfter() throws Exception {
        Cutover c = Cutover.fresh();
        fakes().failNext(RecordedMessage.SLACK, 429, 2);
        fakes().failNext(RecordedMessage.TELEGRAM, 429, 2);
        send(c.event(CutoverEventType.CUTOVER_STARTED, null));

        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 1
                && delivered(RecordedMessage.TELEGRAM, c).size() == 1);
        for (String service : List.of(RecordedMessage.SLACK, RecordedMessage.TELEGRAM)) {
            List<RecordedMessage> calls = received(service, c);
            assertThat(calls).extracting(RecordedMessage::httpStatus).containsExactly(429, 429, 200);
            // Retry-After: 1 was honoured: the retry came at least a second after the refusal
            assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rows(c)).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(NotificationStatus.POSTED);
            assertThat(r.attempts()).isEqualTo(3);
        }));
    }

    @Test
    void serverErrorIsRetriedAndDeliveredOnce() throws Exception {
        Cutover c = Cutover.fresh();
        fakes().failNext(RecordedMessage.TELEGRAM, 502, 1);
        send(c.event(CutoverEventType.CUTOVER_STARTED, null));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.TELEGRAM, c).size() == 1);
        assertThat(received(RecordedMessage.TELEGRAM, c)).extracting(RecordedMessage::httpStatus)
                .containsExactly(502, 200);
    }

    @Test
    void channelNotFoundFailsTheSlackRowWithoutRetryWhileTelegramStillPosts() throws Exception {
        Cutover c = Cutover.fresh();
        fakes().removeChannel(ChatFakesResource.SLACK_CHANNEL);
        try {
            send(c.event(CutoverEventType.ROLLBACK_STARTED, "error rate 7.5% > 5% over 40 probes"));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rows(c))
                    .filteredOn(r -> r.channel() == ChatChannel.SLACK).singleElement().satisfies(r -> {
                        assertThat(r.status()).isEqualTo(NotificationStatus.FAILED);
                        assertThat(r.lastError()).contains("channel_not_found");
                        assertThat(r.attempts()).isEqualTo(1);
                    }));
            // two retrier passes (poll interval 1 s) later, still exactly one call
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> received(RecordedMessage.SLACK, c).size() == 1);
        } finally {
            fakes().restoreChannel(ChatFakesResource.SLACK_CHANNEL);
        }
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.TELEGRAM, c).size() == 1);
        String incident = delivered(RecordedMessage.TELEGRAM, c).get(0).text();
        assertThat(incident).contains("INCIDENT", c.ticket(), c.lease(), "HK", "2026.9.6", "2026.9.5",
                "error rate 7.5% > 5% over 40 probes", "alice (Asia/Hong_Kong)");
    }

    @Test
    void hungChatApisBecomeRetriesWithinTheTimeoutAndAnotherCutoversMessagesStillGoOut() throws Exception {
        Cutover hung = Cutover.fresh();
        Cutover other = Cutover.fresh();
        fakes().stallNext(RecordedMessage.SLACK, ChatFakes.Stall.SILENT, 1);     // accepts, never answers
        fakes().stallNext(RecordedMessage.TELEGRAM, ChatFakes.Stall.HEADERS, 1); // 200 + headers, then nothing
        send(hung.event(CutoverEventType.ROLLBACK_STARTED,
                "CRASH_LOOP: 3 crashes in 41 s (runs 1 -> 4, last exit 78) (threshold 3 crashes within 300 s)"));
        await().atMost(TIMEOUT).until(() -> !received(RecordedMessage.SLACK, hung).isEmpty());
        send(other.event(CutoverEventType.CUTOVER_STARTED, null));

        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, other).size() == 1
                && delivered(RecordedMessage.TELEGRAM, other).size() == 1);
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, hung).size() == 1
                && delivered(RecordedMessage.TELEGRAM, hung).size() == 1);
        for (String service : List.of(RecordedMessage.SLACK, RecordedMessage.TELEGRAM)) {
            List<RecordedMessage> calls = received(service, hung);
            assertThat(calls).extracting(RecordedMessage::ok).containsExactly(false, true);
            assertThat(calls.get(0).error()).startsWith("stalled");
            // given up after the configured 3 s (%test notifier.*.timeout), then retried after a short backoff
            assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2900)).isLessThan(Duration.ofSeconds(15));
            assertThat(calls.get(1).text()).contains("Breach: CRASH_LOOP: 3 crashes in 41 s");
        }
        // the fakes record a post before they answer it; the row is POSTED once the answer is stored
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rows(hung)).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(NotificationStatus.POSTED);
            assertThat(r.attempts()).isEqualTo(2);
        }));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rows(other)).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(NotificationStatus.POSTED);
            assertThat(r.attempts()).isEqualTo(1);
        }));
    }

    @Test
    void aPostDeliveredButNeverAnsweredIsFoundInTheChannelAndNotPostedTwice() throws Exception {
        // the Slack fake posts the banner and its reply, then never answers either (as when this service dies between
        // the post and recording it): the retry reads conversations.history / .replies and records what it finds
        Cutover c = Cutover.fresh();
        fakes().stallNext(RecordedMessage.SLACK, ChatFakes.Stall.AFTER_POST, 2);
        send(c.event(CutoverEventType.CUTOVER_STARTED, null));
        send(c.event(CutoverEventType.CUTOVER_GREEN, null));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rows(c)).hasSize(4)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(NotificationStatus.POSTED)));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> received(RecordedMessage.SLACK, c).size() == 2);
        List<RecordedMessage> slack = delivered(RecordedMessage.SLACK, c);
        assertThat(slack).hasSize(2);
        List<NotificationView> slackRows = rows(c).stream().filter(r -> r.channel() == ChatChannel.SLACK).toList();
        assertThat(slackRows).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(2));
        assertThat(slackRows).extracting(NotificationView::externalId)
                .containsExactlyInAnyOrderElementsOf(slack.stream().map(RecordedMessage::ts).toList());
        // the reply found in the banner's thread is the one recorded as the thread's reply
        RecordedMessage green = slack.stream().filter(m -> m.text().contains("GREEN")).findFirst().orElseThrow();
        assertThat(green.threadTs()).isEqualTo(slack.stream().filter(m -> m.text().contains("MAINTENANCE")).findFirst()
                .orElseThrow().ts());
    }

    @Test
    void tokensNeverAppearInPostedTextsApiResponsesOrTheServiceLog() throws Exception {
        Cutover c = Cutover.fresh();
        fakes().failNext(RecordedMessage.SLACK, 429, 1);
        send(c.event(CutoverEventType.CUTOVER_STARTED, null));
        send(c.event(CutoverEventType.ROLLED_BACK, null));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 2
                && delivered(RecordedMessage.TELEGRAM, c).size() == 2);

        String log = Files.readString(Path.of("target/notifier-test.log"));
        assertThat(log).contains(c.id()); // the service log was really written and read
        String everything = Json.write(fakes().recorded())
                + given().queryParam("cutover", c.id()).get("/api/v1/notifications").asString() + log;
        assertThat(everything).contains(c.ticket())
                .doesNotContain(ChatFakesResource.SLACK_TOKEN)
                .doesNotContain(ChatFakesResource.TELEGRAM_TOKEN)
                .doesNotContain("NotifierTestSecret");
    }

    private static final String HOST_KEY_HEADLINE = "[INCIDENT] SSH host key of lease ";

    @Test
    void hostKeyRefusedAfterTheFlipPostsExactlyOneHostKeyIncidentPerChannelInTheCutoversThread() throws Exception {
        Cutover c = Cutover.fresh();
        send(c.event(CutoverEventType.CUTOVER_STARTED, null));
        CutoverEvent rollback = c.event(CutoverEventType.ROLLBACK_STARTED,
                "step RELOAD REFUSED: host key mismatch for 127.0.0.1:2201");
        send(rollback);
        send(rollback); // redelivered
        send(c.event(CutoverEventType.ROLLBACK_FAILED,
                "RESTORE refused by the worker: host key mismatch for 127.0.0.1:2201"));

        // banner, rollback started, host-key incident, rollback failed
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 4
                && delivered(RecordedMessage.TELEGRAM, c).size() == 4);
        List<RecordedMessage> slack = delivered(RecordedMessage.SLACK, c);
        List<RecordedMessage> telegram = delivered(RecordedMessage.TELEGRAM, c);
        for (List<RecordedMessage> posts : List.of(slack, telegram)) {
            assertThat(posts).extracting(m -> m.text().lines().findFirst().orElse(""))
                    .satisfiesExactly(
                            t -> assertThat(t).startsWith("[MAINTENANCE]"),
                            t -> assertThat(t).startsWith("[INCIDENT] Rollback started"),
                            t -> assertThat(t).startsWith(HOST_KEY_HEADLINE + c.lease() + " changed"),
                            t -> assertThat(t).startsWith("[ROLLBACK FAILED]"));
            assertThat(posts.get(2).text()).contains("Cutover " + c.ticket() + ": ROLLING_BACK",
                    "Rollback owner: alice (Asia/Hong_Kong)", "POST /api/v1/leases");
        }
        // in the cutover's thread: a reply to the banner
        assertThat(slack.get(2).channelOrChat()).isEqualTo(ChatFakesResource.SLACK_CHANNEL);
        assertThat(slack.get(2).threadTs()).isEqualTo(slack.get(0).ts());
        assertThat(telegram.get(2).channelOrChat()).isEqualTo(ChatFakesResource.TELEGRAM_CHAT);
        assertThat(telegram.get(2).replyTo()).isEqualTo(telegram.get(0).messageId());
        // and nothing more went out for it: no second incident from the ROLLBACK_FAILED or the redelivery
        for (String service : List.of(RecordedMessage.SLACK, RecordedMessage.TELEGRAM)) {
            assertThat(received(service, c)).hasSize(4).filteredOn(m -> m.text().startsWith(HOST_KEY_HEADLINE)).hasSize(1);
        }
        assertThat(rows(c)).hasSize(8).filteredOn(r -> r.eventType().equals("HOST_KEY_CHANGED"))
                .extracting(NotificationView::channel).containsExactlyInAnyOrder(ChatChannel.SLACK, ChatChannel.TELEGRAM);
    }

    @Test
    void hostKeyRefusedAtInventoryRepliesToTheFailedMessageWithTheIncident() throws Exception {
        Cutover c = Cutover.fresh();
        send(c.event(CutoverEventType.CUTOVER_FAILED, "step INVENTORY REFUSED: host key mismatch for 127.0.0.1:2202"));

        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 2
                && delivered(RecordedMessage.TELEGRAM, c).size() == 2);
        List<RecordedMessage> slack = delivered(RecordedMessage.SLACK, c);
        List<RecordedMessage> telegram = delivered(RecordedMessage.TELEGRAM, c);
        assertThat(slack.get(0).text()).startsWith("[FAILED]");
        assertThat(slack.get(1).text()).startsWith(HOST_KEY_HEADLINE + c.lease())
                .contains("Cutover " + c.ticket() + ": FAILED", "SSH 127.0.0.1:2202");
        assertThat(slack.get(1).threadTs()).isEqualTo(slack.get(0).ts());
        assertThat(telegram.get(1).text()).startsWith(HOST_KEY_HEADLINE + c.lease());
        assertThat(telegram.get(1).replyTo()).isEqualTo(telegram.get(0).messageId());
    }

    @Test
    void listWithoutCutoverParameterIsBadRequest() {
        given().when().get("/api/v1/notifications").then().statusCode(400);
    }

    // ------------------------------------------------------------------ issue 14: chat people can act on

    @Test
    void incidentAndOutcomeRepliesCarryBlockKitWithAViewCutoverLinkAndAreBroadcastIntoTheChannelTheBannerIsNot()
            throws Exception {
        Cutover c = Cutover.fresh();
        send(c.event(CutoverEventType.CUTOVER_STARTED, null));
        send(c.event(CutoverEventType.ROLLBACK_STARTED, "error rate 7.5% > 5% over 40 probes"));
        send(c.event(CutoverEventType.ROLLED_BACK, null));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 3);

        List<RecordedMessage> slack = delivered(RecordedMessage.SLACK, c);
        assertThat(slack).extracting(RecordedMessage::replyBroadcast).containsExactly(false, true, true);
        assertThat(slack.get(1).threadTs()).isEqualTo(slack.get(0).ts());
        assertThat(slack.get(2).threadTs()).isEqualTo(slack.get(0).ts());
        for (RecordedMessage m : slack) {
            com.fasterxml.jackson.databind.JsonNode blocks = Json.MAPPER.readTree(m.blocks());
            assertThat(blocks).extracting(b -> b.get("type").asText()).startsWith("section", "section").endsWith("context");
            assertThat(m.blocks()).contains("HK", "2026.9.5 → 2026.9.6",
                    "<http://localhost:8080/cutovers/" + c.id() + "|View cutover>");
        }
        // the incident's reason in its own block, escaped for mrkdwn; the fallback text escaped too
        assertThat(slack.get(1).blocks()).contains("*Reason*\\nerror rate 7.5% &gt; 5% over 40 probes");
        assertThat(slack.get(1).text()).contains("Reason: error rate 7.5% &gt; 5% over 40 probes");
        // Telegram is delivered by its own loop: it may still be posting when Slack's third message has landed
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rows(c)).filteredOn(r -> r.channel() == ChatChannel.TELEGRAM)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(NotificationStatus.POSTED)));
    }

    @Test
    void aReasonCannotPingTheChannelOrAUserOrPlantALinkInSlackAndReachesTelegramAsPlainTextUnchanged()
            throws Exception {
        Cutover c = Cutover.fresh();
        String hostile = "disk full <!channel> <!here> <@U0BOSS> <http://evil.example|open me> & co";
        send(c.event(CutoverEventType.CUTOVER_FAILED, hostile));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 1
                && delivered(RecordedMessage.TELEGRAM, c).size() == 1);

        RecordedMessage slack = delivered(RecordedMessage.SLACK, c).get(0);
        assertThat(slack.text()).doesNotContain("<").contains("&lt;!channel&gt; &lt;!here&gt; &lt;@U0BOSS&gt;");
        assertThat(slack.blocks()).doesNotContain("<!", "<@", "<http://evil")
                .contains("&lt;http://evil.example|open me&gt; &amp; co");
        RecordedMessage telegram = delivered(RecordedMessage.TELEGRAM, c).get(0);
        assertThat(telegram.parseMode()).isNull();
        assertThat(telegram.text()).contains("Reason: " + hostile);
    }

    @Test
    void aTenThousandCharacterReasonIsDeliveredOnBothChannelsCutWithAMarkerInsteadOfFailingForGood() throws Exception {
        Cutover c = Cutover.fresh();
        send(c.event(CutoverEventType.ROLLBACK_STARTED, "probe output: " + "x".repeat(10_000)));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 1
                && delivered(RecordedMessage.TELEGRAM, c).size() == 1);
        RecordedMessage telegram = delivered(RecordedMessage.TELEGRAM, c).get(0);
        assertThat(telegram.text().length()).isLessThanOrEqualTo(4096);
        assertThat(telegram.text()).contains("probe output: xxx", Truncation.MARKER, "Rollback owner: alice");
        RecordedMessage slack = delivered(RecordedMessage.SLACK, c).get(0);
        assertThat(slack.text()).contains(Truncation.MARKER);
        assertThat(slack.blocks()).contains(Truncation.MARKER);
        // the fakes refuse what the real APIs refuse (Telegram over 4096, Slack invalid_blocks): nothing was refused
        assertThat(received(RecordedMessage.TELEGRAM, c)).hasSize(1);
        assertThat(received(RecordedMessage.SLACK, c)).hasSize(1);
        assertThat(rows(c)).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(NotificationStatus.POSTED));
    }

    @Test
    void aTelegramPostAcceptedButAnsweredTooLateIsRetriedBlindOnlyOnceThenFailedSayingSo() throws Exception {
        Cutover c = Cutover.fresh();
        double blindBefore = metric("notifier_blind_retries_total{channel=\"telegram\"}");
        double failedBefore = metric("notifier_deliveries_total{channel=\"telegram\",outcome=\"failed\"}");
        // both posts land in the chat, neither is answered within the 3 s timeout
        fakes().stallNext(RecordedMessage.TELEGRAM, ChatFakes.Stall.AFTER_POST, 2);
        send(c.event(CutoverEventType.ROLLBACK_STARTED, "CRASH_LOOP: 3 crashes in 41 s"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(rows(c))
                .filteredOn(r -> r.channel() == ChatChannel.TELEGRAM).singleElement().satisfies(r -> {
                    assertThat(r.status()).isEqualTo(NotificationStatus.FAILED);
                    assertThat(r.attempts()).isEqualTo(2);
                    assertThat(r.lastError()).contains("may have been delivered", "max-blind-retries is 1")
                            .doesNotContain(ChatFakesResource.TELEGRAM_TOKEN);
                }));
        // the first post and exactly one blind retry; no third one in two more retrier passes
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> received(RecordedMessage.TELEGRAM, c).size() == 2);
        assertThat(Duration.between(received(RecordedMessage.TELEGRAM, c).get(0).receivedAt(),
                received(RecordedMessage.TELEGRAM, c).get(1).receivedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        // Slack looks before it retries and is not affected
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, c).size() == 1);
        // counted at /q/metrics: the blind retry, and the row given up
        assertThat(metric("notifier_blind_retries_total{channel=\"telegram\"}") - blindBefore).isGreaterThanOrEqualTo(1);
        assertThat(metric("notifier_deliveries_total{channel=\"telegram\",outcome=\"failed\"}") - failedBefore)
                .isGreaterThanOrEqualTo(1);
    }

    /** The value of one Prometheus series at {@code /q/metrics} (registered at start-up, so always present). */
    static double metric(String series) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        // "<series> <value>", maybe followed by an exemplar "# {span_id=...,trace_id=...} <value> <time>"
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length() + 1).trim().split(" ")[0])).findFirst()
                .orElseThrow(() -> new AssertionError(series + " not exported"));
    }

    @Test
    void aCutoverInARegionWithItsOwnSlackChannelIsThreadedThereWhileOtherRegionsAndTelegramKeepTheDefault()
            throws Exception {
        Cutover jp = Cutover.fresh();
        Cutover hk = Cutover.fresh();
        send(jp.event(CutoverEventType.CUTOVER_STARTED, null, Region.JP));
        send(jp.event(CutoverEventType.ROLLBACK_STARTED, "manual rollback by alice", Region.JP));
        send(hk.event(CutoverEventType.CUTOVER_STARTED, null));
        await().atMost(TIMEOUT).until(() -> delivered(RecordedMessage.SLACK, jp).size() == 2
                && delivered(RecordedMessage.TELEGRAM, jp).size() == 2 && delivered(RecordedMessage.SLACK, hk).size() == 1);
        List<RecordedMessage> slack = delivered(RecordedMessage.SLACK, jp);
        assertThat(slack).extracting(RecordedMessage::channelOrChat)
                .containsOnly(ChatFakesResource.SLACK_JP_CHANNEL);
        assertThat(slack.get(1).threadTs()).isEqualTo(slack.get(0).ts());
        assertThat(delivered(RecordedMessage.SLACK, hk)).extracting(RecordedMessage::channelOrChat)
                .containsOnly(ChatFakesResource.SLACK_CHANNEL);
        assertThat(delivered(RecordedMessage.TELEGRAM, jp)).extracting(RecordedMessage::channelOrChat)
                .containsOnly(ChatFakesResource.TELEGRAM_CHAT);
    }
}
