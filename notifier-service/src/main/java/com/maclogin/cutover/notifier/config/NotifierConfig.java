package com.maclogin.cutover.notifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of notifier-service: the two chat channels and the delivery loop. */
@ConfigMapping(prefix = "notifier")
public interface NotifierConfig {

    /** Slack Web API channel. */
    Slack slack();

    /** Telegram Bot API channel. */
    Telegram telegram();

    /** Delivery loop and retries. */
    Delivery delivery();

    interface Slack {
        /** Post to Slack at all (also needs a token and a channel). */
        @WithDefault("true")
        boolean enabled();

        /** Bot token {@code xoxb-...}; set through {@code NOTIFIER_SLACK_TOKEN}, never logged. */
        Optional<String> token();

        /** Channel id (e.g. {@code C0123ABC}) the threads are posted to. */
        Optional<String> channel();

        /** Base URL of the Slack Web API; the SDK calls {@code <base>/api/<method>}. */
        @WithDefault("https://slack.com")
        String baseUrl();

        /** Timeout of one API call (connect, read, write and whole call). */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Telegram {
        /** Post to Telegram at all (also needs a token and a chat id). */
        @WithDefault("true")
        boolean enabled();

        /** Bot token {@code <id>:<secret>}; set through {@code NOTIFIER_TELEGRAM_TOKEN}, never logged. */
        Optional<String> token();

        /** Chat id (e.g. {@code -1001234567890}) or {@code @channelusername}. */
        Optional<String> chatId();

        /** Base URL of the Bot API; the client calls {@code <base>/bot<token>/<method>}. */
        @WithDefault("https://api.telegram.org")
        String baseUrl();

        /** Timeout of one API call (connect, read, write and whole call). */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Delivery {
        /** How often the retrier looks for due PENDING notifications. */
        @WithDefault("1s")
        Duration pollInterval();

        /** First backoff after a 5xx or timeout; doubles per attempt. A 429 waits its Retry-After instead. */
        @WithDefault("2s")
        Duration initialBackoff();

        /** Upper bound of the backoff. */
        @WithDefault("5m")
        Duration maxBackoff();

        /** Attempts before a notification is given up as FAILED. */
        @WithDefault("20")
        int maxAttempts();

        /** Least time between two posts to the same chat channel (Slack and Telegram allow about 1 per second). */
        @WithDefault("1s")
        Duration minIntervalPerChannel();

        /**
         * How long a reply in a fleet's thread waits for a banner that has not arrived at all (no FLEET_STARTED seen)
         * before it is posted without one: the leases' incidents come on {@code cutover.events}, the banner on
         * {@code fleet.events}, and an incident must not be held back forever by a banner that never comes. A banner
         * that is stored but still being retried is always waited for.
         */
        @WithDefault("10m")
        Duration fleetBannerWait();

        /** Rows looked at per pass of the delivery loop. */
        @WithDefault("50")
        int batchSize();
    }
}
