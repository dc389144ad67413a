package com.maclogin.cutover.chatfakes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A local Slack Web API and Telegram Bot API that record what they receive. Start with
 * {@link #start(int, int)} (0 = an ephemeral port); point the Slack SDK at {@link #slackBaseUrl()} + {@code /api/}
 * and the Telegram client at {@link #telegramBaseUrl()} + {@code /bot}.
 *
 * <p>Both servers also answer the recording API: {@code GET /_recorded}, {@code DELETE /_recorded},
 * {@code POST /_faults?status=429&count=N[&service=slack|telegram][&retryAfter=1]} (the service defaults to the
 * server the request reached), {@code POST /_channels/missing?channel=X} and {@code DELETE /_channels/missing?channel=X}
 * (Slack {@code channel_not_found} / Telegram {@code chat not found} for X),
 * {@code POST /_faults?stall=silent|headers&count=N[&service=...]} (the next N posts hang, see {@link Stall}).
 */
public final class ChatFakes implements AutoCloseable {

    /** How a stalled post hangs. It is held until {@link #close()} or {@link #STALL_HOLD} has passed. */
    public enum Stall {
        /** The connection is accepted and the request read, but nothing is ever answered. */
        SILENT,
        /** Status 200 and headers are sent, then a few body bytes, then nothing more. */
        HEADERS,
        /**
         * The message IS posted (recorded with {@code ok=true} and HTTP status 0; on Slack visible in
         * conversations.history, on Telegram a message a reply may point at), then the answer never comes: the client
         * cannot know it was delivered, as when the answer is too late or the poster dies mid-call.
         */
        AFTER_POST
    }

    /** The longest a stalled post is held open. */
    public static final java.time.Duration STALL_HOLD = java.time.Duration.ofSeconds(60);

    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private static final Pattern SLACK_TOKEN = Pattern.compile("xox[bp]-[A-Za-z0-9-]+");
    private static final Pattern TELEGRAM_TOKEN = Pattern.compile("\\d+:[A-Za-z0-9_-]+");

    private final List<RecordedMessage> recorded = new CopyOnWriteArrayList<>();
    private final Map<String, FaultPlan> faults = Map.of(
            RecordedMessage.SLACK, new FaultPlan(), RecordedMessage.TELEGRAM, new FaultPlan());
    private final Set<String> missingChannels = ConcurrentHashMap.newKeySet();
    private final Set<String> knownSlackChannels = ConcurrentHashMap.newKeySet();
    private volatile String slackToken;
    private volatile String telegramToken;
    private final ExecutorService executor;
    private final HttpServer slack;
    private final HttpServer telegram;

    private ChatFakes(InetAddress bind, int slackPort, int telegramPort) throws IOException {
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "chat-fakes");
            t.setDaemon(true);
            return t;
        });
        slack = HttpServer.create(new InetSocketAddress(bind, slackPort), 64);
        telegram = HttpServer.create(new InetSocketAddress(bind, telegramPort), 64);
        slack.createContext("/api/", new SlackApiHandler(this));
        telegram.createContext("/bot", new TelegramApiHandler(this));
        for (HttpServer server : List.of(slack, telegram)) {
            String service = server == slack ? RecordedMessage.SLACK : RecordedMessage.TELEGRAM;
            server.createContext("/_recorded", this::recordedEndpoint);
            server.createContext("/_faults", exchange -> faultsEndpoint(exchange, service));
            server.createContext("/_channels/missing", this::channelsEndpoint);
            server.setExecutor(executor);
        }
        slack.start();
        telegram.start();
    }

    /** Starts both fakes on the loopback interface; 0 picks a free port. */
    public static ChatFakes start(int slackPort, int telegramPort) {
        return start(InetAddress.getLoopbackAddress(), slackPort, telegramPort);
    }

    /** Starts both fakes on the given address; 0 picks a free port. */
    public static ChatFakes start(InetAddress bind, int slackPort, int telegramPort) {
        try {
            return new ChatFakes(bind, slackPort, telegramPort);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start chat fakes", e);
        }
    }

    /** {@code http://host:port} of the Slack fake; the Web API methods live under {@code /api/}. */
    public String slackBaseUrl() {
        return baseUrl(slack);
    }

    /** {@code http://host:port} of the Telegram fake; methods live under {@code /bot<token>/}. */
    public String telegramBaseUrl() {
        return baseUrl(telegram);
    }

    public int slackPort() {
        return slack.getAddress().getPort();
    }

    public int telegramPort() {
        return telegram.getAddress().getPort();
    }

    /** Everything received on the post endpoints so far, oldest first (accepted and refused). */
    public List<RecordedMessage> recorded() {
        return List.copyOf(recorded);
    }

    /** The accepted posts of one service ({@code slack} or {@code telegram}), oldest first. */
    public List<RecordedMessage> delivered(String service) {
        List<RecordedMessage> out = new ArrayList<>();
        for (RecordedMessage m : recorded) {
            if (m.ok() && m.service().equals(service)) {
                out.add(m);
            }
        }
        return out;
    }

    /** Forgets what was recorded, disarms faults and restores missing channels. */
    public void reset() {
        recorded.clear();
        faults.values().forEach(FaultPlan::clear);
        missingChannels.clear();
    }

    /** The next {@code count} calls to {@code service} answer {@code status} (429 adds Retry-After: 1). */
    public void failNext(String service, int status, int count) {
        fault(service).arm(status, count, 1);
    }

    /** The next {@code count} posts to {@code service} hang in the given way (recorded with {@code ok=false}). */
    public void stallNext(String service, Stall mode, int count) {
        fault(service).armStall(Objects.requireNonNull(mode), count);
    }

    /** Only this bot token is accepted by the Slack fake (default: any {@code xoxb-}/{@code xoxp-} token). */
    public ChatFakes requireSlackToken(String token) {
        this.slackToken = token;
        return this;
    }

    /** Only this bot token is accepted by the Telegram fake (default: any {@code <digits>:<secret>} token). */
    public ChatFakes requireTelegramToken(String token) {
        this.telegramToken = token;
        return this;
    }

    /** Restricts the Slack fake to these channels (default: every channel exists). */
    public ChatFakes slackChannels(Collection<String> channels) {
        knownSlackChannels.clear();
        knownSlackChannels.addAll(channels);
        return this;
    }

    /** Makes a Slack channel or Telegram chat answer "not found" until {@link #restoreChannel(String)}. */
    public void removeChannel(String channelOrChat) {
        missingChannels.add(channelOrChat);
    }

    public void restoreChannel(String channelOrChat) {
        missingChannels.remove(channelOrChat);
    }

    @Override
    public void close() {
        closing.countDown();
        slack.stop(0);
        telegram.stop(0);
        executor.shutdownNow();
    }

    // ---- used by the handlers

    void record(RecordedMessage message) {
        recorded.add(message);
    }

    FaultPlan fault(String service) {
        return Objects.requireNonNull(faults.get(service), () -> "unknown service " + service);
    }

    /** Holds a stalled exchange open (after sending headers for {@link Stall#HEADERS}) until close or the hold ends. */
    void stall(HttpExchange exchange, Stall mode) {
        try {
            if (mode == Stall.HEADERS) {
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("{\"ok\"".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
            }
            closing.await(STALL_HOLD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up first: what a stall is for
        }
    }

    boolean slackTokenAccepted(String token) {
        String required = slackToken;
        return required == null ? SLACK_TOKEN.matcher(token).matches() : required.equals(token);
    }

    boolean telegramTokenAccepted(String token) {
        String required = telegramToken;
        return required == null ? TELEGRAM_TOKEN.matcher(token).matches() : required.equals(token);
    }

    boolean slackChannelExists(String channel) {
        return !missingChannels.contains(channel)
                && (knownSlackChannels.isEmpty() || knownSlackChannels.contains(channel));
    }

    boolean telegramChatExists(String chat) {
        return !missingChannels.contains(chat);
    }

    // ---- recording API

    private void recordedEndpoint(HttpExchange exchange) throws IOException {
        try (exchange) {
            switch (exchange.getRequestMethod()) {
                case "GET" -> HttpExchanges.json(exchange, 200, recorded());
                case "DELETE" -> {
                    reset();
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> HttpExchanges.json(exchange, 405, Map.of("error", "method not allowed"));
            }
        }
    }

    private void faultsEndpoint(HttpExchange exchange, String defaultService) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                HttpExchanges.json(exchange, 405, Map.of("error", "method not allowed"));
                return;
            }
            Map<String, String> q = HttpExchanges.query(exchange);
            try {
                String service = q.getOrDefault("service", defaultService);
                if (q.containsKey("stall")) {
                    Stall mode = Stall.valueOf(q.get("stall").toUpperCase(java.util.Locale.ROOT));
                    int count = Integer.parseInt(q.getOrDefault("count", "1"));
                    stallNext(service, mode, count);
                    HttpExchanges.json(exchange, 200, Map.of("service", service, "stall", mode.name(), "count", count));
                    return;
                }
                int status = Integer.parseInt(q.getOrDefault("status", "429"));
                int count = Integer.parseInt(q.getOrDefault("count", "1"));
                int retryAfter = Integer.parseInt(q.getOrDefault("retryAfter", "1"));
                if (status != 429 && (status < 500 || status > 599)) {
                    throw new IllegalArgumentException("status must be 429 or 5xx");
                }
                fault(service).arm(status, count, retryAfter);
                HttpExchanges.json(exchange, 200,
                        Map.of("service", service, "status", status, "count", count, "retryAfter", retryAfter));
            } catch (RuntimeException e) {
                HttpExchanges.json(exchange, 400, Map.of("error", String.valueOf(e.getMessage())));
            }
        }
    }

    private void channelsEndpoint(HttpExchange exchange) throws IOException {
        try (exchange) {
            String channel = HttpExchanges.query(exchange).get("channel");
            if (channel == null || channel.isBlank()) {
                HttpExchanges.json(exchange, 400, Map.of("error", "channel is required"));
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "POST" -> removeChannel(channel);
                case "DELETE" -> restoreChannel(channel);
                default -> {
                    HttpExchanges.json(exchange, 405, Map.of("error", "method not allowed"));
                    return;
                }
            }
            HttpExchanges.json(exchange, 200, Map.of("missing", List.copyOf(missingChannels)));
        }
    }

    private static String baseUrl(HttpServer server) {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + a.getPort();
    }
}
