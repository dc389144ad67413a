package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.security.CurrentCaller;
import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.orchestrator.api.ActionRequest;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.AuditView;
import com.maclogin.cutover.orchestrator.api.CutoverRequest;
import com.maclogin.cutover.orchestrator.api.CutoverView;
import com.maclogin.cutover.orchestrator.api.ProbeResultView;
import com.maclogin.cutover.orchestrator.service.CutoverService;
import com.maclogin.cutover.orchestrator.service.EventStreamService;
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

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/cutovers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CutoverResource {

    public static final String OPERATOR_HEADER = "X-Operator";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final CutoverService cutovers;
    private final CurrentCaller caller;
    private final EventStreamService streams;

    public CutoverResource(CutoverService cutovers, CurrentCaller caller,
            EventStreamService streams) {
        this.streams = streams;
        this.cutovers = cutovers;
        this.caller = caller;
    }

    /** 201 + Location for a new cutover; 200 with the same cutover when an Idempotency-Key is replayed. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    public Response start(CutoverRequest request, @HeaderParam(IDEMPOTENCY_HEADER) String idempotencyKey,
            @HeaderParam(OPERATOR_HEADER) String operator) {
        CutoverService.Created c = cutovers.create(request, idempotencyKey, operator, caller.name());
        URI location = URI.create("/api/v1/cutovers/" + c.cutover().id());
        return (c.created() ? Response.created(location) : Response.ok().location(location)).entity(c.cutover()).build();
    }

    @GET
    public List<CutoverView> list(@QueryParam("lease") String lease, @QueryParam("state") String state,
            @QueryParam("limit") String limit) {
        return cutovers.list(lease, state, parseLimit(limit));
    }

    @GET
    @Path("/{id}")
    public CutoverView get(@PathParam("id") String id) {
        return cutovers.get(id(id)).orElseThrow(() -> notFound(id));
    }

    /**
     * Live events of this cutover (Server-Sent Events) from its first, or after {@code Last-Event-ID} ({@code ?after=}):
     * state changes, steps, probe rounds, breaches, operator actions, chat deliveries.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id,
            @HeaderParam(EventStreamService.LAST_EVENT_ID) String lastEventId,
            @QueryParam("after") String after, @Context SseEventSink sink,
            @Context Sse sse) {
        streams.cutover(id(id), lastEventId, after, sink, sse);
    }

    /** The audit trail: who started what, every gate and step with evidence references, overrides, breaches. */
    @GET
    @Path("/{id}/audit")
    public List<AuditView> audit(@PathParam("id") String id) {
        return cutovers.audit(id(id)).orElseThrow(() -> notFound(id));
    }

    /** Stored probe results of the validation window(s), newest first; {@code layer} filters, {@code limit} 1-500. */
    @GET
    @Path("/{id}/probe-results")
    public List<ProbeResultView> probeResults(@PathParam("id") String id, @QueryParam("layer") String layer,
            @QueryParam("limit") String limit) {
        return cutovers.probeResults(id(id), layer, parseLimit(limit)).orElseThrow(() -> notFound(id));
    }

    /**
     * A second operator approves the loosenings (overrides, milder trigger actions) the cutover waits for; then it
     * begins. 403 for the requester themself, 409 when nothing waits.
     */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/overrides/approve")
    @Consumes(MediaType.WILDCARD) // no body needed
    public CutoverView approveOverrides(@PathParam("id") String id) {
        return cutovers.approveOverrides(id(id), caller.name());
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/rollback")
    public Response rollback(@PathParam("id") String id, ActionRequest request, @HeaderParam(OPERATOR_HEADER) String operator) {
        return Response.accepted(cutovers.rollback(id(id), request, operator, caller.name())).build();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/abort")
    public CutoverView abort(@PathParam("id") String id, ActionRequest request, @HeaderParam(OPERATOR_HEADER) String operator) {
        return cutovers.abort(id(id), request, operator, caller.name());
    }

    /** RUNNING/VALIDATING → PAUSED: the step in flight finishes, the next one is not sent until resume. */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/pause")
    public CutoverView pause(@PathParam("id") String id, ActionRequest request, @HeaderParam(OPERATOR_HEADER) String operator) {
        return cutovers.pause(id(id), request, operator, caller.name());
    }

    /** PAUSED → carries on: re-sends the interrupted step or sends the held one (new attempt, current epoch). */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/resume")
    public CutoverView resume(@PathParam("id") String id, ActionRequest request, @HeaderParam(OPERATOR_HEADER) String operator) {
        return cutovers.resume(id(id), request, operator, caller.name());
    }

    /**
     * An ended cutover's freeze marker is still on the lease (its UNFREEZE failed, or its rollback failed and the lease
     * was fixed by hand): sends UNFREEZE again, audited with the operator and reason. 409 while the cutover is active.
     */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Path("/{id}/unfreeze")
    public Response unfreeze(@PathParam("id") String id, ActionRequest request, @HeaderParam(OPERATOR_HEADER) String operator) {
        return Response.accepted(cutovers.liftFreeze(id(id), request, operator, caller.name())).build();
    }

    private static String id(String id) {
        return InputValidator.pathId("id", id);
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("cutover " + id + " not found");
    }

    private static Integer parseLimit(String limit) {
        if (limit == null || limit.isBlank()) {
            return null;
        }
        // ASCII digits only: Integer.valueOf would also take other scripts' digits (homoglyphs such as '\u0661')
        if (!limit.trim().matches("[0-9]{1,6}")) {
            throw ApiException.invalid("limit", "limit must be a whole number between 1 and 500");
        }
        return Integer.valueOf(limit.trim());
    }
}
