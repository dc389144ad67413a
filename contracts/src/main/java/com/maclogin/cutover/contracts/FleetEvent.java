package com.maclogin.cutover.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Event: something happened to a fleet cutover (one request that upgrades many leases in waves). Published to
 * {@code fleet.events}, keyed by the fleet id so that one fleet's events stay in order. notifier-service keeps one
 * thread per fleet and channel: the banner, one message per wave start and end, each lease incident as a reply, the
 * final summary. The envelope's {@link #cutoverId()} and {@link #leaseId()} are the fleet id (the fleet is the unit
 * this event is about, and the record key).
 *
 * @param fleetId          the fleet cutover's id
 * @param wave             index of the wave this is about (0 = the staging wave), {@code null} for fleet-wide events
 * @param waveName         the wave's name ({@code staging}, {@code canary}, {@code HK}, ...), {@code null} likewise
 * @param region           the region this is about (REGION_PAUSED, LEASE_INCIDENT), else {@code null}
 * @param subjectLeaseId   the lease a LEASE_INCIDENT is about, else {@code null}
 * @param subjectCutoverId that lease's cutover, else {@code null}
 * @param counts           lease counts by state at the time of the event ({@code GREEN}, {@code ROLLED_BACK},
 *                         {@code FAILED}, {@code IN_FLIGHT}, {@code PENDING}, ...), never {@code null}
 * @param summary          the plan summary (FLEET_STARTED) or the final summary (FLEET_ENDED), else {@code null}
 * @param reason           a human sentence for incidents, halts and pauses, else {@code null}
 * @param state            the fleet's state after this event ({@code RUNNING}, {@code PAUSED}, {@code HALTED},
 *                         {@code DONE}, ...)
 */
public record FleetEvent(
        String messageId,
        String fleetId,
        Instant timestamp,
        int schemaVersion,
        FleetEventType type,
        String ticketId,
        String candidateVersion,
        String rollbackOwner,
        List<String> channels,
        Integer wave,
        String waveName,
        Region region,
        String subjectLeaseId,
        String subjectCutoverId,
        Map<String, Integer> counts,
        String summary,
        String reason,
        String state,
        Instant startedAt,
        Instant endedAt) implements CutoverMessage {

    public FleetEvent {
        counts = counts == null ? Map.of() : Map.copyOf(counts);
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    /** The fleet id: the fleet is what this event is about. */
    @JsonIgnore
    @Override
    public String cutoverId() {
        return fleetId;
    }

    /** The record key: the fleet id, so that one fleet's events stay ordered on one partition. */
    @JsonIgnore
    @Override
    public String leaseId() {
        return fleetId;
    }
}
