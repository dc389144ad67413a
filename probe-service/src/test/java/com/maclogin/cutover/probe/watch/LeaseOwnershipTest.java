package com.maclogin.cutover.probe.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Which leases a worker watches: the partition of a lease id is the one the Kafka producer's own partitioner picks for
 * that key, and owners of disjoint partition sets watch disjoint lease sets that together cover the region.
 * (WatchIntegrationTest checks the same against records a real producer sent to a real broker.)
 */
class LeaseOwnershipTest {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDZKDbEXTOxBDQdEzj6GS3WySw5F3Jrb1Y9TIcaoe+9v";

    static LeaseRegistration lease(String id, Region region) {
        return LeaseRegistration.of(id, new LeaseTarget(region, "127.0.0.1", 22, "alice", KEY, 18789, "probe"),
                "STAGING", Instant.now());
    }

    @Test
    void theLeasePartitionIsTheProducersPartitionForTheKey() {
        for (int partitions : new int[] {1, 3, 6, 12, 64}) {
            for (int i = 0; i < 500; i++) {
                String id = "hk-" + i;
                assertThat(LeaseOwnership.partitionOf(id, partitions)).isEqualTo(
                        BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    @Test
    void workersWithDisjointPartitionsWatchEveryLeaseOfTheRegionExactlyOnce() {
        List<LeaseRegistration> registry = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            registry.add(lease("hk-" + i, Region.HK));
        }
        registry.add(lease("jp-1", Region.JP));
        Map<String, LeaseRegistration> a = LeaseOwnership.owned(registry, Region.HK, Set.of(0, 2, 4), 6);
        Map<String, LeaseRegistration> b = LeaseOwnership.owned(registry, Region.HK, Set.of(1, 3), 6);
        Map<String, LeaseRegistration> c = LeaseOwnership.owned(registry, Region.HK, Set.of(5), 6);
        Set<String> all = new HashSet<>();
        for (Map<String, LeaseRegistration> m : List.of(a, b, c)) {
            for (String id : m.keySet()) {
                assertThat(all.add(id)).as("%s watched twice", id).isTrue();
            }
        }
        assertThat(all).hasSize(300).doesNotContain("jp-1");
        assertThat(LeaseOwnership.owned(registry, Region.HK, Set.of(0), 0)).isEmpty();
    }

    @Test
    void ownedPartitionsFollowIncrementalAssignAndRevokeAndTellTheirListeners() {
        OwnedPartitions owned = new OwnedPartitions();
        int[] changes = new int[1];
        owned.onChange(() -> changes[0]++);
        owned.assigned(List.of(tp(0), tp(1), tp(2)), 6);
        owned.removed(List.of(tp(1)));
        owned.assigned(List.of(tp(4)), 6);
        assertThat(owned.snapshot().partitions()).containsExactlyInAnyOrder(0, 2, 4);
        assertThat(owned.snapshot().count()).isEqualTo(6);
        assertThat(changes[0]).isEqualTo(3);
    }

    private static TopicPartition tp(int p) {
        return new TopicPartition("cutover.steps.hk", p);
    }
}
