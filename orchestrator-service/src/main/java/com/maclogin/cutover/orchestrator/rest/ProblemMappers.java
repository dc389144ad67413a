package com.maclogin.cutover.orchestrator.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.maclogin.cutover.contracts.Validation;
import com.maclogin.cutover.orchestrator.api.ApiException;
import com.maclogin.cutover.orchestrator.api.FieldError;
import com.maclogin.cutover.orchestrator.api.Problem;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as RFC 9457 {@code application/problem+json}; bad input is a 400 naming the field, never a 500. */
public class ProblemMappers {

    static final String TYPE_PREFIX = "urn:maclogin:cutover:problem:";

    @ServerExceptionMapper
    public Response api(ApiException e) {
        ApiException.Kind k = e.kind();
        List<FieldError> errors = e.errors().isEmpty() ? null : e.errors();
        String field = errors == null ? null : errors.get(0).field();
        return problem(k.status, k.slug, k.title, e.getMessage(), field, errors);
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e) {
        return invalid("body", "malformed JSON: " + Validation.printable(e.getOriginalMessage())
                + location(e));
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        String field = path(e);
        String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
        String got = e instanceof InvalidFormatException ife && ife.getValue() != null
                ? " '" + Validation.printable(String.valueOf(ife.getValue())) + "'" : "";
        return invalid(field, field + ": wrong JSON type" + got + ", expected " + expected);
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        String field = path(e);
        return invalid(field, field + ": " + Validation.printable(e.getOriginalMessage()));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return invalid("body", "unreadable JSON: " + Validation.printable(e.getOriginalMessage()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        // Quarkus REST wraps some body-reading failures; answer them like the unwrapped ones
        if (e.getCause() instanceof JsonParseException jpe) {
            return malformed(jpe);
        }
        if (e.getCause() instanceof MismatchedInputException mie) {
            return wrongType(mie);
        }
        if (e.getCause() instanceof JsonMappingException jme) {
            return mapping(jme);
        }
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return json(jpe);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            Log.errorf(e, "request failed");
            return problem(status, "internal", "Internal error", "the request could not be completed", null, null);
        }
        Response.Status s = Response.Status.fromStatusCode(status);
        String title = s == null ? "HTTP " + status : s.getReasonPhrase();
        return problem(status, title.toLowerCase().replace(' ', '-'), title, e.getMessage(), null, null);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.errorf(e, "request failed");
        return problem(500, "internal", "Internal error", "the request could not be completed", null, null);
    }

    static Response invalid(String field, String reason) {
        return problem(400, ApiException.Kind.INVALID.slug, ApiException.Kind.INVALID.title, reason, field,
                List.of(new FieldError(field, reason)));
    }

    static Response problem(int status, String slug, String title, String detail, String field, List<FieldError> errors) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(TYPE_PREFIX + slug, title, status, detail, field, errors))
                .build();
    }

    /** {@code operators[0].rollbackOwner} from Jackson's reference path. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
