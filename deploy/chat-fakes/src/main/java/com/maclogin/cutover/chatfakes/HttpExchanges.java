package com.maclogin.cutover.chatfakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.maclogin.cutover.contracts.Json;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reading form or JSON bodies and query strings, writing JSON answers. */
final class HttpExchanges {

    private HttpExchanges() {
    }

    /**
     * The request parameters, whether the body is {@code application/x-www-form-urlencoded} or
     * {@code application/json} (top-level scalars as text, objects and arrays as their JSON text, as Telegram's
     * form encoding of {@code reply_parameters} does). Query parameters are included, the body wins.
     */
    static Map<String, String> params(HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>(query(exchange));
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        contentType = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/json") || (contentType.isEmpty() && body.trim().startsWith("{"))) {
            if (!body.isBlank()) {
                JsonNode node = Json.MAPPER.readTree(body);
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    JsonNode v = f.getValue();
                    if (!v.isNull()) {
                        params.put(f.getKey(), v.isValueNode() ? v.asText() : v.toString());
                    }
                }
            }
        } else {
            params.putAll(form(body));
        }
        return params;
    }

    static Map<String, String> query(HttpExchange exchange) {
        String q = exchange.getRequestURI().getRawQuery();
        return q == null ? Map.of() : form(q);
    }

    static Map<String, String> form(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        json(exchange, status, body, Map.of());
    }

    static void json(HttpExchange exchange, int status, Object body, Map<String, String> headers) throws IOException {
        byte[] bytes = (body instanceof String s ? s : Json.write(body)).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }
}
