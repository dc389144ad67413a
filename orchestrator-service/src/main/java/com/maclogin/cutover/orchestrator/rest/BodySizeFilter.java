package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses request bodies larger than {@code orchestrator.max-body-bytes} with a 413 problem before reading them. */
public class BodySizeFilter {

    private final OrchestratorConfig config;

    public BodySizeFilter(OrchestratorConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Response limit(ContainerRequestContext ctx) {
        String length = ctx.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return ProblemMappers.invalid("Content-Length", "Content-Length is not a number");
        }
        if (n > config.maxBodyBytes()) {
            ApiException.Kind k = ApiException.Kind.TOO_LARGE;
            return ProblemMappers.problem(k.status, k.slug, k.title, "request body of " + n + " bytes exceeds the limit of "
                    + config.maxBodyBytes() + " bytes", "body", List.of());
        }
        return null;
    }
}
