package com.maclogin.cutover.notifier.service;

import com.maclogin.cutover.messaging.DrainLoop;
import com.maclogin.cutover.notifier.ChatChannel;
import com.maclogin.cutover.notifier.Notification;
import com.maclogin.cutover.notifier.ThreadRole;
import com.maclogin.cutover.notifier.client.ChatClient;
import com.maclogin.cutover.notifier.client.ChatPost;
import com.maclogin.cutover.notifier.client.PostOutcome;
import com.maclogin.cutover.notifier.client.SecretMasker;
import com.maclogin.cutover.notifier.config.NotifierConfig;
import com.maclogin.cutover.notifier.metrics.NotifierMetrics;
import io.quarkus.arc.All;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Posts PENDING notifications, one at a time on a single delivery thread, in event order per thread (a cutover's, or
 * a fleet's: banner first) and channel, at most one post per {@code notifier.delivery.min-interval-per-channel} and
 * channel across all instances (the post slot in {@code channel_pace}, taken with the claim).
 * Woken right after an event is stored and by a periodic retrier. Each post is claimed first (attempt counted,
 * next attempt pushed past the call timeout), then made outside any transaction, then its ts / message_id is
 * recorded before anything else. 429 waits the API's Retry-After; 5xx and timeouts back off exponentially;
 * permanent errors fail the row without retry. An attempt that may have been delivered (the request went out, no
 * answer came) is retried after a look into the channel where the API allows one (Slack); where it does not
 * (Telegram) the retry is blind and may post a duplicate, so at most {@code notifier.delivery.max-blind-retries} of
 * them are made, then the row is FAILED saying so.
 */
@ApplicationScoped
public class DeliveryService {

    private enum Step { DONE, WAIT }

    private final NotificationStore store;
    private final Map<ChatChannel, ChatClient> clients = new EnumMap<>(ChatChannel.class);
    private final NotifierConfig.Delivery config;
    private final Duration claimLease;
    private final SecretMasker masker;
    /** The delivery thread: a pass when woken, and every {@code notifier.delivery.poll-interval} (the retrier). */
    private final DrainLoop loop;
    /** Posts whose external id could not be stored yet (database hiccup): stored before anything else is posted. */
    private final Map<Long, PostOutcome.Posted> unrecorded = new ConcurrentHashMap<>();
    private final Map<Long, String> unrecordedParents = new ConcurrentHashMap<>();
    private final NotifierMetrics metrics;

    public DeliveryService(NotificationStore store, @All List<ChatClient> clients, NotifierConfig config,
            SecretMasker masker, NotifierMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        clients.forEach(c -> this.clients.put(c.channel(), c));
        this.config = config.delivery();
        Duration longest = config.slack().timeout().compareTo(config.telegram().timeout()) > 0
                ? config.slack().timeout() : config.telegram().timeout();
        this.claimLease = longest.multipliedBy(2).plusSeconds(5);
        this.masker = masker;
        this.loop = new DrainLoop("notifier-delivery", this.config.pollInterval(), this::drain);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    /** Asks the delivery thread for a pass; passes never overlap. */
    public void wake() {
        loop.wake();
    }

    private void wakeAfter(Duration delay) {
        loop.wakeAfter(delay);
    }

    void drain() {
        try {
            if (!recordUnrecorded()) {
                return;
            }
            for (int pass = 0; pass < 100; pass++) {
                boolean progress = false;
                Instant now = Instant.now();
                for (Notification n : store.due(now, now.minus(config.fleetBannerWait()), config.batchSize())) {
                    if (deliver(n) == Step.DONE) {
                        progress = true;
                    }
                }
                if (!progress) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("delivery pass failed, the retrier tries again: %s", masker.describe(e));
        }
    }

    private Step deliver(Notification n) {
        if (unrecorded.containsKey(n.id)) {
            return Step.WAIT;
        }
        ChatClient client = clients.get(n.channel);
        if (client == null || client.target().isEmpty()) {
            store.markFailed(n.id, n.channel + " is disabled or not configured");
            metrics.delivery(n.channel, "failed");
            return Step.DONE;
        }
        Instant now = Instant.now();
        // a fleet's banner opens its thread; everything else replies to its thread's parent, if one is posted yet
        String parent = n.threadRole == ThreadRole.BANNER ? null : store.threadParent(n.threadKey, n.channel).orElse(null);
        // the row and the channel's post slot together, shared by every notifier instance (docs/architecture.md,
        // "Running several instances"): the pace holds across instances, and a row is never claimed while it waits
        NotificationStore.Claim claim = store.claimWithSlot(n.id, now, now.plus(claimLease), n.channel.name(),
                config.minIntervalPerChannel());
        if (!claim.claimed()) {
            return Step.WAIT; // another pass or instance has it
        }
        if (!claim.mayPost()) {
            wakeAfter(Duration.ofMillis(claim.waitMillis()));
            return Step.WAIT;
        }
        int attempt = n.attempts + 1;
        if (n.attempts > 0) {
            // an earlier attempt may have been delivered although its answer never came (a timeout, or this
            // service killed between the post and recording it): look before posting again
            Optional<String> already = client.findPosted(n.target, n.text, parent);
            if (already.isPresent()) {
                record(n.id, new PostOutcome.Posted(already.get()), parent);
                metrics.delivery(n.channel, "already_posted");
                Log.infof("cutover %s lease %s: %s was already in %s as %s (an earlier attempt's answer was lost); "
                        + "not posted again", n.cutoverId, n.leaseId, n.eventType, n.channel, already.get());
                return Step.DONE;
            }
        }
        if (n.uncertainAttempts > 0 && !client.canFindPosted()) {
            metrics.blindRetry(n.channel);
        }
        PostOutcome outcome = client.post(n.target, new ChatPost(n.text, n.blocks, n.broadcast), parent);
        if (outcome instanceof PostOutcome.Posted posted) {
            record(n.id, posted, parent);
            metrics.delivery(n.channel, "posted");
            Log.infof("cutover %s lease %s: %s posted to %s as %s%s (attempt %d)", n.cutoverId, n.leaseId,
                    n.eventType, n.channel, posted.externalId(), parent == null ? "" : " in thread " + parent, attempt);
            return Step.DONE;
        }
        if (outcome instanceof PostOutcome.Rejected rejected) {
            String error = masker.mask(rejected.error());
            store.markFailed(n.id, error);
            metrics.delivery(n.channel, "rejected");
            Log.errorf("cutover %s lease %s: %s to %s FAILED, not retried: %s", n.cutoverId, n.leaseId,
                    n.eventType, n.channel, error);
            return Step.DONE;
        }
        PostOutcome.RetryLater retry = (PostOutcome.RetryLater) outcome;
        String error = masker.mask(retry.error());
        int uncertain = n.uncertainAttempts + (retry.maybeDelivered() ? 1 : 0);
        if (retry.maybeDelivered() && !client.canFindPosted() && uncertain > config.maxBlindRetries()) {
            store.markFailed(n.id, NotificationTexts.BLIND_GAVE_UP.formatted(uncertain, config.maxBlindRetries(), error));
            metrics.delivery(n.channel, "failed");
            Log.errorf("cutover %s lease %s: %s to %s FAILED: %d attempt(s) may have been delivered but were never "
                    + "answered; %s cannot be asked, so it is not posted blind again (max-blind-retries %d): %s",
                    n.cutoverId, n.leaseId, n.eventType, n.channel, uncertain, n.channel, config.maxBlindRetries(), error);
            return Step.DONE;
        }
        if (attempt >= config.maxAttempts()) {
            store.markFailed(n.id, NotificationTexts.GAVE_UP.formatted(attempt, error));
            metrics.delivery(n.channel, "failed");
            Log.errorf("cutover %s lease %s: %s to %s FAILED after %d attempts: %s", n.cutoverId, n.leaseId,
                    n.eventType, n.channel, attempt, error);
            return Step.DONE;
        }
        Duration delay = Backoff.delay(attempt, retry.retryAfter(), config.initialBackoff(), config.maxBackoff());
        store.markRetry(n.id, error, Instant.now().plus(delay), uncertain);
        metrics.delivery(n.channel, "retry");
        Log.warnf("cutover %s lease %s: %s to %s not posted (attempt %d), retry in %d ms: %s", n.cutoverId,
                n.leaseId, n.eventType, n.channel, attempt, delay.toMillis(), error);
        wakeAfter(delay);
        return Step.WAIT;
    }

    /** Stores the external id of a post; if the database is unavailable, keeps it to store before the next post. */
    private void record(long id, PostOutcome.Posted posted, String parent) {
        try {
            store.markPosted(id, posted.externalId(), parent, Instant.now());
        } catch (RuntimeException e) {
            unrecorded.put(id, posted);
            if (parent != null) {
                unrecordedParents.put(id, parent);
            }
            Log.errorf("notification %d was posted as %s but could not be recorded yet: %s", id,
                    posted.externalId(), masker.describe(e));
        }
    }

    private boolean recordUnrecorded() {
        for (Iterator<Map.Entry<Long, PostOutcome.Posted>> it = unrecorded.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, PostOutcome.Posted> e = it.next();
            try {
                store.markPosted(e.getKey(), e.getValue().externalId(), unrecordedParents.get(e.getKey()), Instant.now());
                unrecordedParents.remove(e.getKey());
                it.remove();
            } catch (RuntimeException ex) {
                Log.warnf("notification %d still cannot be recorded: %s", e.getKey(), masker.describe(ex));
                return false;
            }
        }
        return true;
    }

    @PreDestroy
    void stop() {
        loop.close();
    }
}
