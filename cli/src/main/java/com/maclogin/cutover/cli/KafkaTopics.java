package com.maclogin.cutover.cli;

import com.maclogin.cutover.contracts.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The cluster side of {@code cutover topics}: one admin client, every call bounded by the command's timeout. */
final class KafkaTopics implements AutoCloseable {

    /** A failure that ends the command: its message is for the user, its exit code for the caller. */
    static final class Failure extends Exception {
        final int exitCode;

        Failure(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private final Admin admin;
    private final String bootstrap;
    private final Duration timeout;

    KafkaTopics(Properties clientProperties, Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        int ms = (int) Math.max(1_000, timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ms));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(ms));
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "cutover-topics");
        this.bootstrap = String.valueOf(p.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        this.timeout = Duration.ofMillis(ms);
        this.admin = Admin.create(p);
    }

    /** What the cluster has of {@code names}: missing, not authorized, or partitions and effective configs. */
    Map<String, TopicDiff.Observed> observe(Collection<String> names) throws Failure {
        Map<String, TopicDiff.Observed> observed = new LinkedHashMap<>();
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(names).topicNameValues();
        List<String> present = new ArrayList<>();
        Map<String, Integer> partitions = new LinkedHashMap<>();
        for (String name : names) {
            try {
                partitions.put(name, await(described.get(name)).partitions().size());
                present.add(name);
            } catch (Failure f) {
                if (f.getCause() instanceof UnknownTopicOrPartitionException) {
                    observed.put(name, new TopicDiff.Missing());
                } else if (f.getCause() instanceof TopicAuthorizationException) {
                    observed.put(name, new TopicDiff.NotAuthorized());
                } else {
                    throw f;
                }
            }
        }
        if (!present.isEmpty()) {
            List<ConfigResource> resources = present.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources).values();
            for (String name : present) {
                Map<String, String> values = null; // null: the principal may not read them (no DESCRIBE_CONFIGS)
                try {
                    values = new LinkedHashMap<>();
                    for (ConfigEntry e : await(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))).entries()) {
                        values.put(e.name(), e.value());
                    }
                } catch (Failure f) {
                    if (!(f.getCause() instanceof TopicAuthorizationException)) {
                        throw f;
                    }
                    values = null;
                }
                observed.put(name, new TopicDiff.Present(partitions.get(name), values));
            }
        }
        return observed;
    }

    /** Creates {@code spec}'s topic; false if someone else created it meanwhile. */
    boolean create(TopicSpec spec, Optional<Short> replicationFactor) throws Failure {
        try {
            await(admin.createTopics(List.of(new NewTopic(spec.name(), Optional.of(spec.partitions()), replicationFactor)
                    .configs(spec.configs()))).all());
            return true;
        } catch (Failure f) {
            if (f.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw f;
        }
    }

    /**
     * Waits until the changes just made are seen (a new topic or partition is not in every broker's metadata at once):
     * until nothing {@code apply} fixes is left, at most the command's timeout.
     */
    void awaitApplied(List<TopicSpec> specs, boolean changed) throws Failure {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        while (changed && System.nanoTime() < deadline
                && TopicDiff.problems(specs, observe(names)).stream().anyMatch(TopicDiff.Problem::fixable)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure("interrupted", ExitCodes.INTERNAL);
            }
        }
    }

    void raisePartitions(String topic, int partitions) throws Failure {
        await(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all());
    }

    void setConfig(String topic, String key, String value) throws Failure {
        await(admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)))).all());
    }

    /** Waits for one admin result; every way it can fail becomes a {@link Failure} with a message and an exit code. */
    private <T> T await(KafkaFuture<T> future) throws Failure {
        try {
            return future.get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", ExitCodes.INTERNAL);
        } catch (java.util.concurrent.TimeoutException e) {
            throw unreachable();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            Failure f;
            if (cause instanceof TimeoutException) {
                f = unreachable();
            } else if (cause instanceof AuthenticationException) {
                f = new Failure("authentication failed at " + bootstrap + ": " + cause.getMessage()
                        + " (check the SASL or TLS settings of --command-config)", ExitCodes.AUTH);
            } else if (cause instanceof AuthorizationException && !(cause instanceof TopicAuthorizationException)) {
                f = new Failure("not authorized: " + cause.getMessage()
                        + " (creating topics and changing their configs needs CREATE and ALTER_CONFIGS on them or on the cluster)",
                        ExitCodes.AUTH);
            } else if (cause instanceof TopicAuthorizationException t) {
                f = new Failure("not authorized for topic(s) " + t.unauthorizedTopics()
                        + " (creating topics and changing their configs needs CREATE and ALTER_CONFIGS on them)", ExitCodes.AUTH);
            } else {
                f = new Failure(String.valueOf(cause.getMessage()), ExitCodes.INTERNAL);
            }
            f.initCause(cause);
            throw f;
        }
    }

    private Failure unreachable() {
        return new Failure("the Kafka cluster at " + bootstrap + " did not answer within " + timeout.toSeconds()
                + " s: unreachable, or its listener needs TLS/SASL settings (--command-config)", ExitCodes.UNREACHABLE);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
