package com.maclogin.cutover.localstack;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A small in-memory OpenTelemetry collector for the local stack: an OTLP/HTTP receiver ({@code POST /v1/traces},
 * protobuf) that keeps every span it is sent, so a test can check that one cutover is one trace across the services.
 * It reads only what such a check needs from the OTLP wire format (ExportTraceServiceRequest: resource
 * {@code service.name}; per span trace id, span id, parent span id, name, string attributes).
 */
public final class TraceCollector implements AutoCloseable {

    /** One received span; ids are lower-case hex, {@code parentSpanId} empty for a root span. */
    public record Span(String service, String traceId, String spanId, String parentSpanId, String name,
            Map<String, String> attributes) {
    }

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();

    public TraceCollector(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                byte[] body = read(exchange.getRequestBody(),
                        "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding")));
                int status = 200;
                try {
                    spans.addAll(parseRequest(body));
                } catch (RuntimeException e) {
                    status = 400;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(status, -1);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every span received so far. */
    public List<Span> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static byte[] read(InputStream in, boolean gzip) throws IOException {
        try (InputStream body = gzip ? new GZIPInputStream(in) : in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            body.transferTo(out);
            return out.toByteArray();
        }
    }

    // ------------------------------------------------------------------ the OTLP protobuf, as far as needed

    static List<Span> parseRequest(byte[] request) {
        List<Span> out = new ArrayList<>();
        for (Field resourceSpans : fields(request, 0, request.length)) {
            if (resourceSpans.number != 1) {
                continue;
            }
            String service = "";
            List<Field> scopeSpans = new ArrayList<>();
            for (Field f : fields(request, resourceSpans.start, resourceSpans.end)) {
                if (f.number == 1) { // Resource
                    service = attributes(request, f).getOrDefault("service.name", "");
                } else if (f.number == 2) {
                    scopeSpans.add(f);
                }
            }
            for (Field scope : scopeSpans) {
                for (Field span : fields(request, scope.start, scope.end)) {
                    if (span.number == 2) {
                        out.add(span(request, span, service));
                    }
                }
            }
        }
        return out;
    }

    private static Span span(byte[] b, Field span, String service) {
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Field f : fields(b, span.start, span.end)) {
            switch (f.number) {
                case 1 -> traceId = hex(b, f);
                case 2 -> spanId = hex(b, f);
                case 4 -> parent = hex(b, f);
                case 5 -> name = string(b, f);
                case 9 -> keyValue(b, f, attributes);
                default -> {
                }
            }
        }
        return new Span(service, traceId, spanId, parent, name, attributes);
    }

    /** The string attributes of a message whose field 1 is {@code repeated KeyValue} (Resource). */
    private static Map<String, String> attributes(byte[] b, Field message) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : fields(b, message.start, message.end)) {
            if (f.number == 1) {
                keyValue(b, f, out);
            }
        }
        return out;
    }

    /** KeyValue {key = 1; AnyValue value = 2 {string_value = 1}}; other value kinds are skipped. */
    private static void keyValue(byte[] b, Field kv, Map<String, String> into) {
        String key = null;
        String value = null;
        for (Field f : fields(b, kv.start, kv.end)) {
            if (f.number == 1) {
                key = string(b, f);
            } else if (f.number == 2) {
                for (Field v : fields(b, f.start, f.end)) {
                    if (v.number == 1 && v.wireType == 2) {
                        value = string(b, v);
                    }
                }
            }
        }
        if (key != null && value != null) {
            into.put(key, value);
        }
    }

    /** A length-delimited field's bytes are [start, end); other wire types are skipped and listed with no bytes. */
    private record Field(int number, int wireType, int start, int end) {
    }

    private static List<Field> fields(byte[] b, int from, int to) {
        List<Field> out = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            long tag = varint(b, pos);
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            switch (wireType) {
                case 0 -> varint(b, pos);
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case 2 -> {
                    int length = (int) varint(b, pos);
                    out.add(new Field(number, 2, pos[0], pos[0] + length));
                    pos[0] += length;
                    continue;
                }
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
            out.add(new Field(number, wireType, pos[0], pos[0]));
        }
        if (pos[0] != to) {
            throw new IllegalArgumentException("truncated message");
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b[pos[0]++];
            value |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("bad varint");
    }

    private static String hex(byte[] b, Field f) {
        return HexFormat.of().formatHex(b, f.start, f.end);
    }

    private static String string(byte[] b, Field f) {
        return new String(b, f.start, f.end - f.start, StandardCharsets.UTF_8);
    }
}
