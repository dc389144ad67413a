package com.maclogin.cutover.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/** A real sshj client that pins the lease's host key, as the probe worker does. */
final class SshTestClient implements AutoCloseable {

    record Exec(String stdout, String stderr, int exit) {
    }

    record HttpResult(int status, String headers, String body) {
    }

    private final SSHClient client;

    SshTestClient(String host, int port, String user, String pinnedHostKey, Path privateKey) throws IOException {
        client = new SSHClient();
        client.addHostKeyVerifier(new HostKeyVerifier() {
            @Override
            public boolean verify(String hostname, int p, PublicKey key) {
                return pinnedHostKey.equals(openSshLine(key));
            }

            @Override
            public List<String> findExistingAlgorithms(String hostname, int p) {
                return List.of(pinnedHostKey.split(" ")[0]);
            }
        });
        client.setConnectTimeout(5000);
        client.setSocketFactory(NoDelaySocketFactory.INSTANCE);
        client.connect(host, port);
        client.authPublickey(user, client.loadKeys(privateKey.toString()));
    }

    /** Disables Nagle on the client side too; otherwise every exec pays delayed-ACK stalls (~40 ms). */
    static final class NoDelaySocketFactory extends javax.net.SocketFactory {
        static final NoDelaySocketFactory INSTANCE = new NoDelaySocketFactory();

        @Override
        public java.net.Socket createSocket() throws IOException {
            java.net.Socket s = new java.net.Socket();
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            java.net.Socket s = new java.net.Socket(host, port);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) throws IOException {
            java.net.Socket s = new java.net.Socket(host, port, local, localPort);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            java.net.Socket s = new java.net.Socket(host, port);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress local, int localPort)
                throws IOException {
            java.net.Socket s = new java.net.Socket(address, port, local, localPort);
            s.setTcpNoDelay(true);
            return s;
        }
    }

    static SshTestClient to(SimulatedLease lease, Path privateKey) throws IOException {
        return new SshTestClient(lease.host(), lease.sshPort(), lease.sshUser(), lease.hostKey(), privateKey);
    }

    static String openSshLine(PublicKey key) {
        byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
        return KeyType.fromKey(key) + " " + Base64.getEncoder().encodeToString(blob);
    }

    Exec exec(String command) throws IOException {
        try (Session s = client.startSession()) {
            Session.Command cmd = s.exec(command);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errPump = new Thread(() -> copy(cmd.getErrorStream(), err));
            errPump.start();
            String out = new String(cmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                errPump.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cmd.join(30, TimeUnit.SECONDS);
            Integer exit = cmd.getExitStatus();
            return new Exec(out, err.toString(StandardCharsets.UTF_8), exit == null ? -1 : exit);
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // closed
        }
    }

    /** One HTTP/1.1 request through a direct-tcpip channel (what an operator's LocalForward does). */
    HttpResult http(String method, int port, String path, String... extraHeaders) throws IOException {
        try (DirectConnection dc = client.newDirectConnection("127.0.0.1", port)) {
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n");
            for (String h : extraHeaders) {
                req.append(h).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = dc.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String raw = new String(dc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = raw.indexOf("\r\n\r\n");
            String head = split < 0 ? raw : raw.substring(0, split);
            String body = split < 0 ? "" : raw.substring(split + 4);
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            return new HttpResult(status, head, body);
        }
    }

    SSHClient raw() {
        return client;
    }

    @Override
    public void close() throws IOException {
        client.disconnect();
    }
}
