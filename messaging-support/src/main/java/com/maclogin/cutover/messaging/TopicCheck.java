package com.maclogin.cutover.messaging;

import com.maclogin.cutover.contracts.Region;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.Config;

/**
 * Whether the topics a service uses exist, with one describe call ({@link StartupTopicCheck} runs it at start-up). The
 * topics are its Kafka channels' ({@code mp.messaging.incoming|outgoing.<channel>.topic} of {@code smallrye-kafka}
 * channels), the dead-letter topic, and what it declares in {@code messaging.topic-check.topics} (its outbox topics
 * and its own clients'; {@code {region}} stands for every region).
 */
public final class TopicCheck {

    /** The command that creates missing topics, named in the failure. */
    public static final String APPLY_COMMAND = "./cutover topics apply --bootstrap-servers <servers> --command-config <client.properties>";
    private static final Pattern CHANNEL_TOPIC = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+|\"[^\"]+\")\\.topic");
    private static final String REGION = "{region}";

    /**
     * What the broker said.
     *
     * @param missing       topics that do not exist
     * @param notAuthorized topics the service may not even describe (no READ, WRITE or DESCRIBE ACL)
     * @param unreachable   no answer within the timeout: nothing is known about any topic
     */
    public record Outcome(Set<String> missing, Set<String> notAuthorized, boolean unreachable, String error) {

        public boolean ok() {
            return missing.isEmpty() && notAuthorized.isEmpty() && !unreachable;
        }
    }

    private TopicCheck() {
    }

    /** The topics a service uses: its Kafka channels' topics, the dead-letter topic and {@code declared}. */
    public static Set<String> topicsOf(Config config, String deadLetterTopic, List<String> declared) {
        Set<String> topics = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            Matcher m = CHANNEL_TOPIC.matcher(name);
            if (!m.matches()) {
                continue;
            }
            String channel = "mp.messaging." + m.group(1) + "." + m.group(2);
            String connector = config.getOptionalValue(channel + ".connector", String.class)
                    .or(() -> config.getOptionalValue("mp.messaging." + m.group(1) + ".connector", String.class))
                    .orElse("smallrye-kafka");
            boolean enabled = config.getOptionalValue(channel + ".enabled", Boolean.class).orElse(true);
            if (connector.equals("smallrye-kafka") && enabled) {
                config.getOptionalValue(name, String.class).ifPresent(topics::add);
            }
        }
        topics.add(deadLetterTopic);
        topics.addAll(expand(declared));
        return topics;
    }

    /** {@code declared} with every {@code {region}} replaced by each region's suffix ({@code cutover.steps.{region}}: five topics). */
    public static List<String> expand(List<String> declared) {
        List<String> topics = new ArrayList<>();
        for (String t : declared) {
            String topic = t.trim();
            if (topic.isEmpty()) {
                continue;
            }
            if (topic.contains(REGION)) {
                for (Region r : Region.values()) {
                    topics.add(topic.replace(REGION, r.suffix()));
                }
            } else {
                topics.add(topic);
            }
        }
        return topics;
    }

    /** Describes {@code topics} in one call with the service's Kafka client settings, waiting at most {@code timeout}. */
    public static Outcome describe(Map<String, Object> serviceKafka, Collection<String> topics, Duration timeout) {
        Properties p = new Properties();
        serviceKafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k) || k.startsWith("ssl.") || k.startsWith("sasl.")
                    || k.equals("tls-configuration-name")) {
                p.put(k, v);
            }
        });
        int ms = (int) Math.max(1_000, timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ms));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(ms));
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, String.valueOf(serviceKafka.getOrDefault("client.id", "topic-check")) + "-topic-check");
        Set<String> missing = new TreeSet<>();
        Set<String> notAuthorized = new TreeSet<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms + 1_000L);
        Admin admin = null;
        try {
            admin = Admin.create(p);
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(topics).topicNameValues();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> e : described.entrySet()) {
                try {
                    e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
                        missing.add(e.getKey());
                    } else if (ex.getCause() instanceof TopicAuthorizationException) {
                        notAuthorized.add(e.getKey());
                    } else {
                        return new Outcome(Set.of(), Set.of(), true, String.valueOf(ex.getCause()));
                    }
                } catch (java.util.concurrent.TimeoutException ex) {
                    return new Outcome(Set.of(), Set.of(), true, "no answer within " + ms + " ms");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Set.of(), Set.of(), true, "interrupted");
        } catch (org.apache.kafka.common.KafkaException e) {
            return new Outcome(Set.of(), Set.of(), true, String.valueOf(e.getMessage()));
        } finally {
            if (admin != null) {
                admin.close(Duration.ZERO); // abandons a call still waiting for the broker: the start goes on at once
            }
        }
        return new Outcome(missing, notAuthorized, false, null);
    }

    /** The start-up failure: which topics, on which cluster, and the command that creates them. */
    public static String failure(String service, Object bootstrap, Outcome o) {
        StringBuilder s = new StringBuilder(service).append(" cannot start: ");
        if (!o.missing().isEmpty()) {
            s.append("Kafka topic(s) missing on ").append(bootstrap).append(": ").append(String.join(", ", o.missing()))
                    .append(". Create them (every topic of contracts Topics.specs()) with: ").append(APPLY_COMMAND)
                    .append(" (README, \"Topics as code\")");
        }
        if (!o.notAuthorized().isEmpty()) {
            s.append(o.missing().isEmpty() ? "" : "; ").append("not authorized to describe Kafka topic(s) ")
                    .append(String.join(", ", o.notAuthorized())).append(" on ").append(bootstrap)
                    .append(": the service's principal needs READ or WRITE on them (docs/architecture.md, \"Kafka principals and ACLs\")");
        }
        return s.append(". Set messaging.topic-check.enabled=false to start without this check.").toString();
    }
}
