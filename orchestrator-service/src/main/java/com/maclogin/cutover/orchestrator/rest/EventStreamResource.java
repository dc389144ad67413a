package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.orchestrator.service.EventStreamService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * The live event stream of everything (Server-Sent Events): what happens from now on, or after {@code Last-Event-ID}
 * ({@code ?after=}). One cutover's and one fleet's streams are {@code /api/v1/cutovers/{id}/events} and
 * {@code /api/v1/fleet-cutovers/{id}/events}. Same bearer auth as the API; viewers may read.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/events")
public class EventStreamResource {

    private final EventStreamService streams;

    public EventStreamResource(EventStreamService streams) {
        this.streams = streams;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void all(@HeaderParam(EventStreamService.LAST_EVENT_ID) String lastEventId, @QueryParam("after") String after,
            @Context SseEventSink sink, @Context Sse sse) {
        streams.all(lastEventId, after, sink, sse);
    }
}
