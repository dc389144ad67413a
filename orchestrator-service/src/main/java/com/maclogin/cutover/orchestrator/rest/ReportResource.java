package com.maclogin.cutover.orchestrator.rest;

import com.maclogin.cutover.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.report.CutoverReport;
import com.maclogin.cutover.orchestrator.report.ReportHtml;
import com.maclogin.cutover.orchestrator.service.InputValidator;
import com.maclogin.cutover.orchestrator.service.ReportService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/v1/cutovers/{id}/report}: the cutover report as JSON (default, {@code Accept: application/json}) or
 * as one self-contained HTML page ({@code Accept: text/html} or {@code ?format=html}), with a suggested file name.
 * Viewers may read it; an unknown id is a 404 problem.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/cutovers/{id}/report")
public class ReportResource {

    static final MediaType HTML = MediaType.TEXT_HTML_TYPE.withCharset("utf-8");

    private final ReportService reports;

    public ReportResource(ReportService reports) {
        this.reports = reports;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    public Response report(@PathParam("id") String id, @QueryParam("format") String format, @Context HttpHeaders headers) {
        String cutoverId = InputValidator.pathId("id", id);
        boolean html = wantsHtml(format, headers);
        CutoverReport r = reports.report(cutoverId)
                .orElseThrow(() -> ApiException.notFound("cutover " + cutoverId + " not found"));
        String file = "cutover-" + cutoverId + "-report." + (html ? "html" : "json");
        Response.ResponseBuilder b = html ? Response.ok(ReportHtml.render(r), HTML)
                : Response.ok(r, MediaType.APPLICATION_JSON_TYPE);
        return b.header("Content-Disposition", "inline; filename=\"" + file + "\"")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
                .build();
    }

    /** {@code format} wins (html|json); else the first Accept type that names HTML or JSON; else JSON. */
    static boolean wantsHtml(String format, HttpHeaders headers) {
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "html" -> true;
                case "json" -> false;
                default -> throw ApiException.invalid("format", "format must be html or json");
            };
        }
        for (MediaType m : headers.getAcceptableMediaTypes()) {
            if (m.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !m.isWildcardType()) {
                return false;
            }
            if (m.isCompatible(MediaType.TEXT_HTML_TYPE) && !m.isWildcardType()) {
                return true;
            }
        }
        return false;
    }
}
