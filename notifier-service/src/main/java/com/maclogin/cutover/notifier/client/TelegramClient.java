package com.maclogin.cutover.notifier.client;

import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.config.NotifierConfig;
import com.maclogin.cutover.notifier.format.TelegramFormat;
import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.model.request.ReplyParameters;
import com.pengrad.telegrambot.request.SendMessage;
import com.pengrad.telegrambot.response.SendResponse;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Telegram {@code sendMessage} through pengrad's java-telegram-bot-api. Its URL is {@code apiUrl + token + "/" +
 * method}, so the configured base gets {@code /bot} appended. Thread replies carry {@code reply_parameters} with
 * {@code allow_sending_without_reply}, so a banner someone deleted does not make every later reply fail. Texts are plain
 * (no {@code parse_mode}): nothing in a reason is read as markup, and nothing needs escaping.
 */
@ApplicationScoped
public class TelegramClient implements ChatClient {

    private final SecretMasker masker;
    private final TelegramBot bot;
    private final OkHttpClient http;
    private final Optional<String> target;
    /**
     * Whether the current call's request headers went out: set by the OkHttp event listener on the calling thread
     * (pengrad's {@code execute} is a synchronous {@code Call.execute}), read when the call failed.
     */
    private final ThreadLocal<Boolean> requestSent = ThreadLocal.withInitial(() -> false);

    public TelegramClient(NotifierConfig config, SecretMasker masker) {
        this.masker = masker;
        NotifierConfig.Telegram c = config.telegram();
        Optional<String> token = c.token().filter(t -> !t.isBlank());
        Optional<String> chat = c.chatId().filter(t -> !t.isBlank());
        if (c.enabled() && token.isPresent() && chat.isPresent()) {
            Duration t = c.timeout();
            this.http = new OkHttpClient.Builder()
                    .connectTimeout(t).readTimeout(t).writeTimeout(t).callTimeout(t)
                    .retryOnConnectionFailure(false)
                    .eventListener(new EventListener() {
                        @Override
                        public void requestHeadersEnd(Call call, Request request) {
                            requestSent.set(true);
                        }
                    })
                    .build();
            String base = c.baseUrl().endsWith("/") ? c.baseUrl().substring(0, c.baseUrl().length() - 1) : c.baseUrl();
            this.bot = new TelegramBot.Builder(token.get()).okHttpClient(http).apiUrl(base + "/bot").build();
            this.target = chat;
        } else {
            if (c.enabled()) {
                Log.warnf("Telegram is enabled but %s is not set: no Telegram notifications",
                        token.isEmpty() ? "notifier.telegram.token (NOTIFIER_TELEGRAM_TOKEN)" : "notifier.telegram.chat-id");
            }
            this.http = null;
            this.bot = null;
            this.target = Optional.empty();
        }
    }

    /** The HTTP client the bot uses (null when Telegram is off); for tests of its timeouts. */
    OkHttpClient httpClient() {
        return http;
    }

    @Override
    public ChatChannel channel() {
        return ChatChannel.TELEGRAM;
    }

    @Override
    public Optional<String> target() {
        return target;
    }

    @Override
    public PostOutcome post(String chat, ChatPost post, String parentMessageId) {
        if (bot == null) {
            return new PostOutcome.Rejected("telegram not configured");
        }
        requestSent.set(false);
        try {
            // capped again here: a row stored before the cap existed must not fail for good on "message is too long"
            SendMessage request = new SendMessage(chatId(chat), TelegramFormat.cap(post.text()));
            if (parentMessageId != null) {
                request.replyParameters(new ReplyParameters(Integer.valueOf(parentMessageId))
                        .allowSendingWithoutReply(true));
            }
            SendResponse r = bot.execute(request);
            if (r.isOk() && r.message() != null && r.message().messageId() != null) {
                return new PostOutcome.Posted(String.valueOf(r.message().messageId()));
            }
            String error = masker.mask("telegram error " + r.errorCode() + ": " + r.description());
            if (r.errorCode() == 429) {
                Integer after = r.parameters() == null ? null : r.parameters().retryAfter();
                return new PostOutcome.RetryLater(after == null ? null : Duration.ofSeconds(after), error);
            }
            return r.errorCode() >= 500 || r.errorCode() == 0 ? new PostOutcome.RetryLater(null, error)
                    : new PostOutcome.Rejected(error);
        } catch (RuntimeException e) {
            // pengrad wraps network failures (timeouts, refused connections) in RuntimeException; once the request
            // is out, Telegram may have posted it although no message_id came back
            boolean sent = requestSent.get();
            return new PostOutcome.RetryLater(null, "telegram call failed" + (sent ? " after the request was sent" : "")
                    + ": " + masker.describe(e), sent);
        } finally {
            requestSent.remove();
        }
    }

    private static Object chatId(String chat) {
        try {
            return Long.parseLong(chat.trim());
        } catch (NumberFormatException e) {
            return chat.trim();
        }
    }

    @PreDestroy
    void close() {
        if (bot != null) {
            bot.shutdown();
        }
        if (http != null) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
