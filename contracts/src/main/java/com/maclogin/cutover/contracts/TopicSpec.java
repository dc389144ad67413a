package com.maclogin.cutover.contracts;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How one topic must look on any cluster ({@link Topics#specs()}): its name, partitions, cleanup policy, retention and
 * any further topic configs. The replication factor is the cluster's default ({@code default.replication.factor})
 * unless given here or by whoever creates the topic ({@code cutover topics apply --replication-factor}).
 *
 * @param name              the topic
 * @param partitions        how many partitions it needs at least (more are fine; Kafka cannot remove partitions)
 * @param cleanup           {@code delete} (old segments dropped after {@code retention}) or {@code compact}
 *                          (the last record per key kept for ever)
 * @param retention         how long records are kept ({@code retention.ms}); only for {@link Cleanup#DELETE}
 * @param otherConfigs      further topic configs, e.g. {@code min.compaction.lag.ms}
 * @param replicationFactor replicas per partition; empty = the cluster's default
 */
public record TopicSpec(String name, int partitions, Cleanup cleanup, Duration retention, Map<String, String> otherConfigs,
        Optional<Short> replicationFactor) {

    /** What Kafka accepts as a topic name (legal characters, at most 249 of them, not "." or ".."). */
    public static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** {@code cleanup.policy}. */
    public enum Cleanup {
        DELETE("delete"), COMPACT("compact");

        private final String value;

        Cleanup(String value) {
            this.value = value;
        }

        /** The value of {@code cleanup.policy}. */
        public String value() {
            return value;
        }
    }

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cleanup, "cleanup");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("illegal topic name '" + name + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be at least 1, not " + partitions);
        }
        if (cleanup == Cleanup.DELETE && (retention == null || retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException(name + ": a delete topic needs a positive retention");
        }
        if (cleanup == Cleanup.COMPACT && retention != null) {
            throw new IllegalArgumentException(name + ": a compacted topic keeps the last record per key; no retention");
        }
        otherConfigs = Collections.unmodifiableMap(new LinkedHashMap<>(otherConfigs == null ? Map.of() : otherConfigs));
        if (otherConfigs.containsKey("cleanup.policy") || otherConfigs.containsKey("retention.ms")) {
            throw new IllegalArgumentException(name + ": cleanup.policy and retention.ms are the record's own fields");
        }
        replicationFactor = replicationFactor == null ? Optional.empty() : replicationFactor;
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException(name + ": replication factor must be at least 1");
            }
        });
    }

    /** A {@code delete} topic keeping records for {@code retention}, replication factor of the cluster. */
    public static TopicSpec delete(String name, int partitions, Duration retention) {
        return new TopicSpec(name, partitions, Cleanup.DELETE, retention, Map.of(), Optional.empty());
    }

    /** A {@code compact} topic with further configs, replication factor of the cluster. */
    public static TopicSpec compact(String name, int partitions, Map<String, String> otherConfigs) {
        return new TopicSpec(name, partitions, Cleanup.COMPACT, null, otherConfigs, Optional.empty());
    }

    /** Every topic config this spec sets, as Kafka names them: {@code cleanup.policy}, {@code retention.ms}, the others. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanup.value());
        if (retention != null) {
            configs.put("retention.ms", String.valueOf(retention.toMillis()));
        }
        configs.putAll(otherConfigs);
        return Collections.unmodifiableMap(configs);
    }

    public boolean compacted() {
        return cleanup == Cleanup.COMPACT;
    }
}
