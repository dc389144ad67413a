package com.maclogin.cutover.chatfakes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slack Web API {@code chat.postMessage}, as the Slack SDK calls it: form-encoded or JSON body, bot token in
 * {@code Authorization: Bearer} (or the {@code token} parameter). Errors are HTTP 200 with {@code ok:false}, except
 * rate limiting (HTTP 429 + {@code Retry-After}) and server faults.
 */
final class SlackApiHandler implements HttpHandler {

    static final String POST_MESSAGE = "/api/chat.postMessage";
    static final String HISTORY = "/api/conversations.history";
    static final String REPLIES = "/api/conversations.replies";
    /** Slack's limit of a message's {@code text}. */
    static final int MAX_TEXT = 40_000;

    private final ChatFakes fakes;
    private final long epochSeconds = Instant.now().getEpochSecond();
    private final AtomicLong sequence = new AtomicLong();

    SlackApiHandler(ChatFakes fakes) {
        this.fakes = fakes;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.startsWith("/api/")) {
                HttpExchanges.json(exchange, 404, Map.of("ok", false, "error", "not_found"));
                return;
            }
            if (HISTORY.equals(path) || REPLIES.equals(path)) {
                Map<String, String> params = HttpExchanges.params(exchange);
                String error = authError(exchange, params);
                if (error != null) {
                    HttpExchanges.json(exchange, 200, Map.of("ok", false, "error", error));
                    return;
                }
                conversation(exchange, params.get("channel"), HISTORY.equals(path) ? null : params.get("ts"));
                return;
            }
            if (!POST_MESSAGE.equals(path)) {
                HttpExchanges.json(exchange, 200, Map.of("ok", false, "error", "unknown_method"));
                return;
            }
            Map<String, String> params = HttpExchanges.params(exchange);
            String channel = params.get("channel");
            String text = params.get("text");
            String threadTs = blankToNull(params.get("thread_ts"));
            Instant now = Instant.now();
            RecordedMessage.Sent sent = new RecordedMessage.Sent(blankToNull(params.get("blocks")),
                    flag(params.get("reply_broadcast")),
                    null, null);

            ChatFakes.Stall stall = fakes.fault(RecordedMessage.SLACK).takeStall();
            if (stall == ChatFakes.Stall.AFTER_POST && authError(exchange, params) == null && channel != null
                    && text != null) {
                String ts = nextTs();
                fakes.record(new RecordedMessage(RecordedMessage.SLACK, channel, text, threadTs, null, ts, null,
                        true, 0, null, now).with(sent));
                fakes.stall(exchange, ChatFakes.Stall.SILENT);
                return;
            }
            if (stall != null) {
                fakes.record(new RecordedMessage(RecordedMessage.SLACK, channel, text, threadTs, null, null, null,
                        false, stall == ChatFakes.Stall.HEADERS ? 200 : 0, "stalled: " + stall, now).with(sent));
                fakes.stall(exchange, stall);
                return;
            }
            int fault = fakes.fault(RecordedMessage.SLACK).take();
            if (fault != 0) {
                fakes.record(new RecordedMessage(RecordedMessage.SLACK, channel, text, threadTs, null, null, null,
                        false, fault, fault == 429 ? "ratelimited" : "fatal_error", now).with(sent));
                if (fault == 429) {
                    int retryAfter = fakes.fault(RecordedMessage.SLACK).retryAfterSeconds();
                    HttpExchanges.json(exchange, 429, Map.of("ok", false, "error", "ratelimited"),
                            Map.of("Retry-After", String.valueOf(retryAfter)));
                } else {
                    HttpExchanges.json(exchange, fault, Map.of("ok", false, "error", "fatal_error"));
                }
                return;
            }

            String error = authError(exchange, params);
            if (error == null) {
                if (channel == null || channel.isBlank() || !fakes.slackChannelExists(channel)) {
                    error = "channel_not_found";
                } else if ((text == null || text.isBlank()) && params.get("blocks") == null
                        && params.get("attachments") == null) {
                    error = "no_text";
                } else if (text != null && text.length() > MAX_TEXT) {
                    error = "msg_too_long";
                } else if (sent.blocks() != null && !validBlocks(sent.blocks())) {
                    error = "invalid_blocks";
                }
            }
            if (error != null) {
                fakes.record(new RecordedMessage(RecordedMessage.SLACK, channel, text, threadTs, null, null, null,
                        false, 200, error, now).with(sent));
                HttpExchanges.json(exchange, 200, Map.of("ok", false, "error", error));
                return;
            }

            String ts = nextTs();
            String channelId = channelId(channel);
            fakes.record(new RecordedMessage(RecordedMessage.SLACK, channel, text, threadTs, null, ts, null,
                    true, 200, null, now).with(sent));

