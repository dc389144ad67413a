package com.maclogin.cutover.orchestrator.api;

import java.util.List;

/** A refusal that becomes a problem+json response. Thrown by services, mapped in the rest layer. */
public class ApiException extends RuntimeException {

    public enum Kind {
        INVALID(400, "invalid-request", "Invalid request"),
        FORBIDDEN(403, "forbidden", "Forbidden"),
        NOT_FOUND(404, "not-found", "Not found"),
        CONFLICT(409, "conflict", "Conflict"),
        TOO_LARGE(413, "payload-too-large", "Request body too large");

        public final int status;
        public final String slug;
        public final String title;

        Kind(int status, String slug, String title) {
            this.status = status;
            this.slug = slug;
            this.title = title;
        }
    }

    private final Kind kind;
    private final List<FieldError> errors;

    public ApiException(Kind kind, String detail, List<FieldError> errors) {
        super(detail);
        this.kind = kind;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiException invalid(List<FieldError> errors) {
        String detail = errors.isEmpty() ? "invalid request" : errors.get(0).field() + ": " + errors.get(0).reason();
        return new ApiException(Kind.INVALID, detail, errors);
    }

    public static ApiException invalid(String field, String reason) {
        return invalid(List.of(new FieldError(field, reason)));
    }

    public static ApiException notFound(String detail) {
        return new ApiException(Kind.NOT_FOUND, detail, null);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(Kind.FORBIDDEN, detail, null);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(Kind.CONFLICT, detail, null);
    }

    public Kind kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
