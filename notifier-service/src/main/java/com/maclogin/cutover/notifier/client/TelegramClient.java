package com.maclogin.cutover.notifier.client;

import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.config.NotifierConfig;
import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.model.request.ReplyParameters;
import com.pengrad.telegrambot.request.SendMessage;
import com.pengrad.telegrambot.response.SendResponse;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * Telegram {@code sendMessage} through pengrad's java-telegram-bot-api. Its URL is {@code apiUrl + token + "/" +
 * method}, so the configured base gets {@code /bot} appended. Thread replies carry {@code reply_parameters}.
 */
@ApplicationScoped
public class TelegramClient implements ChatClient {

    private final SecretMasker masker;
    private final TelegramBot bot;
    private final OkHttpClient http;
    private final Optional<String> target;

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
    public PostOutcome post(String chat, String text, String parentMessageId) {
        if (bot == null) {
            return new PostOutcome.Rejected("telegram not configured");
        }
        try {
            SendMessage request = new SendMessage(chatId(chat), text);
            if (parentMessageId != null) {
                request.replyParameters(new ReplyParameters(Integer.valueOf(parentMessageId)));
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
            // pengrad wraps network failures (timeouts, refused connections) in RuntimeException
            return new PostOutcome.RetryLater(null, "telegram call failed: " + masker.describe(e));
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
