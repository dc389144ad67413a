package com.maclogin.cutover.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * At start-up, before the Kafka channels and the outbox relay start: one describe call for the topics the service uses
 * ({@link TopicCheck#topicsOf}); a missing topic (or one the service may not describe) fails the start with a message
 * naming the topics and the command that creates them.
 *
 * <p>Why fail the start rather than hold readiness DOWN: a missing topic is a deployment error that does not heal by
 * waiting, and a running instance would hide it (a consumer of a missing topic just waits, outbox rows pile up). A
 * failed start is loud where operators look (CrashLoopBackOff and the last log line on Kubernetes, the unit's status
 * under systemd), stops a rolling update at its first new instance, and the next restart after
 * {@code cutover topics apply} passes. A broker that does not answer in time is not a deployment error: the service
 * starts, logs a WARN, and its Kafka readiness checks tell the rest.
 */
@Singleton
public class StartupTopicCheck {

    private static final Logger LOG = Logger.getLogger(StartupTopicCheck.class);

    private final MessagingConfig config;
    private final Config kafkaConfig;

    public StartupTopicCheck(MessagingConfig config, Config kafkaConfig) {
        this.config = config;
        this.kafkaConfig = kafkaConfig;
    }

    /** First of the start-up observers (the reactive-messaging channels start at LIBRARY_BEFORE, the relay later). */
    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        MessagingConfig.TopicCheckConfig c = config.topicCheck();
        if (!c.enabled()) {
            return;
        }
        String service = kafkaConfig.getOptionalValue("quarkus.application.name", String.class).orElse("service");
        Set<String> topics = TopicCheck.topicsOf(kafkaConfig, config.deadLetters().topic(), c.topics().orElse(List.of()));
        Map<String, Object> kafka = KafkaClientProperties.fromConfig(kafkaConfig);
        Object bootstrap = kafka.get("bootstrap.servers");
        long t0 = System.nanoTime();
        TopicCheck.Outcome o = TopicCheck.describe(kafka, topics, c.timeout());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (o.unreachable()) {
            LOG.warnf("topic check: could not describe %d topics on %s (%s) in %d ms; starting without it", topics.size(),
                    bootstrap, o.error(), ms);
            return;
        }
        if (!o.ok()) {
            String message = TopicCheck.failure(service, bootstrap, o);
            LOG.error(message);
            throw new IllegalStateException(message);
        }
        LOG.infof("topic check: the %d topics %s uses exist on %s (%d ms)", topics.size(), service, bootstrap, ms);
    }
}
