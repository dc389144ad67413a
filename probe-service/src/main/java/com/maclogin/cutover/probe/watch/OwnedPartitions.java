package com.maclogin.cutover.probe.watch;

import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions of {@code cutover.steps.<region>} this worker owns right now in its consumer group, kept by the step
 * channel's rebalance listener ({@code messaging.StepPartitionListener}: assigned adds, revoked and lost remove, which
 * is right for the cooperative sticky assignor's incremental callbacks and for an eager one alike), and the topic's
 * partition count, taken from the consumer's metadata at each assignment (never a constant). Every change tells the
 * listeners (the watch recomputes its leases).
 */
@Singleton
public class OwnedPartitions {

    /** What the worker owns: partition numbers of a topic with {@code count} partitions (0 = not known yet). */
    public record Snapshot(Set<Integer> partitions, int count) {
    }

    private final Set<Integer> owned = new TreeSet<>();
    private int count;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Partitions newly assigned to this worker; the count is read from {@code consumer}'s metadata of the topic. */
    public void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        int n = 0;
        String topic = partitions.iterator().next().topic();
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            n = infos == null ? 0 : infos.size();
        } catch (RuntimeException e) {
            Log.warnf("watch: partition count of %s not readable (%s); using the assignment's highest", topic,
                    e.toString());
        }
        assigned(partitions, n);
    }

    /** Partitions newly assigned, of a topic with {@code partitionCount} partitions (0 = unknown). */
    public void assigned(Collection<TopicPartition> partitions, int partitionCount) {
        synchronized (this) {
            partitions.forEach(p -> owned.add(p.partition()));
            int highest = owned.stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
            count = Math.max(partitionCount > 0 ? partitionCount : count, highest);
        }
        changed();
    }

    /** Partitions this worker no longer owns (revoked or lost). */
    public void removed(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        synchronized (this) {
            partitions.forEach(p -> owned.remove(p.partition()));
        }
        changed();
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(Set.copyOf(owned), count);
    }

    /** {@code listener} runs after every change (on the thread that made it: keep it short). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }
}
