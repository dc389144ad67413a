package com.maclogin.cutover.notifier.client;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.config.NotifierConfig;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.Message;
import com.slack.api.util.http.SlackHttpClient;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * Slack {@code chat.postMessage} through the Slack Java SDK: the mrkdwn {@code text} fallback plus Block Kit
 * {@code blocks}; thread replies carry {@code thread_ts}, and {@code reply_broadcast} when the row asks for it (an
 * incident or outcome that people outside the thread must see). {@code link_names} is never set, so a plain
 * {@code @channel} in a text stays text.
 */
@ApplicationScoped
public class SlackClient implements ChatClient {

    /** {@code ok:false} errors worth another try; every other error is permanent (channel_not_found, invalid_auth, ...). */
    static final Set<String> RETRYABLE_ERRORS = Set.of(
            "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout");

    private final SecretMasker masker;
    private final OkHttpClient http;
    private final Slack slack;
    private final MethodsClient methods;
    private final Optional<String> target;
    private final Map<String, String> regionChannels;

    public SlackClient(NotifierConfig config, SecretMasker masker) {
        this.masker = masker;
        NotifierConfig.Slack c = config.slack();
        Optional<String> token = c.token().filter(t -> !t.isBlank());
        Optional<String> channel = c.channel().filter(t -> !t.isBlank());
        if (c.enabled() && token.isPresent() && channel.isPresent()) {
            SlackConfig sc = new SlackConfig();
            String base = c.baseUrl().endsWith("/") ? c.baseUrl().substring(0, c.baseUrl().length() - 1) : c.baseUrl();
            sc.setMethodsEndpointUrlPrefix(base + "/api/");
            Duration t = c.timeout();
            int millis = (int) t.toMillis();
            sc.setHttpClientCallTimeoutMillis(millis);
            sc.setHttpClientReadTimeoutMillis(millis);
            sc.setHttpClientWriteTimeoutMillis(millis);
            sc.setStatsEnabled(false);
            sc.setPrettyResponseLoggingEnabled(false);
            // SlackConfig has no connect timeout (OkHttp's default is 10 s): build the SDK's client, then set all four
            // from notifier.slack.timeout, so a hung API is a retryable failure within the timeout, never a hang
            this.http = SlackHttpClient.buildOkHttpClient(sc).newBuilder()
                    .connectTimeout(t).readTimeout(t).writeTimeout(t).callTimeout(t)
                    .retryOnConnectionFailure(false)
                    .build();
            SlackHttpClient client = new SlackHttpClient(http);
            client.setConfig(sc);
            this.slack = Slack.getInstance(sc, client);
            this.methods = slack.methods(token.get());
            this.target = channel;
            this.regionChannels = c.regionChannels() == null ? Map.of() : Map.copyOf(c.regionChannels());
        } else {
            if (c.enabled()) {
                Log.warnf("Slack is enabled but %s is not set: no Slack notifications",
                        token.isEmpty() ? "notifier.slack.token (NOTIFIER_SLACK_TOKEN)" : "notifier.slack.channel");
            }
            this.http = null;
            this.slack = null;
            this.methods = null;
            this.target = Optional.empty();
            this.regionChannels = Map.of();
        }
    }

    /** The HTTP client the SDK uses (null when Slack is off); for tests of its timeouts. */
    OkHttpClient httpClient() {
        return http;
    }

    @Override
    public ChatChannel channel() {
        return ChatChannel.SLACK;
    }

    @Override
    public Optional<String> target() {
        return target;
    }

    /** The region's channel from {@code notifier.slack.region-channels.<REGION>}, else the configured channel. */
    @Override
    public Optional<String> target(Region region) {
        if (target.isEmpty() || region == null) {
            return target;
        }
        String own = regionChannels.get(region.name());
        return own == null || own.isBlank() ? target : Optional.of(own.trim());
    }

    @Override
    public boolean canFindPosted() {
        return methods != null;
    }

    @Override
    public PostOutcome post(String channel, ChatPost post, String parentTs) {
        if (methods == null) {
            return new PostOutcome.Rejected("slack not configured");
        }
        // reply_broadcast only means something on a reply; a row that became its thread's parent is top-level anyway
        boolean broadcast = post.broadcast() && parentTs != null;
        try {
            ChatPostMessageResponse r = methods.chatPostMessage(req -> req.channel(channel).text(post.text())
                    .blocksAsString(post.blocks()).threadTs(parentTs).replyBroadcast(broadcast));
            if (r.isOk() && r.getTs() != null) {
                return new PostOutcome.Posted(r.getTs());
            }
            String error = "slack error: " + r.getError();
            return RETRYABLE_ERRORS.contains(r.getError()) ? new PostOutcome.RetryLater(null, error)
                    : new PostOutcome.Rejected(error);
        } catch (SlackApiException e) {
            int code = e.getResponse().code();
            if (code == 429) {
                return new PostOutcome.RetryLater(retryAfter(e.getResponse().header("Retry-After")), "slack http 429 ratelimited");
            }
            String error = "slack http " + code + (e.getError() != null ? " " + e.getError().getError() : "");
            return code >= 500 || code == 408 ? new PostOutcome.RetryLater(null, masker.mask(error))
                    : new PostOutcome.Rejected(masker.mask(error));
        } catch (IOException | RuntimeException e) {
            return new PostOutcome.RetryLater(null, "slack call failed: " + masker.describe(e));
        }
    }

    /**
     * {@code conversations.history} of the channel (top-level post) or {@code conversations.replies} of the thread:
     * the newest 200 messages are searched for exactly this text (compared with {@code & < >} unescaped on both sides:
     * the notifier sends them escaped, Slack stores and returns them escaped). Any error
     * answers empty: the caller then posts, preferring a possible duplicate to a lost message.
     */
    @Override
    public Optional<String> findPosted(String channel, String text, String parentTs) {
        if (methods == null || text == null) {
            return Optional.empty();
        }
        try {
            List<Message> messages;
            if (parentTs == null) {
                var r = methods.conversationsHistory(req -> req.channel(channel).limit(200));
                messages = r.isOk() ? r.getMessages() : null;
            } else {
                var r = methods.conversationsReplies(req -> req.channel(channel).ts(parentTs).limit(200));
                messages = r.isOk() ? r.getMessages() : null;
            }
            if (messages == null) {
                return Optional.empty();
            }
            String wanted = unescape(text);
            for (Message m : messages) {
                if (m.getTs() != null && !m.getTs().equals(parentTs) && wanted.equals(unescape(m.getText()))) {
                    return Optional.of(m.getTs());
                }
            }
        } catch (SlackApiException | IOException | RuntimeException e) {
            Log.warnf("slack history not readable, the retry posts: %s", masker.describe(e));
        }
        return Optional.empty();
    }

    static String unescape(String s) {
        return s == null ? null : s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @PreDestroy
    void close() {
        if (slack != null) {
            try {
                slack.close();
            } catch (Exception e) {
                Log.debugf("closing the Slack client: %s", masker.describe(e));
            }
        }
        if (http != null) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
