package com.maclogin.cutover.orchestrator.service;

import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.repository.CutoverRepository;
import com.maclogin.cutover.orchestrator.repository.FleetRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * Opens live event streams: checks the cutover or fleet exists (404 otherwise) and where the stream starts. A resumed
 * stream ({@code Last-Event-ID}, or {@code ?after=} for clients that cannot set headers) starts after that id; a new
 * one of a cutover or a fleet starts at its first event (the whole story so far), a new global one at the log's end
 * (only what happens from now on).
 */
@ApplicationScoped
public class EventStreamService {

    public static final String LAST_EVENT_ID = "Last-Event-ID";

    private final EventStreamHub hub;
    private final CutoverRepository cutovers;
    private final FleetRepository fleets;

    public EventStreamService(EventStreamHub hub, CutoverRepository cutovers, FleetRepository fleets) {
        this.hub = hub;
        this.cutovers = cutovers;
        this.fleets = fleets;
    }

    public void all(String lastEventId, String after, SseEventSink sink, Sse sse) {
        Long from = resumeFrom(lastEventId, after);
        hub.open(EventStreamHub.Filter.ALL, from != null ? from : hub.currentEnd(), sink, sse);
    }

    public void cutover(String id, String lastEventId, String after, SseEventSink sink, Sse sse) {
        Long from = resumeFrom(lastEventId, after);
        if (!QuarkusTransaction.requiringNew().call(() -> cutovers.findByIdOptional(id).isPresent())) {
            throw ApiException.notFound("cutover " + id + " not found");
        }
        hub.open(new EventStreamHub.Filter(id, null), from != null ? from : 0L, sink, sse);
    }

    public void fleet(String id, String lastEventId, String after, SseEventSink sink, Sse sse) {
        Long from = resumeFrom(lastEventId, after);
        if (!QuarkusTransaction.requiringNew().call(() -> fleets.findByIdOptional(id).isPresent())) {
            throw ApiException.notFound("fleet cutover " + id + " not found");
        }
        hub.open(new EventStreamHub.Filter(null, id), from != null ? from : 0L, sink, sse);
    }

    /** The event id to resume after: the header wins over the query; null when neither is given. */
    static Long resumeFrom(String lastEventId, String after) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            return eventId(LAST_EVENT_ID, lastEventId);
        }
        if (after != null && !after.isBlank()) {
            return eventId("after", after);
        }
        return null;
    }

    private static long eventId(String field, String value) {
        // ASCII digits only (Long.valueOf would take other scripts' digits)
        if (!value.trim().matches("[0-9]{1,18}")) {
            throw ApiException.invalid(field, field + " must be an event id (a whole number >= 0) from this stream");
        }
        return Long.parseLong(value.trim());
    }
}
