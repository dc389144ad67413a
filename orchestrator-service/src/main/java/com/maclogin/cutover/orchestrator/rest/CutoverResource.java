package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.orchestrator.api.ActionRequest;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.CutoverRequest;
import com.maclogin.cutover.orchestrator.api.CutoverView;
import com.maclogin.cutover.orchestrator.service.CutoverService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

@Path("/api/v1/cutovers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CutoverResource {

    public static final String OPERATOR_HEADER = "X-Operator";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final CutoverService cutovers;

    public CutoverResource(CutoverService cutovers) {
        this.cutovers = cutovers;
    }

    /** 201 + Location for a new cutover; 200 with the same cutover when an Idempotency-Key is replayed. */
    @POST
    public Response start(CutoverRequest request, @HeaderParam(IDEMPOTENCY_HEADER) String idempotencyKey,
            @HeaderParam(OPERATOR_HEADER) String operator) {
        CutoverService.Created c = cutovers.create(request, idempotencyKey, operator);
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
        return cutovers.get(id).orElseThrow(() -> ApiException.notFound("cutover " + id + " not found"));
    }

    @POST
    @Path("/{id}/rollback")
    public Response rollback(@PathParam("id") String id, ActionRequest request, @HeaderParam(OPERATOR_HEADER) String operator) {
        return Response.accepted(cutovers.rollback(id, request, operator)).build();
    }

    @POST
    @Path("/{id}/abort")
    public CutoverView abort(@PathParam("id") String id, ActionRequest request, @HeaderParam(OPERATOR_HEADER) String operator) {
        return cutovers.abort(id, request, operator);
    }

    private static Integer parseLimit(String limit) {
        if (limit == null || limit.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(limit.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("limit", "limit must be a whole number between 1 and 500");
        }
    }
}
