package com.maclogin.cutover.rollback.rest;

import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.rollback.RollbackState;
import com.maclogin.cutover.rollback.service.RollbackQueries;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/** Operators watch rollbacks here. Read only: rollbacks are requested through the orchestrator. */
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/rollbacks")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class RollbackResource {

    private static final Pattern CUTOVER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final RollbackQueries queries;

    public RollbackResource(RollbackQueries queries) {
        this.queries = queries;
    }

    @GET
    @Path("/{cutoverId}")
    public Response get(@PathParam("cutoverId") String cutoverId) {
        String instance = "/api/v1/rollbacks/" + cutoverId;
        if (!CUTOVER_ID.matcher(cutoverId).matches()) {
            return Problem.response(Response.Status.BAD_REQUEST, "cutover id is not valid", null);
        }
        return queries.byCutoverId(cutoverId)
                .map(v -> Response.ok(v, MediaType.APPLICATION_JSON_TYPE).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND,
                        "no rollback recorded for cutover " + cutoverId, instance));
    }

    @GET
    public Response list(@QueryParam("state") String state) {
        RollbackState filter = null;
        if (state != null && !state.isBlank()) {
            try {
                filter = RollbackState.valueOf(state.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return Problem.response(Response.Status.BAD_REQUEST, "unknown state, expected one of "
                        + Arrays.toString(RollbackState.values()), "/api/v1/rollbacks");
            }
        }
        return Response.ok(queries.byState(filter), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
