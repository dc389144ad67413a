package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.security.CurrentCaller;
import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.orchestrator.api.ActionRequest;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.AuditView;
import com.maclogin.cutover.orchestrator.api.FleetRequest;
import com.maclogin.cutover.orchestrator.api.FleetView;
import com.maclogin.cutover.orchestrator.service.EventStreamService;
import com.maclogin.cutover.orchestrator.service.FleetService;
import com.maclogin.cutover.orchestrator.service.InputValidator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.net.URI;
import java.util.List;

/**
 * Fleet cutovers: one request upgrades many leases in waves, each lease through a normal cutover. Same auth as the
 * cutover API (viewers read, operators act), same problem+json errors, same Idempotency-Key semantics.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/fleet-cutovers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FleetResource {

    private final FleetService fleets;
    private final CurrentCaller caller;
    private final EventStreamService streams;

    public FleetResource(FleetService fleets, CurrentCaller caller,
            EventStreamService streams) {
        this.streams = streams;
        this.fleets = fleets;
        this.caller = caller;
    }

    /** 201 + Location for a new fleet; 200 with the same fleet when an Idempotency-Key is replayed. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    public Response start(FleetRequest request, @HeaderParam(CutoverResource.IDEMPOTENCY_HEADER) String idempotencyKey,
            @HeaderParam(CutoverResource.OPERATOR_HEADER) String operator) {
        FleetService.Created c = fleets.create(request, idempotencyKey, operator, caller.name());
        URI location = URI.create("/api/v1/fleet-cutovers/" + c.fleet().id());
        return (c.created() ? Response.created(location) : Response.ok().location(location)).entity(c.fleet()).build();
    }

    @GET
    public List<FleetView> list(@QueryParam("state") String state, @QueryParam("limit") String limit) {
        if (limit != null && !limit.isBlank() && !limit.trim().matches("[0-9]{1,6}")) {
            throw ApiException.invalid("limit", "limit must be a whole number between 1 and 500");
        }
        return fleets.list(state, limit == null || limit.isBlank() ? null : Integer.valueOf(limit.trim()));
    }

    /**
     * Live events of this fleet (Server-Sent Events) from its first, or after {@code Last-Event-ID} ({@code ?after=}):
     * state changes, steps, probe rounds, breaches, operator actions, chat deliveries and those of its cutovers, waves.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id,
            @HeaderParam(EventStreamService.LAST_EVENT_ID) String lastEventId,
            @QueryParam("after") String after, @Context SseEventSink sink,
            @Context Sse sse) {
        streams.fleet(id(id), lastEventId, after, sink, sse);
    }

    @GET
    @Path("/{id}")
    public FleetView get(@PathParam("id") String id) {
        return fleets.get(id(id)).orElseThrow(() -> notFound(id));
    }

    /** Every wave transition and operator action, with its actor, oldest first. */
    @GET
    @Path("/{id}/audit")
    public List<AuditView> audit(@PathParam("id") String id) {
        return fleets.audit(id(id)).orElseThrow(() -> notFound(id));
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/pause")
    public FleetView pause(@PathParam("id") String id, ActionRequest r, @HeaderParam(CutoverResource.OPERATOR_HEADER) String op) {
        return fleets.act(id(id), FleetService.Action.PAUSE, r, op, caller.name());
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/resume")
    public FleetView resume(@PathParam("id") String id, ActionRequest r, @HeaderParam(CutoverResource.OPERATOR_HEADER) String op) {
        return fleets.act(id(id), FleetService.Action.RESUME, r, op, caller.name());
    }

    /** Starts the next wave (when the plan waits for a promote) or cuts the current bake short. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/promote")
    public FleetView promote(@PathParam("id") String id, ActionRequest r, @HeaderParam(CutoverResource.OPERATOR_HEADER) String op) {
        return fleets.act(id(id), FleetService.Action.PROMOTE, r, op, caller.name());
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/abort")
    public FleetView abort(@PathParam("id") String id, ActionRequest r, @HeaderParam(CutoverResource.OPERATOR_HEADER) String op) {
        return fleets.act(id(id), FleetService.Action.ABORT, r, op, caller.name());
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/rollback")
    public Response rollback(@PathParam("id") String id, ActionRequest r, @HeaderParam(CutoverResource.OPERATOR_HEADER) String op) {
        return Response.accepted(fleets.act(id(id), FleetService.Action.ROLLBACK, r, op, caller.name())).build();
    }

    /** A DONE fleet upgrades the leases behind its target (matching its selector) with the same plan, canary included. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/extend")
    public FleetView extend(@PathParam("id") String id, ActionRequest r, @HeaderParam(CutoverResource.OPERATOR_HEADER) String op) {
        return fleets.act(id(id), FleetService.Action.EXTEND, r, op, caller.name());
    }

    private static String id(String id) {
        return InputValidator.pathId("id", id);
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("fleet cutover " + id + " not found");
    }
}
