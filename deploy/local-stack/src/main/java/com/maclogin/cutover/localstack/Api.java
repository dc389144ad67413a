package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON-over-HTTP client for the stack's REST APIs. */
public final class Api {

    /** A response: status, Location header (if any) and the parsed body. */
    public record Reply(int status, String location, JsonNode body) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final String baseUrl;
    private final String bearerToken;

    public Api(String baseUrl) {
        this(baseUrl, null);
    }

    /** A client that authenticates every request with {@code Authorization: Bearer <token>}. */
    public Api(String baseUrl, String bearerToken) {
        this.baseUrl = baseUrl;
        this.bearerToken = bearerToken;
    }

    /** GET; a GET that timed out is asked once more (it changes nothing), saying so: seen once at load average 50. */
    public Reply get(String path) throws IOException {
        try {
            return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
        } catch (java.net.http.HttpTimeoutException e) {
            System.out.println("[api] GET " + baseUrl + path + " timed out after 45 s; asking once more");
            return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
        }
    }

    public Reply post(String path, Object body) throws IOException {
        String json = body instanceof String s ? s : Json.write(body);
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply patch(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply put(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply delete(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE());
    }

    /** POST with an {@code Idempotency-Key}, so a retry after a lost answer cannot start a second cutover. */
    public Reply postIdempotent(String path, Object body, String idempotencyKey) throws IOException {
        String json = body instanceof String s ? s : Json.write(body);
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Reply send(HttpRequest.Builder b) throws IOException {
        try {
            if (bearerToken != null) {
                b.header("Authorization", "Bearer " + bearerToken);
            }
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(45)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode node = r.body() == null || r.body().isBlank() ? Json.MAPPER.nullNode() : parse(r.body());
            return new Reply(r.statusCode(), r.headers().firstValue("Location").orElse(null), node);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(body);
        }
    }
}
