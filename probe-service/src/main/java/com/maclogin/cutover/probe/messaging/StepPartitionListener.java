package com.maclogin.cutover.probe.messaging;

import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.service.StepExecutionService;
import com.maclogin.cutover.probe.watch.OwnedPartitions;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The step channel's rebalance listener ({@code mp.messaging.incoming.steps.consumer-rebalance-listener.name}): when
 * this worker loses partitions of {@code cutover.steps.<region>} (another worker of the region joined or took them
 * over; the channel uses the cooperative sticky assignor, so only partitions that really move are revoked), the steps
 * it was running for their commands are stopped ({@link StepExecutionService#stop}: their SSH connections closed, their
 * lease locks released when they end), queued ones never start, and none of them sends a result: the new owner gets
 * the commands again from the last committed offset and answers. Every change of the assignment also goes to
 * {@link OwnedPartitions} (the continuous watch follows it). Runs on the poll thread; it only flags and closes.
 */
@ApplicationScoped
@Identifier(StepPartitionListener.NAME)
public class StepPartitionListener implements KafkaConsumerRebalanceListener {

    public static final String NAME = "probe-steps-rebalance";

    private final PartitionSteps open;
    private final StepExecutionService steps;
    private final OwnedPartitions owned;

    public StepPartitionListener(PartitionSteps open, StepExecutionService steps, OwnedPartitions owned) {
        this.open = open;
        this.steps = steps;
        this.owned = owned;
    }

    /** The continuous watch follows the assignment: it watches the leases of the partitions this worker owns. */
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.assigned(consumer, partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.removed(partitions);
        stop(partitions, "revoked");
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.removed(partitions);
        stop(partitions, "lost");
    }

    private void stop(Collection<TopicPartition> partitions, String how) {
        stop(open, steps::stop, partitions, how);
    }

    /**
     * Revokes the open work of {@code partitions} in {@code open} and stops each running step through
     * {@code stopper} (command message id, reason; true when a step was running); returns how many were running.
     */
    static int stop(PartitionSteps open, BiPredicate<String, String> stopper, Collection<TopicPartition> partitions,
            String how) {
        if (partitions.isEmpty()) {
            return 0;
        }
        List<PartitionSteps.Ticket> tickets = open.revoke(partitions);
        int running = 0;
        for (PartitionSteps.Ticket t : tickets) {
            if (stopper.test(t.commandMessageId(), String.format(ProbeReasons.PARTITION_REVOKED, t.partition()))) {
                running++;
            }
        }
        Log.infof("step topic partitions %s %s: %d steps stopped, %d queued dropped; their new owner answers",
                partitions, how, running, tickets.size() - running);
        return running;
    }
}
