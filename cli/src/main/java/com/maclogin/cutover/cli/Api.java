package com.maclogin.cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The orchestrator's REST API over {@code java.net.http}, with the bearer token; errors become {@link ApiError}. */
public final class Api {

    /** A raw answer (for the report, whose body is HTML or JSON). */
    public record Reply(int status, String contentType, String contentDisposition, byte[] body) {
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final String base;
    private final String token;
    private final HttpClient http;

    public Api(String baseUrl, String token) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String baseUrl() {
        return base;
    }

    public JsonNode get(String path) throws ApiError {
        return json(send(request(path, "application/json").GET().build()));
    }

    public JsonNode post(String path, Object body, Map<String, String> headers) throws ApiError {
        HttpRequest.Builder b = request(path, "application/json").header("Content-Type", "application/json");
        headers.forEach(b::header);
        try {
            b.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiError(0, "cannot write the request body: " + e.getMessage());
        }
        return json(send(b.build()));
    }

    /** GET with the given Accept; non-2xx is an {@link ApiError} with the problem's detail. */
    public Reply download(String path, String accept) throws ApiError {
        HttpResponse<byte[]> r = send(request(path, accept).GET().build());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Content-Disposition").orElse(null), r.body());
    }

    private HttpRequest.Builder request(String path, String accept) throws ApiError {
        URI uri;
        try {
            uri = URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new ApiError(0, "not a URL: " + base + path);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", accept);
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest req) throws ApiError {
        HttpResponse<byte[]> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new ApiError(0, "cannot reach the orchestrator at " + base + " (connection refused)");
        } catch (HttpTimeoutException e) {
            throw new ApiError(0, "the orchestrator at " + base + " did not answer in time");
        } catch (IOException e) {
            throw new ApiError(0, "cannot reach the orchestrator at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(0, "interrupted");
        }
        if (r.statusCode() >= 400) {
            throw new ApiError(r.statusCode(), problem(r.statusCode(), r.body()));
        }
        return r;
    }

    /** "HTTP 409 Conflict: <detail>" from a problem+json body, or the status alone. */
    static String problem(int status, byte[] body) {
        String detail = null;
        String title = null;
        try {
            JsonNode p = JSON.readTree(body);
            if (p != null && p.isObject()) {
                detail = p.path("detail").isTextual() ? p.path("detail").asText() : null;
                title = p.path("title").isTextual() ? p.path("title").asText() : null;
            }
        } catch (IOException e) {
            // not JSON: the status alone
        }
        return "HTTP " + status + (title == null ? "" : " " + title) + (detail == null ? "" : ": " + detail);
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws ApiError {
        if (r.body().length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new ApiError(r.statusCode(), "the orchestrator answered something that is not JSON");
        }
    }
}
