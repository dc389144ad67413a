package com.maclogin.cutover.contracts;

import java.time.Instant;

/**
 * What every Kafka message of this product carries. Messages are keyed by {@link #leaseId()} so that one lease's
 * traffic stays ordered on one partition.
 */
public interface CutoverMessage {

    /** Schema version written by this build. Consumers refuse messages with a higher major version. */
    int SCHEMA_VERSION = 1;

    /** Unique id of this message; consumers that write remember it (inbox) so a redelivery has no effect. */
    String messageId();

    String cutoverId();

    /**
     * Whether this message is about a cutover, so that a consumer requires {@link #cutoverId()}; a message about a
     * lease alone (the continuous watch's {@link LeaseWatchReport}, {@link LeaseHealthEvent}) says no and requires
     * {@link #leaseId()} instead.
     */
    default boolean aboutCutover() {
        return true;
    }

    /** Kafka record key. */
    String leaseId();

    Instant timestamp();

    int schemaVersion();
}
