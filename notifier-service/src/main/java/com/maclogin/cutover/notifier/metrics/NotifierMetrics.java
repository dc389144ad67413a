package com.maclogin.cutover.notifier.metrics;

import com.maclogin.cutover.notifier.ChatChannel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The notifier's Prometheus counters, every channel x outcome registered at start-up:
 * {@code notifier_deliveries_total{channel,outcome}} counts each delivery attempt's end: {@code posted},
 * {@code already_posted} (an earlier attempt's post was found in the channel: not posted again), {@code retry} (429,
 * 5xx, timeout: tried again later), {@code rejected} (permanent error), {@code failed} (gave up: attempts or blind
 * retries used up, or the channel is not configured); {@code notifier_blind_retries_total{channel}} counts posts made
 * after an attempt that may have been delivered, on a channel that cannot be asked (Telegram): each may duplicate.
 * Label values are the channel and outcome names only, never a target, token or text.
 */
@Startup
@ApplicationScoped
public class NotifierMetrics {

    /** Prometheus {@code notifier_deliveries_total}. */
    public static final String DELIVERIES = "notifier.deliveries";
    /** Prometheus {@code notifier_blind_retries_total}. */
    public static final String BLIND_RETRIES = "notifier.blind.retries";
    public static final List<String> OUTCOMES = List.of("posted", "already_posted", "retry", "rejected", "failed");

    private final Map<ChatChannel, Map<String, Counter>> deliveries = new EnumMap<>(ChatChannel.class);
    private final Map<ChatChannel, Counter> blind = new EnumMap<>(ChatChannel.class);

    public NotifierMetrics(MeterRegistry registry) {
        for (ChatChannel channel : ChatChannel.values()) {
            Map<String, Counter> byOutcome = new HashMap<>();
            for (String outcome : OUTCOMES) {
                byOutcome.put(outcome, Counter.builder(DELIVERIES).description("chat delivery attempts by outcome")
                        .tag("channel", channel.name().toLowerCase()).tag("outcome", outcome).register(registry));
            }
            deliveries.put(channel, byOutcome);
            blind.put(channel, Counter.builder(BLIND_RETRIES)
                    .description("posts retried without being able to look whether the earlier attempt landed")
                    .tag("channel", channel.name().toLowerCase()).register(registry));
        }
    }

    /** One attempt ended with {@code outcome} (one of {@link #OUTCOMES}). */
    public void delivery(ChatChannel channel, String outcome) {
        Counter c = channel == null ? null : deliveries.get(channel).get(outcome);
        if (c == null) {
            throw new IllegalArgumentException("not a delivery outcome: " + outcome);
        }
        c.increment();
    }

    /** A post is about to be made blind. */
    public void blindRetry(ChatChannel channel) {
        if (channel != null) {
            blind.get(channel).increment();
        }
    }
}
