package com.maclogin.cutover.contracts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Topic names, and how each topic must look on any cluster ({@link #specs()}: the one place that declares partitions,
 * cleanup and retention; {@code cutover topics check|apply} and the local stack create them from it).
 * {@code contracts/asyncapi.yaml} documents each; {@code AsyncApiDriftTest} keeps the two equal.
 */
public final class Topics {

    /** Step commands ({@link RunStep}) for one region: {@code cutover.steps.hk}, ... */
    public static final String STEP_COMMANDS_PREFIX = "cutover.steps.";
    /**
     * The lease registry ({@link LeaseRegistration}) of one region: {@code cutover.leases.hk}, ... Compacted
     * ({@code cleanup.policy=compact}), keyed by lease id; written only by orchestrator-service.
     */
    public static final String LEASE_REGISTRY_PREFIX = "cutover.leases.";
    /** Results ({@link StepResult}) of commands sent by the orchestrator. */
    public static final String STEP_RESULTS = "cutover.step-results";
    /** Results ({@link StepResult}) of commands sent by rollback-service. */
    public static final String ROLLBACK_STEP_RESULTS = "rollback.step-results";
    /** Rollback requests ({@link RollbackRequested}) from operators or from breached triggers. */
    public static final String ROLLBACK_REQUESTS = "cutover.rollbacks";
    /** Every probe of every validation window ({@link ProbeResult}), stored by the orchestrator. */
    public static final String PROBE_RESULTS = "probe.results";
    /** Tripped rollback triggers ({@link ThresholdBreached}) from the regional workers. */
    public static final String BREACHES = "cutover.breaches";
    /** Lifecycle events ({@link CutoverEvent}) consumed by notifier-service and the orchestrator. */
    public static final String EVENTS = "cutover.events";
    /** Fleet lifecycle events ({@link FleetEvent}), keyed by fleet id, consumed by notifier-service. */
    public static final String FLEET_EVENTS = "fleet.events";
    /** Chat deliveries ({@link ChatDelivered}) from notifier-service, appended to the orchestrator's event log. */
    public static final String CHAT_DELIVERIES = "chat.deliveries";
    /**
     * The continuous watch's reports ({@link LeaseWatchReport}): health changes at once, roll-ups once a minute per
     * lease; keyed by lease id, from the regional workers to orchestrator-service.
     */
    public static final String LEASE_WATCH = "lease.watch";
    /** Lease health changes ({@link LeaseHealthEvent}) decided by orchestrator-service; notifier-service alerts chat. */
    public static final String LEASE_HEALTH = "lease.health";
    /** Records a consumer could not process ({@link DeadLetter}), from every service, set aside by the messaging kit. */
    public static final String DEAD_LETTERS = "cutover.dead-letters";

    /**
     * Partitions of each region's step-command topic. Records are keyed by lease id (one lease's steps stay in order on
     * one partition) and the region's workers share the partitions in one consumer group, so this is the most workers a
     * region can run at once: 6 covers the two per region the stack runs with room for six, and splits evenly between 2
     * or 3 workers. A region's load never touches another's (one topic each), so every region gets the same number;
     * a region that needs more is raised alone with {@code cutover topics apply} after editing {@link #specs()}.
     */
    public static final int STEP_COMMAND_PARTITIONS = 6;
    /**
     * Partitions of each region's lease registry: 1. Every worker reads the whole registry from the beginning without a
     * group (one record per lease, a few hundred at most), so more partitions buy no parallelism, and one partition
     * keeps all of a region's registry changes in one order.
     */
    public static final int LEASE_REGISTRY_PARTITIONS = 1;
    /**
     * Partitions of the busy shared topics (step results, probe results, lifecycle events): each service's instances
     * share them in one group, so 6 lets up to six instances of the orchestrator or notifier consume at once; keyed by
     * cutover or lease id, so one cutover's records stay in order.
     */
    public static final int BUSY_PARTITIONS = 6;
    /** Partitions of the quiet shared topics (rollbacks, breaches, fleet events, chat deliveries, dead letters): 3, two instances and a spare. */
    public static final int QUIET_PARTITIONS = 3;
    /**
     * Retention of the delete topics: 7 days, long enough to replay a weekend's messages after an outage or to read
     * them for an incident; everything that matters afterwards is in PostgreSQL (cutovers, audit, probe results).
     */
    public static final Duration RETENTION = Duration.ofDays(7);
    /** Retention of the dead letters: 30 days, so that a record set aside on a Friday is still there when someone looks. */
    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);
    /**
     * Extra configs of the lease registries: a registry change stays uncompacted for at least an hour
     * ({@code min.compaction.lag.ms}; the history of a host-key change is readable for that long), segments roll daily
     * ({@code segment.ms}, so compaction runs at least daily instead of once the default week-long segment closes),
     * and a tombstone is kept a day ({@code delete.retention.ms}).
     */
    public static final Map<String, String> LEASE_REGISTRY_CONFIGS = Map.of(
            "min.compaction.lag.ms", String.valueOf(Duration.ofHours(1).toMillis()),
            "segment.ms", String.valueOf(Duration.ofDays(1).toMillis()),
            "delete.retention.ms", String.valueOf(Duration.ofDays(1).toMillis()));

    private Topics() {
    }

    public static String stepCommands(Region region) {
        return STEP_COMMANDS_PREFIX + region.suffix();
    }

    public static String leaseRegistry(Region region) {
        return LEASE_REGISTRY_PREFIX + region.suffix();
    }

    /** Whether {@code topic} is compacted (keeps the last record per key): the lease registries. */
    public static boolean isCompacted(String topic) {
        return topic != null && topic.startsWith(LEASE_REGISTRY_PREFIX);
    }

    /** Every topic this product uses: the names of {@link #specs()}. */
    public static List<String> all() {
        return specs().stream().map(TopicSpec::name).toList();
    }

    /** Every topic this product uses, as it must look on any cluster (the reasons for the numbers are on the constants). */
    public static List<TopicSpec> specs() {
        List<TopicSpec> specs = new ArrayList<>();
        for (Region r : Region.values()) {
            specs.add(TopicSpec.delete(stepCommands(r), STEP_COMMAND_PARTITIONS, RETENTION));
        }
        for (Region r : Region.values()) {
            specs.add(TopicSpec.compact(leaseRegistry(r), LEASE_REGISTRY_PARTITIONS, LEASE_REGISTRY_CONFIGS));
        }
        specs.add(TopicSpec.delete(STEP_RESULTS, BUSY_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(ROLLBACK_STEP_RESULTS, QUIET_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(ROLLBACK_REQUESTS, QUIET_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(PROBE_RESULTS, BUSY_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(BREACHES, QUIET_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(EVENTS, BUSY_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(FLEET_EVENTS, QUIET_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(CHAT_DELIVERIES, QUIET_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(LEASE_WATCH, BUSY_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(LEASE_HEALTH, QUIET_PARTITIONS, RETENTION));
        specs.add(TopicSpec.delete(DEAD_LETTERS, QUIET_PARTITIONS, DEAD_LETTER_RETENTION));
        return Collections.unmodifiableList(specs);
    }

    /** The spec of {@code topic}, if it is one of {@link #specs()}. */
    public static java.util.Optional<TopicSpec> spec(String topic) {
        return specs().stream().filter(s -> s.name().equals(topic)).findFirst();
    }

    /** Reply topics a worker may publish to; anything else in {@link RunStep#replyTo()} is refused. */
    public static boolean isReplyTopic(String topic) {
        return STEP_RESULTS.equals(topic) || ROLLBACK_STEP_RESULTS.equals(topic);
    }
}
