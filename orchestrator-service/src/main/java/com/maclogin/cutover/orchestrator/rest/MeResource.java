package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.orchestrator.api.MeView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Who the bearer token is: its name and role (the dashboard shows operator buttons only to operators). */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final RequestCaller caller;

    public MeResource(RequestCaller caller) {
        this.caller = caller;
    }

    @GET
    public MeView me() {
        return caller.view();
    }
}
