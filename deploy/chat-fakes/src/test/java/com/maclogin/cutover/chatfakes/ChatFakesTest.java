package com.maclogin.cutover.chatfakes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatFakesTest {

    private static final String SLACK_TOKEN = "xoxb-1111-2222-secretslack";
    private static final String TG_TOKEN = "123456:secret-telegram_TOKEN";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ChatFakes fakes;

    @BeforeAll
    static void start() {
        fakes = ChatFakes.start(0, 0).requireSlackToken(SLACK_TOKEN).requireTelegramToken(TG_TOKEN);
    }

    @AfterAll
    static void stop() {
        fakes.close();
    }

    @BeforeEach
    void clear() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(fakes.slackBaseUrl() + "/_recorded")).DELETE());
        assertThat(r.statusCode()).isEqualTo(204);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> slackForm(String token, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fakes.slackBaseUrl() + "/api/chat.postMessage"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    private static HttpResponse<String> slackJson(String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(fakes.slackBaseUrl() + "/api/chat.postMessage"))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", "Bearer " + SLACK_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpResponse<String> telegram(String token, String contentType, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(fakes.telegramBaseUrl() + "/bot" + token + "/sendMessage"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void slackFormPostAnswersOkWithUniqueTsAndThreadReplyKeepsThreadTs() throws Exception {
        JsonNode first = json(slackForm(SLACK_TOKEN, "channel=C0CUTOVER&text=banner+T-1"));
        assertThat(first.get("ok").asBoolean()).isTrue();
        assertThat(first.get("channel").asText()).isEqualTo("C0CUTOVER");
        String ts = first.get("ts").asText();
        assertThat(ts).matches("\\d{10}\\.\\d{6}");
        assertThat(first.at("/message/text").asText()).isEqualTo("banner T-1");

        JsonNode reply = json(slackJson("{\"channel\":\"C0CUTOVER\",\"text\":\"green\",\"thread_ts\":\"" + ts + "\"}"));
        assertThat(reply.get("ok").asBoolean()).isTrue();
        assertThat(reply.get("ts").asText()).isNotEqualTo(ts);
        assertThat(reply.at("/message/thread_ts").asText()).isEqualTo(ts);

        List<RecordedMessage> slack = fakes.delivered(RecordedMessage.SLACK);
        assertThat(slack).extracting(RecordedMessage::text).containsExactly("banner T-1", "green");
        assertThat(slack.get(1).threadTs()).isEqualTo(ts);
        assertThat(slack.get(0).threadTs()).isNull();
    }

    @Test
    void slackRefusesMissingOrWrongTokenWithHttp200AndOkFalse() throws Exception {
        HttpResponse<String> none = slackForm(null, "channel=C1&text=x");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json(none).get("error").asText()).isEqualTo("not_authed");
        HttpResponse<String> wrong = slackForm("xoxb-wrong", "channel=C1&text=x");
        assertThat(json(wrong).get("ok").asBoolean()).isFalse();
        assertThat(json(wrong).get("error").asText()).isEqualTo("invalid_auth");
        assertThat(fakes.delivered(RecordedMessage.SLACK)).isEmpty();
    }

    @Test
    void slackUnknownChannelIsChannelNotFound() throws Exception {
        fakes.removeChannel("C0GONE");
        try {
            JsonNode r = json(slackForm(SLACK_TOKEN, "channel=C0GONE&text=x"));
            assertThat(r.get("ok").asBoolean()).isFalse();
            assertThat(r.get("error").asText()).isEqualTo("channel_not_found");
        } finally {
            fakes.restoreChannel("C0GONE");
        }
    }

    @Test
    void slackFaultModeAnswers429WithRetryAfterThenRecovers() throws Exception {
        HttpResponse<String> armed = send(HttpRequest.newBuilder(
                URI.create(fakes.slackBaseUrl() + "/_faults?status=429&count=2")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(armed.statusCode()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> limited = slackForm(SLACK_TOKEN, "channel=C1&text=x");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).contains("1");
        }
        assertThat(slackForm(SLACK_TOKEN, "channel=C1&text=x").statusCode()).isEqualTo(200);
        assertThat(fakes.recorded()).extracting(RecordedMessage::httpStatus).containsExactly(429, 429, 200);
        assertThat(fakes.delivered(RecordedMessage.SLACK)).hasSize(1);
    }

    @Test
    void telegramJsonAndFormSendMessageWithReplyParametersAndReplyToMessageId() throws Exception {
        JsonNode first = json(telegram(TG_TOKEN, "application/json", "{\"chat_id\":-100123,\"text\":\"banner\"}"));
        assertThat(first.get("ok").asBoolean()).isTrue();
        long parentId = first.at("/result/message_id").asLong();
        assertThat(first.at("/result/chat/id").asLong()).isEqualTo(-100123L);
        assertThat(first.at("/result/text").asText()).isEqualTo("banner");
        assertThat(first.at("/result/reply_to_message").isMissingNode()).isTrue();

        JsonNode viaParams = json(telegram(TG_TOKEN, "application/x-www-form-urlencoded",
                "chat_id=-100123&text=green&reply_parameters=%7B%22message_id%22%3A" + parentId + "%7D"));
        assertThat(viaParams.at("/result/reply_to_message/message_id").asLong()).isEqualTo(parentId);
        JsonNode viaId = json(telegram(TG_TOKEN, "application/x-www-form-urlencoded",
                "chat_id=-100123&text=again&reply_to_message_id=" + parentId));
        assertThat(viaId.at("/result/reply_to_message/message_id").asLong()).isEqualTo(parentId);
        assertThat(viaId.at("/result/message_id").asLong()).isNotEqualTo(viaParams.at("/result/message_id").asLong());

        assertThat(fakes.delivered(RecordedMessage.TELEGRAM)).extracting(RecordedMessage::replyTo)
                .containsExactly(null, parentId, parentId);
    }

    @Test
    void telegramReplyToUnknownMessageIsBadRequest() throws Exception {
        HttpResponse<String> r = telegram(TG_TOKEN, "application/json",
                "{\"chat_id\":\"-1\",\"text\":\"x\",\"reply_parameters\":{\"message_id\":99999}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("description").asText()).contains("message to be replied not found");
    }

    @Test
    void telegramBadTokenIs401Unauthorized() throws Exception {
        HttpResponse<String> r = telegram("123456:nope", "application/json", "{\"chat_id\":1,\"text\":\"x\"}");
        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode body = json(r);
        assertThat(body.get("ok").asBoolean()).isFalse();
        assertThat(body.get("error_code").asInt()).isEqualTo(401);
        assertThat(body.get("description").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void telegramFaultModeAnswers429WithRetryAfterParameter() throws Exception {
        send(HttpRequest.newBuilder(URI.create(fakes.telegramBaseUrl() + "/_faults?status=429&count=1"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> limited = telegram(TG_TOKEN, "application/json", "{\"chat_id\":1,\"text\":\"x\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(json(limited).get("error_code").asInt()).isEqualTo(429);
        assertThat(json(limited).at("/parameters/retry_after").asInt()).isEqualTo(1);
        assertThat(telegram(TG_TOKEN, "application/json", "{\"chat_id\":1,\"text\":\"x\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void stallModesHangThePostSilentlyOrAfterHeadersThenTheNextPostIsAnswered() throws Exception {
        HttpResponse<String> armed = send(HttpRequest.newBuilder(
                URI.create(fakes.slackBaseUrl() + "/_faults?stall=silent&count=1")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(armed.statusCode()).isEqualTo(200);
        fakes.stallNext(RecordedMessage.TELEGRAM, ChatFakes.Stall.HEADERS, 1);

        HttpRequest.Builder slack = HttpRequest.newBuilder(URI.create(fakes.slackBaseUrl() + "/api/chat.postMessage"))
                .timeout(java.time.Duration.ofMillis(700))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Bearer " + SLACK_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("channel=C1&text=hung"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> send(slack))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);

        java.net.HttpURLConnection tg = (java.net.HttpURLConnection) URI.create(
                fakes.telegramBaseUrl() + "/bot" + TG_TOKEN + "/sendMessage?chat_id=-1&text=hung").toURL().openConnection();
        tg.setReadTimeout(700);
        assertThat(tg.getResponseCode()).isEqualTo(200); // the headers came
        try (java.io.InputStream body = tg.getInputStream()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(body::readAllBytes)
                    .isInstanceOf(java.net.SocketTimeoutException.class); // the body never ends
        }

        assertThat(fakes.recorded()).extracting(RecordedMessage::error)
                .containsExactlyInAnyOrder("stalled: SILENT", "stalled: HEADERS");
        assertThat(slackForm(SLACK_TOKEN, "channel=C1&text=after").statusCode()).isEqualTo(200);
        assertThat(fakes.delivered(RecordedMessage.SLACK)).extracting(RecordedMessage::text).containsExactly("after");
    }

    @Test
    void recordingApiListsPostsWithoutTokensAndDeleteClearsThem() throws Exception {
        slackForm(SLACK_TOKEN, "channel=C1&text=hello+slack");
        telegram(TG_TOKEN, "application/json", "{\"chat_id\":42,\"text\":\"hello telegram\"}");
        HttpResponse<String> listed = send(HttpRequest.newBuilder(URI.create(fakes.telegramBaseUrl() + "/_recorded")).GET());
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(SLACK_TOKEN).doesNotContain(TG_TOKEN).doesNotContain("secret");
        JsonNode list = Json.MAPPER.readTree(listed.body());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("service").asText()).isEqualTo("slack");
        assertThat(list.get(0).get("channelOrChat").asText()).isEqualTo("C1");
        assertThat(list.get(0).get("ts").asText()).isNotBlank();
        assertThat(list.get(0).get("receivedAt").asText()).isNotBlank();
        assertThat(list.get(1).get("service").asText()).isEqualTo("telegram");
        assertThat(list.get(1).get("channelOrChat").asText()).isEqualTo("42");
        assertThat(list.get(1).get("messageId").asLong()).isPositive();

        send(HttpRequest.newBuilder(URI.create(fakes.telegramBaseUrl() + "/_recorded")).DELETE());
        assertThat(fakes.recorded()).isEmpty();
    }

    @Test
    void slackRecordsBlocksAndReplyBroadcastAndRefusesBlocksOverBlockKitLimits() throws Exception {
        String blocks = "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*hi*\"}}]";
        String form = "channel=C1&text=hi&reply_broadcast=1&blocks="
                + java.net.URLEncoder.encode(blocks, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json(slackForm(SLACK_TOKEN, form)).get("ok").asBoolean()).isTrue();
        String tooLong = "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"" + "x".repeat(3001)
                + "\"}}]";
        JsonNode refused = json(slackForm(SLACK_TOKEN, "channel=C1&text=long&blocks="
                + java.net.URLEncoder.encode(tooLong, java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(refused.get("error").asText()).isEqualTo("invalid_blocks");

        assertThat(fakes.recorded()).extracting(RecordedMessage::ok, RecordedMessage::replyBroadcast)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, true),
                        org.assertj.core.groups.Tuple.tuple(false, null));
        assertThat(fakes.delivered(RecordedMessage.SLACK).get(0).blocks()).isEqualTo(blocks);
    }

    @Test
    void telegramRefusesTextsOver4096AndRecordsParseModeAndAllowSendingWithoutReply() throws Exception {
        HttpResponse<String> tooLong = telegram(TG_TOKEN, "application/json",
                "{\"chat_id\":\"-1\",\"text\":\"" + "y".repeat(4097) + "\"}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(tooLong).get("description").asText()).contains("message is too long");
        HttpResponse<String> orphan = telegram(TG_TOKEN, "application/json", "{\"chat_id\":\"-1\",\"text\":\"x\","
                + "\"parse_mode\":\"HTML\",\"reply_parameters\":{\"message_id\":99999,\"allow_sending_without_reply\":true}}");
        assertThat(orphan.statusCode()).isEqualTo(200);
        RecordedMessage m = fakes.delivered(RecordedMessage.TELEGRAM).get(0);
        assertThat(m.parseMode()).isEqualTo("HTML");
        assertThat(m.allowSendingWithoutReply()).isTrue();
    }

    @Test
    void telegramAfterPostDeliversTheMessageButNeverAnswers() throws Exception {
        fakes.stallNext(RecordedMessage.TELEGRAM, ChatFakes.Stall.AFTER_POST, 1);
        java.net.HttpURLConnection tg = (java.net.HttpURLConnection) URI.create(
                fakes.telegramBaseUrl() + "/bot" + TG_TOKEN + "/sendMessage?chat_id=-1&text=late").toURL().openConnection();
        tg.setReadTimeout(700);
        org.assertj.core.api.Assertions.assertThatThrownBy(tg::getResponseCode)
                .isInstanceOf(java.net.SocketTimeoutException.class);
        assertThat(fakes.delivered(RecordedMessage.TELEGRAM)).extracting(RecordedMessage::text).containsExactly("late");
        long id = fakes.delivered(RecordedMessage.TELEGRAM).get(0).messageId();
        // the message exists: a reply to it is accepted without allow_sending_without_reply
        assertThat(telegram(TG_TOKEN, "application/json",
                "{\"chat_id\":\"-1\",\"text\":\"reply\",\"reply_parameters\":{\"message_id\":" + id + "}}")
                .statusCode()).isEqualTo(200);
    }
}
