package com.maclogin.cutover.chatfakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.maclogin.cutover.contracts.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Telegram Bot API {@code POST /bot<token>/sendMessage} (and {@code getMe}), JSON or form body, as
 * {@code java-telegram-bot-api} sends it. Errors carry {@code error_code} and {@code description} with the matching
 * HTTP status; rate limiting adds {@code parameters.retry_after}.
 */
final class TelegramApiHandler implements HttpHandler {

    /** The Bot API's limit of a message text. */
    static final int MAX_TEXT = 4096;

    private final ChatFakes fakes;
    private final AtomicLong messageIds = new AtomicLong();
    /** Sent messages by chat, then message id: what a reply may point at. */
    private final Map<String, Map<Long, ObjectNode>> messages = new ConcurrentHashMap<>();

    TelegramApiHandler(ChatFakes fakes) {
        this.fakes = fakes;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            int slash = path.indexOf('/', 1);
            if (!path.startsWith("/bot") || slash < 0) {
                error(exchange, 404, "Not Found");
                return;
            }
            String token = path.substring(4, slash);
            String method = path.substring(slash + 1).toLowerCase(Locale.ROOT);
            if (!fakes.telegramTokenAccepted(token)) {
                error(exchange, 401, "Unauthorized");
                return;
            }
            switch (method) {
                case "getme" -> getMe(exchange);
                case "sendmessage" -> sendMessage(exchange);
                case "deletemessage" -> deleteMessage(exchange);
                default -> error(exchange, 404, "Not Found: method not found");
            }
        } catch (RuntimeException e) {
            error(exchange, 400, "Bad Request: " + e.getClass().getSimpleName());
        }
    }

    private void getMe(HttpExchange exchange) throws IOException {
        ObjectNode body = HttpExchanges.object();
        body.put("ok", true);
        body.set("result", bot());
        HttpExchanges.json(exchange, 200, body);
    }

    private void sendMessage(HttpExchange exchange) throws IOException {
        Map<String, String> params = HttpExchanges.params(exchange);
        String chat = params.get("chat_id");
        String text = params.get("text");
        Long replyTo = null;
        boolean allowWithoutReply = Boolean.parseBoolean(params.get("allow_sending_without_reply"));
        if (params.get("reply_parameters") != null) {
            JsonNode rp = Json.MAPPER.readTree(params.get("reply_parameters"));
            if (rp.hasNonNull("message_id")) {
                replyTo = rp.get("message_id").asLong();
            }
            allowWithoutReply |= rp.path("allow_sending_without_reply").asBoolean(false);
        } else if (params.get("reply_to_message_id") != null && !params.get("reply_to_message_id").isBlank()) {
            replyTo = Long.parseLong(params.get("reply_to_message_id").trim());
        }
        Instant now = Instant.now();
        RecordedMessage.Sent sent = new RecordedMessage.Sent(null, null,
                params.get("allow_sending_without_reply") != null || params.get("reply_parameters") != null
                        ? allowWithoutReply : null,
                params.get("parse_mode") == null || params.get("parse_mode").isBlank() ? null : params.get("parse_mode"));

        ChatFakes.Stall stall = fakes.fault(RecordedMessage.TELEGRAM).takeStall();
        if (stall == ChatFakes.Stall.AFTER_POST && chat != null && !chat.isBlank() && text != null && !text.isBlank()) {
            // posted, then never answered: the client cannot tell that the message exists
            long messageId = messageIds.incrementAndGet();
            ObjectNode stored = HttpExchanges.object();
            stored.put("message_id", messageId);
            stored.put("date", now.getEpochSecond());
            stored.put("text", text);
            messages.computeIfAbsent(chat, c -> new ConcurrentHashMap<>()).put(messageId, stored);
            fakes.record(new RecordedMessage(RecordedMessage.TELEGRAM, chat, text, null, replyTo, null, messageId,
                    true, 0, null, now).with(sent));
            fakes.stall(exchange, ChatFakes.Stall.SILENT);
            return;
        }
        if (stall != null) {
            fakes.record(new RecordedMessage(RecordedMessage.TELEGRAM, chat, text, null, replyTo, null, null,
                    false, stall == ChatFakes.Stall.HEADERS ? 200 : 0, "stalled: " + stall, now).with(sent));
            fakes.stall(exchange, stall);
            return;
        }
        int fault = fakes.fault(RecordedMessage.TELEGRAM).take();
        if (fault != 0) {
            fakes.record(new RecordedMessage(RecordedMessage.TELEGRAM, chat, text, null, replyTo, null, null,
                    false, fault, fault == 429 ? "Too Many Requests" : "Internal Server Error", now).with(sent));
            if (fault == 429) {
                int retryAfter = fakes.fault(RecordedMessage.TELEGRAM).retryAfterSeconds();
                ObjectNode body = errorBody(429, "Too Many Requests: retry after " + retryAfter);
                body.putObject("parameters").put("retry_after", retryAfter);
                HttpExchanges.json(exchange, 429, body);
            } else {
                error(exchange, fault, "Internal Server Error");
            }
            return;
        }

        String refusal = null;
        if (chat == null || chat.isBlank()) {
            refusal = "Bad Request: chat_id is empty";
        } else if (!fakes.telegramChatExists(chat)) {
            refusal = "Bad Request: chat not found";
        } else if (text == null || text.isBlank()) {
            refusal = "Bad Request: message text is empty";
        } else if (text.length() > MAX_TEXT) {
            refusal = "Bad Request: message is too long";
        }
        Map<Long, ObjectNode> chatMessages = chat == null ? Map.of()
                : messages.computeIfAbsent(chat, c -> new ConcurrentHashMap<>());
        ObjectNode parent = replyTo == null ? null : chatMessages.get(replyTo);
        if (refusal == null && replyTo != null && parent == null && !allowWithoutReply) {
            refusal = "Bad Request: message to be replied not found";
        }
        if (refusal != null) {
            fakes.record(new RecordedMessage(RecordedMessage.TELEGRAM, chat, text, null, replyTo, null, null,
                    false, 400, refusal, now).with(sent));
            error(exchange, 400, refusal);
            return;
        }

        long messageId = messageIds.incrementAndGet();
        ObjectNode message = HttpExchanges.object();
        message.put("message_id", messageId);
        message.set("from", bot());
        message.set("chat", chat(chat));
        message.put("date", now.getEpochSecond());
        message.put("text", text);
        if (parent != null) {
            message.set("reply_to_message", parent);
        }
        ObjectNode stored = message.deepCopy();
        stored.remove("reply_to_message");
        chatMessages.put(messageId, stored);
        fakes.record(new RecordedMessage(RecordedMessage.TELEGRAM, chat, text, null, replyTo, null, messageId,
                true, 200, null, now).with(sent));

        ObjectNode body = HttpExchanges.object();
        body.put("ok", true);
        body.set("result", message);
        HttpExchanges.json(exchange, 200, body);
    }

    /** {@code deleteMessage}: the message is gone; a reply to it then needs {@code allow_sending_without_reply}. */
    private void deleteMessage(HttpExchange exchange) throws IOException {
        Map<String, String> params = HttpExchanges.params(exchange);
        String chat = params.get("chat_id");
        String id = params.get("message_id");
        Map<Long, ObjectNode> chatMessages = chat == null ? null : messages.get(chat);
        if (chatMessages == null || id == null || chatMessages.remove(Long.parseLong(id.trim())) == null) {
            error(exchange, 400, "Bad Request: message to delete not found");
            return;
        }
        ObjectNode body = HttpExchanges.object();
        body.put("ok", true);
        body.put("result", true);
        HttpExchanges.json(exchange, 200, body);
    }

    private static ObjectNode chat(String chatId) {
        ObjectNode chat = HttpExchanges.object();
        String trimmed = chatId.trim();
        try {
            chat.put("id", Long.parseLong(trimmed));
            chat.put("title", "cutover chat " + trimmed);
        } catch (NumberFormatException e) {
            chat.put("id", -1_000_000_000_000L - (trimmed.hashCode() & 0x7fffffff));
            chat.put("username", trimmed.startsWith("@") ? trimmed.substring(1) : trimmed);
        }
        chat.put("type", "supergroup");
        return chat;
    }

    private static ObjectNode bot() {
        ObjectNode bot = HttpExchanges.object();
        bot.put("id", 7_000_000_001L);
        bot.put("is_bot", true);
        bot.put("first_name", "cutover-notifier");
        bot.put("username", "cutover_notifier_bot");
        return bot;
    }

    private static ObjectNode errorBody(int code, String description) {
        ObjectNode body = HttpExchanges.object();
        body.put("ok", false);
        body.put("error_code", code);
        body.put("description", description);
        return body;
    }

    private static void error(HttpExchange exchange, int code, String description) throws IOException {
        HttpExchanges.json(exchange, code, errorBody(code, description));
    }
}
