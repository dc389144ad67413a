package com.maclogin.cutover.probe.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** Minimal HTTP/1.1 for health probes: one GET with {@code Connection: close}, response read to EOF. */
public final class RawHttp {

    public record Parsed(int status, String body) {
    }

    private RawHttp() {
    }

    /** Deliberately no X-Forwarded-For: the gateway answers 403 to forwarded loopback requests. */
    public static byte[] get(String path, int port) {
        return request("GET", path, port, Map.of(), null);
    }

    /**
     * One request with {@code Connection: close}. Header values must not contain line breaks (checked); a body is
     * sent as {@code application/json} with its {@code Content-Length}.
     */
    public static byte[] request(String method, String path, int port, Map<String, String> headers,
            byte[] body) {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Accept: application/json\r\n")
                .append("User-Agent: openclaw-cutover-probe\r\n");
        headers.forEach((name, value) -> {
            if (name.matches(".*[\\r\\n:].*") || value.matches("(?s).*[\\r\\n].*")) {
                throw new IllegalArgumentException("header with a line break");
            }
            request.append(name).append(": ").append(value).append("\r\n");
        });
        if (body != null) {
            request.append("Content-Type: application/json\r\n").append("Content-Length: ").append(body.length)
                    .append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        byte[] head = request.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return head;
        }
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    public static Parsed parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/") || headerEnd < 0) {
            throw new IllegalArgumentException("not an HTTP response");
        }
        String[] head = text.substring(0, headerEnd).split("\r\n");
        String[] statusLine = head[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1].trim());
        boolean chunked = false;
        for (int i = 1; i < head.length; i++) {
            String h = head[i].toLowerCase(Locale.ROOT);
            if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                chunked = true;
            }
        }
        byte[] bodyBytes = Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
        if (chunked) {
            bodyBytes = dechunk(bodyBytes);
        }
        return new Parsed(status, new String(bodyBytes, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < in.length) {
            int lineEnd = indexOfCrlf(in, pos);
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(in, pos, lineEnd - pos, StandardCharsets.US_ASCII).trim();
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt(semi >= 0 ? sizeLine.substring(0, semi) : sizeLine, 16);
            pos = lineEnd + 2;
            if (size == 0) {
                break;
            }
            int n = Math.min(size, in.length - pos);
            out.write(in, pos, n);
            pos += n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrlf(byte[] in, int from) {
        for (int i = from; i + 1 < in.length; i++) {
            if (in[i] == '\r' && in[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
