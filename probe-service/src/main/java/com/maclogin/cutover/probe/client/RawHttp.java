package com.maclogin.cutover.probe.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Minimal HTTP/1.1 for health probes: one GET with {@code Connection: close}, response read to EOF; or, for the
 * watch's round, several GETs on one connection ({@link #getKeepAlive}, each response read by {@link #readOne}).
 */
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
        return request(method, path, port, headers, body, false);
    }

    /** {@code GET <path>} asking to keep the connection open for the next request ({@code Connection: keep-alive}). */
    public static byte[] getKeepAlive(String path, int port) {
        return request("GET", path, port, Map.of(), null, true);
    }

    private static byte[] request(String method, String path, int port, Map<String, String> headers, byte[] body,
            boolean keepAlive) {
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
        request.append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
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

    /**
     * One response read from {@code in}: the head, then the body by its {@code Content-Length}, its chunks, or to EOF
     * (then, and when the server said {@code Connection: close} or answered HTTP/1.0, the connection is not reusable).
     * Reads nothing beyond the response when it has a length. Bodies longer than {@code maxBody} are refused.
     *
     * @param reusable whether a next request may be sent on the same connection
     */
    public record OneResponse(Parsed parsed, boolean reusable) {
    }

    public static OneResponse readOne(InputStream in, int maxBody) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/")) {
            throw new IOException("not an HTTP response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(parts.length > 1 ? parts[1].trim() : "");
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line");
        }
        boolean reusable = statusLine.startsWith("HTTP/1.1");
        long length = -1;
        boolean chunked = false;
        for (int headers = 0; ; headers++) {
            String h = line(in);
            if (h == null) {
                throw new IOException("connection closed in the response head");
            }
            if (h.isEmpty()) {
                break;
            }
            if (headers > 100) {
                throw new IOException("more than 100 response headers");
            }
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                try {
                    length = Long.parseLong(lower.substring(15).trim());
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length");
                }
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                reusable = false;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String sizeLine = line(in);
                if (sizeLine == null) {
                    throw new IOException("connection closed in a chunk");
                }
                int semi = sizeLine.indexOf(';');
                int size;
                try {
                    size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size");
                }
                if (size == 0) {
                    for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
                        // trailers
                    }
                    break;
                }
                copy(in, body, size, maxBody);
                line(in); // the chunk's CRLF
            }
        } else if (length >= 0) {
            copy(in, body, length, maxBody);
        } else {
            reusable = false;
            copy(in, body, Long.MAX_VALUE, maxBody);
        }
        return new OneResponse(new Parsed(status, body.toString(StandardCharsets.UTF_8)), reusable);
    }

    private static void copy(InputStream in, ByteArrayOutputStream to, long n, int max) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                if (n == Long.MAX_VALUE) {
                    return;
                }
                throw new IOException("connection closed in the response body");
            }
            if (to.size() + r > max) {
                throw new IOException("response body over " + max + " bytes");
            }
            to.write(buf, 0, r);
            left -= r;
        }
    }

    /** A line ending in CRLF (or LF), without it; null at EOF before any byte. Lines over 8 KiB are refused. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return b.length() == 0 ? null : b.toString();
            }
            if (c == '\n') {
                int l = b.length();
                return l > 0 && b.charAt(l - 1) == '\r' ? b.substring(0, l - 1) : b.toString();
            }
            if (b.length() > 8192) {
                throw new IOException("response line over 8 KiB");
            }
            b.append((char) c);
        }
    }
}
