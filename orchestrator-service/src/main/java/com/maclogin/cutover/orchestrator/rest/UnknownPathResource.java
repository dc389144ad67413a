package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.orchestrator.api.ApiException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Any other path under /api: a 404 problem (the real resources' literal paths always match first). */
@RolesAllowed(Roles.VIEWER)
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class UnknownPathResource {

    @GET
    @Path("{rest: .*}")
    public void get(@PathParam("rest") String rest) {
        throw unknown(rest);
    }

    @POST
    @Path("{rest: .*}")
    public void post(@PathParam("rest") String rest) {
        throw unknown(rest);
    }

    @PUT
    @Path("{rest: .*}")
    public void put(@PathParam("rest") String rest) {
        throw unknown(rest);
    }

    @DELETE
    @Path("{rest: .*}")
    public void delete(@PathParam("rest") String rest) {
        throw unknown(rest);
    }

    @PATCH
    @Path("{rest: .*}")
    public void patch(@PathParam("rest") String rest) {
        throw unknown(rest);
    }

    private static ApiException unknown(String rest) {
        return ApiException.notFound("no such resource: /api/" + Validation.printable(rest == null ? "" : rest));
    }
}
