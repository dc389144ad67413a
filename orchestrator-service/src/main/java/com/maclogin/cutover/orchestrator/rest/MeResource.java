package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.security.CurrentCaller;
import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.orchestrator.api.MeView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Who the bearer token is: its name and role (the dashboard shows operator buttons only to operators). */
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final CurrentCaller caller;

    public MeResource(CurrentCaller caller) {
        this.caller = caller;
    }

    @GET
    public MeView me() {
        return new MeView(caller.name(), caller.role().toUpperCase(java.util.Locale.ROOT));
    }
}
