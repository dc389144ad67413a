package com.maclogin.cutover.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The 401, 403 and 429 answers of the three APIs as {@code application/problem+json}: 401 without a token, with
 * another scheme or with a token neither mechanism accepts (with a {@code WWW-Authenticate: Bearer} challenge), 403
 * naming the caller, its role and the role the call needs, 429 with {@code Retry-After} once an address has failed
 * {@code api.auth.failures.limit} times within the window. Authentication is lazy
 * ({@code quarkus.http.auth.proactive=false}), so these mappers see the failures.
 */
public class AuthProblems {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "urn:maclogin:cutover:problem:";

    /** RFC 9457 problem details, the same fields the services' own problems use. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(String type, String title, int status, String detail) {
    }

    private final FailedLogins failures;
    private final SecurityIdentity identity;

    public AuthProblems(FailedLogins failures, SecurityIdentity identity) {
        this.failures = failures;
        this.identity = identity;
    }

    @ServerRequestFilter(preMatching = true, priority = 900)
    public Response slowDown(ContainerRequestContext ctx, HttpServerRequest request) {
        OptionalLong wait = failures.retryAfterSeconds(address(request));
        if (wait.isEmpty()) {
            return null;
        }
        return Response.fromResponse(problem(429, "too-many-failed-authentications", "Too Many Requests",
                "too many failed authentications from this address; try again in " + wait.getAsLong() + " s"))
                .header("Retry-After", String.valueOf(wait.getAsLong())).build();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpHeaders headers, HttpServerRequest request) {
        String header = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        String detail = header == null || header.isBlank()
                ? "authentication required: send 'Authorization: Bearer <token>'"
                : StaticTokenMechanism.bearer(header) == null && !header.regionMatches(true, 0, "Bearer", 0, 6)
                        ? "the Authorization header must use the Bearer scheme"
                        : "the bearer token is not valid";
        return unauthorized(detail, request);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
        return unauthorized("the bearer token is not valid", request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext ctx, ResourceInfo resource) {
        String role = identity.isAnonymous() ? null : Roles.highest(identity.getRoles());
        String needed = required(resource);
        String who = identity.isAnonymous() ? "anonymous caller" : "token '" + identity.getPrincipal().getName() + "'";
        String detail = who + " has " + (role == null ? "none of the roles viewer, operator, admin" : "the " + role + " role")
                + (Roles.VIEWER.equals(role) ? ", which may only read (GET)" : "") + "; " + ctx.getMethod() + " "
                + ctx.getUriInfo().getPath() + " needs " + (needed == null ? "another role" : "an " + needed + " token");
        return problem(403, "forbidden", "Forbidden", detail.replace("an viewer", "a viewer"));
    }

    private Response unauthorized(String detail, HttpServerRequest request) {
        failures.failed(address(request));
        return Response.fromResponse(problem(401, "unauthorized", "Unauthorized", detail))
                .header(HttpHeaders.WWW_AUTHENTICATE, StaticTokenMechanism.CHALLENGE).build();
    }

    /** The lowest role of the method's (else the class's) {@code @RolesAllowed}. */
    static String required(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return null;
        }
        Method m = resource.getResourceMethod();
        RolesAllowed ra = m.getAnnotation(RolesAllowed.class);
        if (ra == null) {
            ra = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        if (ra == null) {
            return null;
        }
        for (String r : Roles.ORDERED) {
            for (String v : ra.value()) {
                if (r.equals(v)) {
                    return r;
                }
            }
        }
        return null;
    }

    static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    public static Response problem(int status, String slug, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(new Problem(TYPE_PREFIX + slug, title, status, detail)).build();
    }
}
