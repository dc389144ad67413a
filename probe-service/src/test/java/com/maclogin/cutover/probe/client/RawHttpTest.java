package com.maclogin.cutover.probe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawHttpTest {

    @Test
    void requestIsAPlainLoopbackGetWithConnectionCloseAndNoForwardingHeader() {
        String req = new String(RawHttp.get("/readyz", 18789), StandardCharsets.US_ASCII);
        assertThat(req).startsWith("GET /readyz HTTP/1.1\r\n").contains("Host: 127.0.0.1:18789\r\n")
                .contains("Connection: close\r\n").endsWith("\r\n\r\n");
        assertThat(req.toLowerCase()).doesNotContain("forwarded");
    }

    @Test
    void contentLengthResponseGivesStatusAndBody() {
        RawHttp.Parsed p = RawHttp.parse(bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                + "Content-Length: 17\r\n\r\n{\"ready\":false}\n"));
        assertThat(p.status()).isEqualTo(503);
        assertThat(p.body()).isEqualTo("{\"ready\":false}\n");
    }

    @Test
    void chunkedResponseIsDecoded() {
        RawHttp.Parsed p = RawHttp.parse(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "b\r\n{\"ok\":true,\r\n10\r\n\"status\":\"live\"}\r\n0\r\n\r\n"));
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.body()).isEqualTo("{\"ok\":true,\"status\":\"live\"}");
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> RawHttp.parse(bytes("SSH-2.0-OpenSSH\r\n"))).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoKeepAliveResponsesOnOneStreamAreReadOneAfterTheOtherWithoutReadingAhead() throws Exception {
        String req = new String(RawHttp.getKeepAlive("/healthz", 18789), StandardCharsets.US_ASCII);
        assertThat(req).startsWith("GET /healthz HTTP/1.1\r\n").contains("Connection: keep-alive\r\n")
                .doesNotContain("close");
        java.io.InputStream in = new java.io.ByteArrayInputStream(bytes(
                "HTTP/1.1 200 OK\r\nContent-Length: 28\r\nConnection: keep-alive\r\n\r\n{\"ok\":true,\"status\":\"live\"}\n"
                        + "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + "5\r\n{\"rea\r\nb\r\ndy\":false}\n\r\n0\r\n\r\n"));
        RawHttp.OneResponse first = RawHttp.readOne(in, 1 << 20);
        assertThat(first.parsed().status()).isEqualTo(200);
        assertThat(first.parsed().body()).isEqualTo("{\"ok\":true,\"status\":\"live\"}\n");
        assertThat(first.reusable()).isTrue();
        RawHttp.OneResponse second = RawHttp.readOne(in, 1 << 20);
        assertThat(second.parsed().status()).isEqualTo(503);
        assertThat(second.parsed().body()).isEqualTo("{\"ready\":false}\n");
        assertThat(second.reusable()).as("Connection: close").isFalse();
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void aResponseWithoutALengthIsReadToEofAndEndsTheConnection() throws Exception {
        RawHttp.OneResponse r = RawHttp.readOne(new java.io.ByteArrayInputStream(bytes(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")), 1 << 20);
        assertThat(r.parsed().body()).isEqualTo("all of it");
        assertThat(r.reusable()).isFalse();
        assertThat(RawHttp.readOne(new java.io.ByteArrayInputStream(bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")),
                10).reusable()).as("HTTP/1.0").isFalse();
    }

    @Test
    void aTruncatedOrOversizedOrNonHttpAnswerIsAnIoErrorNotAResponse() {
        assertThatThrownBy(() -> RawHttp.readOne(new java.io.ByteArrayInputStream(bytes(
                "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort")), 1 << 20)).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> RawHttp.readOne(new java.io.ByteArrayInputStream(bytes(
                "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n" + "x".repeat(50))), 10))
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> RawHttp.readOne(new java.io.ByteArrayInputStream(bytes("SSH-2.0-x\r\n")), 10))
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> RawHttp.readOne(new java.io.ByteArrayInputStream(new byte[0]), 10))
                .isInstanceOf(java.io.IOException.class);
    }
}
