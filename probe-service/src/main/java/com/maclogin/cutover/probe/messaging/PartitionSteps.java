package com.maclogin.cutover.probe.messaging;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jakarta.inject.Singleton;
import org.apache.kafka.common.TopicPartition;

/**
 * The commands this worker accepted and has not answered yet (queued in a lease's lane or running), by the step topic
 * partition they came from. When the worker loses a partition (a rebalance gave it to another worker of the region),
 * {@link #revoke} marks that partition's tickets: a queued one never starts, a running one is stopped by the caller,
 * and neither sends a result (the partition's new owner gets the command again and answers).
 */
@Singleton
public class PartitionSteps {

    /** One accepted command. */
    public static final class Ticket {
        private final TopicPartition partition;
        private final String commandMessageId;
        private volatile boolean revoked;

        Ticket(TopicPartition partition, String commandMessageId) {
            this.partition = partition;
            this.commandMessageId = commandMessageId;
        }

        public TopicPartition partition() {
            return partition;
        }

        public String commandMessageId() {
            return commandMessageId;
        }

        /** Whether this worker lost the ticket's partition since the command was accepted. */
        public boolean revoked() {
            return revoked;
        }
    }

    private final Map<TopicPartition, Set<Ticket>> open = new HashMap<>();

    /** Records a command from {@code partition} (null: not from Kafka, never revoked). */
    public synchronized Ticket accept(TopicPartition partition, String commandMessageId) {
        Ticket t = new Ticket(partition, commandMessageId);
        if (partition != null) {
            open.computeIfAbsent(partition, p -> new LinkedHashSet<>()).add(t);
        }
        return t;
    }

    /** The command is answered (or set aside): it no longer belongs to its partition's open work. */
    public synchronized void done(Ticket t) {
        Set<Ticket> s = open.get(t.partition);
        if (s != null && s.remove(t) && s.isEmpty()) {
            open.remove(t.partition);
        }
    }

    /** Marks and returns the open tickets of these partitions, which this worker no longer owns. */
    public synchronized List<Ticket> revoke(Collection<TopicPartition> partitions) {
        List<Ticket> out = new ArrayList<>();
        for (TopicPartition p : partitions) {
            Set<Ticket> s = open.remove(p);
            if (s != null) {
                for (Ticket t : s) {
                    t.revoked = true;
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Marks and returns every open ticket (the worker is shutting down: its partitions go to the other workers). */
    public synchronized List<Ticket> revokeAll() {
        return revoke(List.copyOf(open.keySet()));
    }

    /** Open tickets, all partitions. */
    public synchronized int size() {
        return open.values().stream().mapToInt(Set::size).sum();
    }
}
