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
}
