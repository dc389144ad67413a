package com.maclogin.cutover.probe.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS handshake over an SSH channel's streams, to read the peer's certificate chain. The JDK's TLS client needs a
 * socket, so the channel is bridged to a one-shot loopback socket pair. Certificates are only read, never trusted:
 * the caller judges the validity dates itself and sends nothing after the handshake.
 */
final class TlsOverChannel {

    private TlsOverChannel() {
    }

    static X509Certificate[] peerCertificates(InputStream channelIn, OutputStream channelOut, String host, int port,
            Duration timeout, ExecutorService io) throws Exception {
        try (ServerSocket bridge = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket plain = new Socket()) {
            bridge.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), bridge.getLocalPort()),
                    (int) Math.max(1, timeout.toMillis()));
            try (Socket inner = bridge.accept()) {
                io.submit(() -> pump(inner.getInputStream(), channelOut));
                io.submit(() -> pump(channelIn, inner.getOutputStream()));
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, new TrustManager[] {new ReadOnlyTrustManager()}, null);
                try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, false)) {
                    s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
                    if (!Character.isDigit(host.charAt(0))) {
                        SSLParameters params = s.getSSLParameters();
                        params.setServerNames(List.of(new SNIHostName(host)));
                        s.setSSLParameters(params);
                    }
                    s.startHandshake();
                    Certificate[] chain = s.getSession().getPeerCertificates();
                    X509Certificate[] out = new X509Certificate[chain.length];
                    for (int i = 0; i < chain.length; i++) {
                        out[i] = (X509Certificate) chain[i];
                    }
                    return out;
                }
            }
        }
    }

    private static Void pump(InputStream in, OutputStream out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: the handshake is over or failed
        }
        return null;
    }

    /** Accepts any chain: only its dates are read. Nothing is sent over this connection after the handshake. */
    private static final class ReadOnlyTrustManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
