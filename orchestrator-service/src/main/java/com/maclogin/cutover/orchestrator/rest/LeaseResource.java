package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.LeaseRequest;
import com.maclogin.cutover.orchestrator.api.LeaseView;
import com.maclogin.cutover.orchestrator.service.InputValidator;
import com.maclogin.cutover.orchestrator.service.LeaseService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/leases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LeaseResource {

    private final LeaseService leases;

    public LeaseResource(LeaseService leases) {
        this.leases = leases;
    }

    /** Registers a lease (201) or updates a registered one (200). */
    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response register(LeaseRequest request) {
        LeaseService.Upserted u = leases.upsert(request);
        if (u.created()) {
            return Response.created(URI.create("/api/v1/leases/" + u.lease().id())).entity(u.lease()).build();
        }
        return Response.ok(u.lease()).build();
    }

    @GET
    public List<LeaseView> list() {
        return leases.list();
    }

    @GET
    @Path("/{id}")
    public LeaseView get(@PathParam("id") String id) {
        return leases.get(InputValidator.pathId("id", id)).orElseThrow(() -> ApiException.notFound("lease " + id + " not found"));
    }
}
