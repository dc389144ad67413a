package com.maclogin.cutover.localstack;

import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on the broker: one Kafka principal per service and one per region's workers, each with the literal
 * topics it reads (with its consumer group) and writes. The one table the local stack's broker is given as ACLs
 * (README "Kafka security" lists the same rows for a production operator; a Strimzi {@code KafkaUser} per row is the
 * same data). READ implies DESCRIBE of the topic, WRITE implies DESCRIBE and, on Kafka 3+, the idempotent producer's
 * IDEMPOTENT_WRITE, so nothing else is granted. Everything not in the table is refused
 * ({@code allow.everyone.if.no.acl.found=false}); the broker itself and the harness's admin are super users.
 */
public final class KafkaAcls {

    /** The broker's own principal (inter-broker SASL_SSL), a super user. */
    public static final String BROKER = "broker";
    /** The test harness's and the benchmarks' clients (create topics and ACLs, read every topic), a super user. */
    public static final String ADMIN = "admin";

    /**
     * One principal's grants.
     *
     * @param principal the SASL user name (also the CN of its mTLS certificate), e.g. {@code probe-hk}
     * @param group     the consumer group its channels use
     * @param reads     topics it consumes (READ on each, READ on {@code group})
     * @param writes    topics it produces to (WRITE)
     */
    public record Access(String principal, String group, List<String> reads, List<String> writes) {
    }

    private KafkaAcls() {
    }

    /** The lease registry of a region ({@link Topics#leaseRegistry(Region)}). */
    static String leaseRegistry(Region r) {
        return Topics.leaseRegistry(r);
    }

    /** The principal of a region's probe workers: {@code probe-hk}, ... */
    public static String worker(Region r) {
        return "probe-" + r.suffix();
    }

    /** Every service's and every region's workers' grants, taken from what each one consumes and publishes. */
    public static List<Access> table() {
        List<String> allSteps = new ArrayList<>();
        List<String> allLeases = new ArrayList<>();
        for (Region r : Region.values()) {
            allSteps.add(Topics.stepCommands(r));
            allLeases.add(leaseRegistry(r));
        }
        List<Access> table = new ArrayList<>();
        table.add(new Access("orchestrator", "orchestrator-service",
                List.of(Topics.STEP_RESULTS, Topics.EVENTS, Topics.PROBE_RESULTS, Topics.BREACHES, Topics.CHAT_DELIVERIES,
                        Topics.LEASE_WATCH),
                concat(allSteps, List.of(Topics.ROLLBACK_REQUESTS, Topics.EVENTS, Topics.FLEET_EVENTS), allLeases,
                        List.of(Topics.LEASE_HEALTH, Topics.DEAD_LETTERS))));
        table.add(new Access("rollback-service", "rollback-service",
                List.of(Topics.ROLLBACK_REQUESTS, Topics.BREACHES, Topics.ROLLBACK_STEP_RESULTS),
                concat(allSteps, List.of(Topics.EVENTS, Topics.DEAD_LETTERS))));
        table.add(new Access("notifier", "notifier-service",
                List.of(Topics.EVENTS, Topics.FLEET_EVENTS, Topics.LEASE_HEALTH),
                List.of(Topics.CHAT_DELIVERIES, Topics.DEAD_LETTERS)));
        for (Region r : Region.values()) {
            table.add(new Access(worker(r), "probe-service-" + r.suffix(),
                    List.of(Topics.stepCommands(r), leaseRegistry(r)),
                    List.of(Topics.STEP_RESULTS, Topics.ROLLBACK_STEP_RESULTS, Topics.PROBE_RESULTS, Topics.BREACHES,
                            Topics.LEASE_WATCH, Topics.DEAD_LETTERS)));
        }
        return List.copyOf(table);
    }

    /** The principals of {@link #table()}, then the super users. */
    public static List<String> principals() {
        List<String> names = new ArrayList<>(table().stream().map(Access::principal).toList());
        names.add(BROKER);
        names.add(ADMIN);
        return names;
    }

    /** {@link #table()} as broker ACLs: ALLOW, any host, literal names. */
    public static List<AclBinding> bindings() {
        List<AclBinding> acls = new ArrayList<>();
        for (Access a : table()) {
            String user = "User:" + a.principal();
            for (String t : a.reads()) {
                acls.add(allow(ResourceType.TOPIC, t, user, AclOperation.READ));
            }
            acls.add(allow(ResourceType.GROUP, a.group(), user, AclOperation.READ));
            for (String t : a.writes()) {
                acls.add(allow(ResourceType.TOPIC, t, user, AclOperation.WRITE));
            }
        }
        return acls;
    }

    private static AclBinding allow(ResourceType type, String name, String user, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(user, "*", op, AclPermissionType.ALLOW));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }
}
