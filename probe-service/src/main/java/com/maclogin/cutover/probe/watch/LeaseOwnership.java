package com.maclogin.cutover.probe.watch;

import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.Region;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Utils;

/**
 * Which leases a worker watches: those of its region's registry whose id, as a record key, falls on a partition of
 * {@code cutover.steps.<region>} the worker owns in its consumer group. The partition is the one Kafka's default
 * partitioner gives the key ({@code toPositive(murmur2(utf8(leaseId))) % partitions}), i.e. the partition the lease's
 * step commands travel on: the worker that runs a lease's steps also watches it, and every lease has exactly one
 * owner per rebalance generation.
 */
public final class LeaseOwnership {

    private LeaseOwnership() {
    }

    /** The partition of {@code partitions} a record keyed {@code leaseId} goes to. */
    public static int partitionOf(String leaseId, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be > 0: " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(leaseId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * The registrations of {@code region} in {@code registry} whose partition is in {@code owned} (of
     * {@code partitions}), by lease id (sorted). No partition count yet (0): nothing is owned.
     */
    public static Map<String, LeaseRegistration> owned(Collection<LeaseRegistration> registry, Region region,
            Set<Integer> owned, int partitions) {
        Map<String, LeaseRegistration> out = new TreeMap<>();
        if (partitions <= 0 || owned.isEmpty()) {
            return out;
        }
        for (LeaseRegistration r : registry) {
            if (r.region() == region && owned.contains(partitionOf(r.leaseId(), partitions))) {
                out.put(r.leaseId(), r);
            }
        }
        return out;
    }
}