            ObjectNode message = HttpExchanges.object();
            message.put("type", "message");
            message.put("subtype", "bot_message");
            message.put("text", text == null ? "" : text);
            message.put("user", "U0CUTOVERBOT");
            message.put("bot_id", "B0CUTOVERBOT");
            message.put("ts", ts);
            if (threadTs != null) {
                message.put("thread_ts", threadTs);
                message.put("parent_user_id", "U0CUTOVERBOT");
            }
            ObjectNode body = HttpExchanges.object();
            body.put("ok", true);
            body.put("channel", channelId);
            body.put("ts", ts);
            body.set("message", message);
            HttpExchanges.json(exchange, 200, body);
        } catch (RuntimeException e) {
            HttpExchanges.json(exchange, 200, Map.of("ok", false, "error", "invalid_arguments"));
        }
    }

    /**
     * {@code conversations.history} (top-level messages of a channel, newest first) or, with {@code thread},
     * {@code conversations.replies} (the parent and its replies, oldest first), from what was delivered.
     */
    private void conversation(HttpExchange exchange, String channel, String thread) throws IOException {
        com.fasterxml.jackson.databind.node.ArrayNode messages = HttpExchanges.object().arrayNode();
        java.util.List<RecordedMessage> delivered = new java.util.ArrayList<>();
        for (RecordedMessage m : fakes.recorded()) {
            if (RecordedMessage.SLACK.equals(m.service()) && m.ok() && m.ts() != null && channel != null
                    && channel.equals(m.channelOrChat())
                    && (thread == null ? m.threadTs() == null : thread.equals(m.ts()) || thread.equals(m.threadTs()))) {
                delivered.add(m);
            }
        }
        if (thread == null) {
            java.util.Collections.reverse(delivered);
        }
        for (RecordedMessage m : delivered) {
            ObjectNode message = messages.addObject();
            message.put("type", "message");
            message.put("user", "U0CUTOVERBOT");
            message.put("bot_id", "B0CUTOVERBOT");
            message.put("text", m.text() == null ? "" : m.text());
            message.put("ts", m.ts());
            if (m.threadTs() != null) {
                message.put("thread_ts", m.threadTs());
            }
        }
        ObjectNode body = HttpExchanges.object();
        body.put("ok", true);
        body.set("messages", messages);
        body.put("has_more", false);
        HttpExchanges.json(exchange, 200, body);
    }

    /**
     * Slack's Block Kit limits that a long reason would break: a JSON array of at most 50 blocks, a section's text at
     * most 3000 characters, at most 10 fields of at most 2000 each, a context at most 10 elements.
     */
    static boolean validBlocks(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode blocks = com.maclogin.cutover.contracts.Json.MAPPER.readTree(json);
            if (!blocks.isArray() || blocks.size() > 50) {
                return false;
            }
            for (com.fasterxml.jackson.databind.JsonNode b : blocks) {
                String type = b.path("type").asText();
                if ("section".equals(type)) {
                    if (b.has("text") && b.path("text").path("text").asText().length() > 3000) {
                        return false;
                    }
                    com.fasterxml.jackson.databind.JsonNode fields = b.path("fields");
                    if (fields.size() > 10) {
                        return false;
                    }
                    for (com.fasterxml.jackson.databind.JsonNode f : fields) {
                        if (f.path("text").asText().length() > 2000) {
                            return false;
                        }
                    }
                    if (!b.has("text") && fields.isEmpty()) {
                        return false;
                    }
                } else if ("context".equals(type)) {
                    if (b.path("elements").size() == 0 || b.path("elements").size() > 10) {
                        return false;
                    }
                } else if (type.isEmpty()) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The next message ts: Slack's "seconds.micros" shape, unique and increasing. */
    private String nextTs() {
        return epochSeconds + "." + String.format(Locale.ROOT, "%06d", sequence.incrementAndGet() * 100);
    }

    private String authError(HttpExchange exchange, Map<String, String> params) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        } else if (params.get("token") != null) {
            token = params.get("token").trim();
        }
        if (token == null || token.isEmpty()) {
            return "not_authed";
        }
        return fakes.slackTokenAccepted(token) ? null : "invalid_auth";
    }

    /** Slack answers with the channel id; a {@code #name} gets a stable made-up id. */
    private static String channelId(String channel) {
        if (channel.startsWith("#")) {
            return "C" + Integer.toHexString(channel.hashCode() & 0x7fffffff).toUpperCase(Locale.ROOT);
        }
        return channel;
    }

    /** A Slack boolean parameter: the SDK sends {@code 1}/{@code 0}, JSON bodies {@code true}/{@code false}. */
    static Boolean flag(String s) {
        return s == null ? null : "1".equals(s.trim()) || "true".equalsIgnoreCase(s.trim());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
