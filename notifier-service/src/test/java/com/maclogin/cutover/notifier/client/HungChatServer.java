package com.maclogin.cutover.notifier.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw {@link ServerSocket} that accepts every connection, reads the whole request head and then hangs in one of
 * three ways; every socket is held open until {@link #close()}. Stands for a chat API that stopped answering.
 */
final class HungChatServer implements AutoCloseable {

    enum Mode {
        /** Accepts and reads the request, never writes a byte. */
        SILENT,
        /** Writes the status line, headers and the first body bytes of a 200, then nothing. */
        HEADERS_THEN_STALL,
        /** Writes a 200's headers, then one body byte (a space) every 300 ms: no read ever waits long. */
        TRICKLE
    }

    private final ServerSocket server;
    private final Mode mode;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger requestsRead = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);

    HungChatServer(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "hung-chat-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests whose head was read completely: proof the connection was made and the request sent. */
    int requestsRead() {
        return requestsRead.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                held.add(s);
                Thread t = new Thread(() -> serve(s), "hung-chat-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            readHead(s.getInputStream());
            requestsRead.incrementAndGet();
            OutputStream out = s.getOutputStream();
            switch (mode) {
                case SILENT -> closing.await();
                case HEADERS_THEN_STALL -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                            + "Content-Length: 200\r\n\r\n{\"ok\"").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    closing.await();
                }
                case TRICKLE -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                            + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    while (!closing.await(300, TimeUnit.MILLISECONDS)) {
                        out.write(' ');
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            // the client gave up: expected
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return;
            }
        }
        throw new IOException("connection closed before the request head ended");
    }

    @Override
    public void close() throws IOException {
        closing.countDown();
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
