package com.maclogin.cutover.contracts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Topic names. {@code contracts/asyncapi.yaml} documents each; {@code AsyncApiDriftTest} keeps the two equal. */
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
    /** Records a consumer could not process ({@link DeadLetter}), from every service, set aside by the messaging kit. */
    public static final String DEAD_LETTERS = "cutover.dead-letters";

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

    /** Every topic this product uses. */
    public static List<String> all() {
        List<String> all = new ArrayList<>();
        for (Region r : Region.values()) {
            all.add(stepCommands(r));
        }
        for (Region r : Region.values()) {
            all.add(leaseRegistry(r));
        }
        all.add(STEP_RESULTS);
        all.add(ROLLBACK_STEP_RESULTS);
        all.add(ROLLBACK_REQUESTS);
        all.add(PROBE_RESULTS);
        all.add(BREACHES);
        all.add(EVENTS);
        all.add(FLEET_EVENTS);
        all.add(CHAT_DELIVERIES);
        all.add(DEAD_LETTERS);
        return Collections.unmodifiableList(all);
    }

    /** Reply topics a worker may publish to; anything else in {@link RunStep#replyTo()} is refused. */
    public static boolean isReplyTopic(String topic) {
        return STEP_RESULTS.equals(topic) || ROLLBACK_STEP_RESULTS.equals(topic);
    }
}
