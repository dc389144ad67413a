package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.security.CurrentCaller;
import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.LeaseAuditView;
import com.maclogin.cutover.orchestrator.api.LeaseRequest;
import com.maclogin.cutover.orchestrator.api.LeaseView;
import com.maclogin.cutover.orchestrator.api.LeaseHealthDetail;
import com.maclogin.cutover.orchestrator.health.LeaseHealthService;
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
    private final CurrentCaller caller;
    private final LeaseHealthService health;

    public LeaseResource(LeaseService leases, CurrentCaller caller, LeaseHealthService health) {
        this.health = health;
        this.leases = leases;
        this.caller = caller;
    }

    /**
     * Registers a lease (201) or changes a registered one (200); admins only, audited with the old and new values,
     * 409 while the lease has an active cutover.
     */
    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response register(LeaseRequest request) {
        LeaseService.Upserted u = leases.upsert(request, caller.name());
        if (u.created()) {
            return Response.created(URI.create("/api/v1/leases/" + u.lease().id())).entity(u.lease()).build();
        }
        return Response.ok(u.lease()).build();
    }

    @GET
    public List<LeaseView> list() {
        return leases.list();
    }

    /** Who registered and changed the lease, when, with the fields before and after. */
    @GET
    @Path("/{id}/audit")
    public List<LeaseAuditView> audit(@PathParam("id") String id) {
        return leases.audit(InputValidator.pathId("id", id)).orElseThrow(() -> ApiException.notFound("lease " + id + " not found"));
    }

    /**
     * The lease's health (continuous watch), its roll-ups of the last hour and its recent health changes; 404 for an
     * unknown lease.
     */
    @GET
    @Path("/{id}/health")
    public LeaseHealthDetail health(@PathParam("id") String id) {
        return health.detail(InputValidator.pathId("id", id))
                .orElseThrow(() -> ApiException.notFound("lease " + id + " not found"));
    }

    @GET
    @Path("/{id}")
    public LeaseView get(@PathParam("id") String id) {
        return leases.get(InputValidator.pathId("id", id)).orElseThrow(() -> ApiException.notFound("lease " + id + " not found"));
    }
}
