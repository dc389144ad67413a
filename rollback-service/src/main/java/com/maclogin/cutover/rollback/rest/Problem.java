package com.maclogin.cutover.rollback.rest;

import jakarta.ws.rs.core.Response;

/** RFC 9457 problem details, served as {@code application/problem+json}. */
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Response response(Response.Status status, String detail, String instance) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, instance))
                .build();
    }
}
