package com.maclogin.cutover.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a service keeps its outbox and inbox, and how its relay runs; prefix {@code messaging}. The Kafka client
 * settings themselves (bootstrap servers, security protocol, SASL, TLS) are the service's {@code kafka.*} keys, shared
 * with its channels ({@link KafkaClientProperties}).
 */
@ConfigMapping(prefix = "messaging")
public interface MessagingConfig {

    /** The transactional outbox and its relay. */
    Outbox outbox();

    /** The inbox of processed message ids that makes a redelivery harmless. */
    Inbox inbox();

    /** What a consumer accepts and how long it retries a failing record. */
    Consumer consumer();

    /** Where records a consumer could not process go ({@link DeadLetters}). */
    DeadLetterTopic deadLetters();

    /** The start-up check that the service's topics exist ({@link StartupTopicCheck}). */
    TopicCheckConfig topicCheck();

    interface TopicCheckConfig {
        /**
         * Whether the service checks at start-up that its topics exist and refuses to start when one is missing. On by
         * default; off in the dev and test profiles (META-INF/microprofile-config.properties of messaging-support),
         * whose brokers create topics on first use.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Topics the service uses besides its Kafka channels' and the dead-letter topic: what its outbox publishes and
         * its own clients read or write. {@code {region}} stands for every region ({@code cutover.steps.{region}}).
         */
        Optional<java.util.List<String>> topics();

        /**
         * Longest wait for the broker's answer, the admin client's start and its TLS login included (a fresh JVM's first
         * SASL_SSL login took 22 s on a loaded 2-core machine; 5 s let a worker start unchecked); without an answer the
         * service starts anyway and says so (a WARN line), so a broker outage delays a start by this much at most.
         */
        @WithDefault("PT30S")
        Duration timeout();
    }

    interface Consumer {
        /** Records larger than this (bytes) are set aside unread ({@code TOO_LARGE}); well under the broker's 1 MB. */
        @WithDefault("524288")
        int maxRecordBytes();

        /** How long a record whose handler fails with a transient error is retried before it is set aside ({@code GAVE_UP}). */
        @WithDefault("PT5M")
        Duration giveUpAfter();
    }

    interface DeadLetterTopic {
        /** The one dead-letter topic of the product. */
        @WithDefault("cutover.dead-letters")
        String topic();

        /** The consumer named in each dead letter and in {@code cutover_dead_letters_total{service}}. */
        @WithDefault("${quarkus.application.name}")
        String consumer();

        /** How many bytes of the payload a dead letter keeps. */
        @WithDefault("1024")
        int payloadPrefixBytes();

        /** {@code client.id} of the dead-letter producer. */
        @WithDefault("${quarkus.application.name}-dead-letters")
        String clientId();

        /** How long one publish waits for the broker's acknowledgement before it is tried again. */
        @WithDefault("PT10S")
        Duration sendTimeout();
    }

    interface Outbox {
        /** Table of the outbox rows (schema-qualified unless the connection's schema is the service's); unset = no outbox. */
        Optional<String> table();

        /** {@code client.id} of the relay's producer. */
        @WithDefault("${quarkus.application.name}-outbox")
        String clientId();

        /** How often the relay looks for unsent rows besides right after each commit that wrote some. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Rows published per relay transaction. */
        @WithDefault("100")
        int batchSize();

        /** How long the relay waits for the broker's acknowledgements of one batch (also the producer's delivery timeout). */
        @WithDefault("PT10S")
        Duration sendTimeout();
    }

    interface Inbox {
        /** Table of processed message ids (primary key {@code message_id}); unset = no inbox. */
        Optional<String> table();

        /** Column that records when the message was processed. */
        @WithDefault("processed_at")
        String processedAtColumn();

        /** Column that records the topic the message came from, where the table has one. */
        Optional<String> topicColumn();

        /** Column that records the message's cutover id, where the table has one. */
        Optional<String> cutoverIdColumn();
    }
}
