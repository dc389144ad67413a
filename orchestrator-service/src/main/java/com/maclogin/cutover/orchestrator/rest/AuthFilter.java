package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.orchestrator.service.ApiTokens;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer-token authentication of the REST API (/api/*; health, metrics, OpenAPI and the dashboard's static files
 * stay open). Viewers may read (GET, HEAD, OPTIONS), operators may do everything. 401 problem without
 * or with a bad token, 403 for a viewer's write. Runs before every other filter, so nothing is read before.
 */
public class AuthFilter {

    static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    static final String CHALLENGE = "Bearer realm=\"orchestrator-service\"";

    private final ApiTokens tokens;
    private final RequestCaller caller;

    public AuthFilter(ApiTokens tokens, RequestCaller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext ctx) {
        if (!tokens.enabled() || !ctx.getUriInfo().getPath().startsWith("/api")) {
            return null; // the dashboard's static files are public; everything it shows comes from /api with a token
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return unauthorized("authentication required: send 'Authorization: Bearer <token>'");
        }
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return unauthorized("the Authorization header must use the Bearer scheme");
        }
        Optional<ApiTokens.Caller> who = tokens.authenticate(header.substring(7).trim());
        if (who.isEmpty()) {
            return unauthorized("the bearer token is not valid");
        }
        if (!READ_METHODS.contains(ctx.getMethod()) && who.get().role() != ApiTokens.Role.OPERATOR) {
            return ProblemMappers.problem(403, "forbidden", "Forbidden", "token '" + who.get().name()
                    + "' has the viewer role, which may only read (GET); " + ctx.getMethod() + " needs an operator token",
                    null, null);
        }
        caller.set(who.get());
        return null;
    }

    private static Response unauthorized(String detail) {
        Response r = ProblemMappers.problem(401, "unauthorized", "Unauthorized", detail, null, null);
        return Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build();
    }
}
