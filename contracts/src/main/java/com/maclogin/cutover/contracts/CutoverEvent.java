package com.maclogin.cutover.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Event: something happened to a cutover. Published to {@code cutover.events}, keyed by lease id. notifier-service
 * turns these into chat messages, one thread per cutover; the orchestrator records rollback outcomes from them.
 *
 * @param reason  a human sentence for incidents and refusals, {@code null} otherwise
 * @param fleetId the fleet cutover this lease's cutover belongs to ({@code null}: a single-lease cutover); chat posts
 *                such a cutover's incidents as replies in the fleet's thread instead of opening a thread of its own
 * @param wave    the index of the fleet's wave the cutover runs in ({@code null} without a fleet)
 */
public record CutoverEvent(
        String messageId,
        String cutoverId,
        String leaseId,
        Instant timestamp,
        int schemaVersion,
        long epoch,
        CutoverEventType type,
        Region region,
        String ticketId,
        String previousVersion,
        String candidateVersion,
        String rollbackOwner,
        List<String> channels,
        Instant startedAt,
        Instant endedAt,
        String reason,
        String fleetId,
        Integer wave) implements CutoverMessage {

    /** A cutover outside any fleet. */
    public CutoverEvent(String messageId, String cutoverId, String leaseId, Instant timestamp, int schemaVersion,
            long epoch, CutoverEventType type, Region region, String ticketId, String previousVersion,
            String candidateVersion, String rollbackOwner, List<String> channels, Instant startedAt, Instant endedAt,
            String reason) {
        this(messageId, cutoverId, leaseId, timestamp, schemaVersion, epoch, type, region, ticketId, previousVersion,
                candidateVersion, rollbackOwner, channels, startedAt, endedAt, reason, null, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to change a few. */
    public Builder toBuilder() {
        return new Builder().messageId(messageId).cutoverId(cutoverId).leaseId(leaseId).timestamp(timestamp)
                .schemaVersion(schemaVersion).epoch(epoch).type(type).region(region).ticketId(ticketId)
                .previousVersion(previousVersion).candidateVersion(candidateVersion).rollbackOwner(rollbackOwner)
                .channels(channels).startedAt(startedAt).endedAt(endedAt).reason(reason).fleetId(fleetId).wave(wave);
    }

    /**
     * Builds a {@link CutoverEvent}. Left unset: {@code messageId} a random UUID, {@code timestamp} now,
     * {@code schemaVersion} this build's.
     */
    public static final class Builder {
        private String messageId;
        private String cutoverId;
        private String leaseId;
        private Instant timestamp;
        private int schemaVersion = SCHEMA_VERSION;
        private long epoch;
        private CutoverEventType type;
        private Region region;
        private String ticketId;
        private String previousVersion;
        private String candidateVersion;
        private String rollbackOwner;
        private List<String> channels;
        private Instant startedAt;
        private Instant endedAt;
        private String reason;
        private String fleetId;
        private Integer wave;

        private Builder() {
        }

        public Builder messageId(String v) {
            messageId = v;
            return this;
        }

        public Builder cutoverId(String v) {
            cutoverId = v;
            return this;
        }

        public Builder leaseId(String v) {
            leaseId = v;
            return this;
        }

        public Builder timestamp(Instant v) {
            timestamp = v;
            return this;
        }

        public Builder schemaVersion(int v) {
            schemaVersion = v;
            return this;
        }

        public Builder epoch(long v) {
            epoch = v;
            return this;
        }

        public Builder type(CutoverEventType v) {
            type = v;
            return this;
        }

        public Builder region(Region v) {
            region = v;
            return this;
        }

        public Builder ticketId(String v) {
            ticketId = v;
            return this;
        }

        public Builder previousVersion(String v) {
            previousVersion = v;
            return this;
        }

        public Builder candidateVersion(String v) {
            candidateVersion = v;
            return this;
        }

        public Builder rollbackOwner(String v) {
            rollbackOwner = v;
            return this;
        }

        public Builder channels(List<String> v) {
            channels = v;
            return this;
        }

        public Builder startedAt(Instant v) {
            startedAt = v;
            return this;
        }

        public Builder endedAt(Instant v) {
            endedAt = v;
            return this;
        }

        public Builder reason(String v) {
            reason = v;
            return this;
        }

        public Builder fleetId(String v) {
            fleetId = v;
            return this;
        }

        public Builder wave(Integer v) {
            wave = v;
            return this;
        }

        public CutoverEvent build() {
            return new CutoverEvent(messageId != null ? messageId : UUID.randomUUID().toString(), cutoverId, leaseId,
                    timestamp != null ? timestamp : Instant.now(), schemaVersion, epoch, type, region, ticketId,
                    previousVersion, candidateVersion, rollbackOwner, channels, startedAt, endedAt, reason, fleetId, wave);
        }
    }
}
