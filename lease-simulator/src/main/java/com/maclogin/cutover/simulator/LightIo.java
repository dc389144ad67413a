package com.maclogin.cutover.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop (a single selector thread) for every LIGHT lease of a simulator: the gateways' HTTP/1.1 listeners
 * ({@link #listenHttp}) and the TLS endpoints' accepts ({@link #listenRaw}). Requests are small (probes, wakes): the
 * loop reads a request's head and {@code Content-Length} body, hands it to the listener's handler and writes the
 * answer it gets (at once or later, from any thread), then closes the connection ({@code Connection: close}, which
 * HTTP/1.1 allows a server to do after any response), unless the request asked {@code Connection: keep-alive}: then
 * the connection waits for the next request (at most {@link #KEEP_ALIVE_NANOS} idle, Node's keepAliveTimeout), as the
 * gateway's Node server keeps it (the watch's round sends {@code /healthz} and {@code /readyz} on one connection).
 */
final class LightIo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LightIo.class);
    /** Largest request head; a bigger one is answered 431 and closed. */
    private static final int MAX_HEAD = 16 * 1024;
    /** Largest request body read; a bigger {@code Content-Length} is answered 413 (as the stand-in's 256 KiB limit). */
    static final int MAX_BODY = 256 * 1024;
    /** A connection that sends no complete request within this time is closed (Node's headersTimeout is 60 s). */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** A kept-alive connection idle this long after its last answer is closed (Node's keepAliveTimeout, 5 s). */
    static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.US);

    /** One parsed request. Header names are lower case. */
    record Request(String method, String target, Map<String, String> headers, byte[] body, SocketAddress remote) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** An answer: status, headers (in order) and body; {@code head} sends no body (HEAD request). */
    record Response(int status, Map<String, String> headers, byte[] body, boolean head) {
    }

    /** Answers a request, now or later, exactly once (later calls are ignored); or closes without answering. */
    interface Responder {
        void respond(Response response);

        void close();
    }

    interface HttpHandler {
        void handle(Request request, Responder responder);
    }

    /** A bound listener; closing it unbinds the port and closes its open connections before it returns. */
    final class Listener implements AutoCloseable {
        private final ServerSocketChannel channel;
        private final HttpHandler http;
        private final Consumer<SocketChannel> raw;
        private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean closed = new AtomicBoolean();
        private SelectionKey key;

        private Listener(ServerSocketChannel channel, HttpHandler http, Consumer<SocketChannel> raw) {
            this.channel = channel;
            this.http = http;
            this.raw = raw;
        }

        int port() {
            return ((InetSocketAddress) localAddress()).getPort();
        }

        private SocketAddress localAddress() {
            try {
                return channel.getLocalAddress();
            } catch (IOException e) {
                return new InetSocketAddress(0);
            }
        }

        /** Unbinds and closes every open connection of this listener; the port is free when this returns. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            runOnLoop(() -> {
                if (key != null) {
                    key.cancel();
                }
                closeQuietly(channel);
                for (Connection c : List.copyOf(connections)) {
                    c.close();
                }
                // a channel registered with a selector is closed for real when its key is deregistered
                selector.selectNow();
            });
        }
    }

    private final Selector selector;
    private final Thread loop;
    private final Executor work;
    private final Queue<IoTask> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private long lastSweep = System.nanoTime();

    private interface IoTask {
        void run() throws IOException;
    }

    /** @param work runs the handlers of raw (TLS) accepts, which block */
    LightIo(Executor work) throws IOException {
        this.work = work;
        this.selector = Selector.open();
        this.loop = new Thread(this::run, "sim-light-io");
        loop.setDaemon(true);
        loop.start();
    }

    /** Binds {@code address} now (an {@link java.net.BindException} when it is taken) and serves HTTP on it. */
    Listener listenHttp(InetSocketAddress address, HttpHandler handler) throws IOException {
        return listen(address, handler, null);
    }

    /** Binds {@code address} now and hands every accepted connection (blocking mode) to {@code onAccept}. */
    Listener listenRaw(InetSocketAddress address, Consumer<SocketChannel> onAccept) throws IOException {
        return listen(address, null, onAccept);
    }

    private Listener listen(InetSocketAddress address, HttpHandler http, Consumer<SocketChannel> raw) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, 511);
            ch.configureBlocking(false);
        } catch (IOException e) {
            closeQuietly(ch);
            throw e;
        }
        Listener l = new Listener(ch, http, raw);
        runOnLoop(() -> {
            if (!l.closed.get()) {
                l.key = ch.register(selector, SelectionKey.OP_ACCEPT, l);
            }
        });
        return l;
    }

    /** Runs {@code task} on the loop thread and waits for it (runs it directly when called on the loop). */
    private void runOnLoop(IoTask task) {
        if (Thread.currentThread() == loop) {
            try {
                task.run();
            } catch (IOException e) {
                LOG.debug("light io task failed", e);
            }
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                task.run();
            } finally {
                done.complete(null);
            }
        });
        selector.wakeup();
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("light io task did not complete: {}", e.toString());
        }
    }

    private void later(IoTask task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void run() {
        while (!closed) {
            try {
                selector.select(1000);
                IoTask t;
                while ((t = tasks.poll()) != null) {
                    try {
                        t.run();
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("light io task failed", e);
                    }
                }
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    try {
                        if (!k.isValid()) {
                            continue;
                        }
                        if (k.attachment() instanceof Listener l && k.isAcceptable()) {
                            accept(l);
                        } else if (k.attachment() instanceof Connection c) {
                            if (k.isReadable()) {
                                c.read();
                            }
                            if (k.isValid() && k.isWritable()) {
                                c.write();
                            }
                        }
                    } catch (CancelledKeyException e) {
                        // closed meanwhile
                    } catch (IOException | RuntimeException e) {
                        if (k.attachment() instanceof Connection c) {
                            c.close();
                        }
                        LOG.trace("light io: {}", e.toString());
                    }
                }
                long now = System.nanoTime();
                if (now - lastSweep > TimeUnit.SECONDS.toNanos(5)) {
                    lastSweep = now;
                    for (SelectionKey k : selector.keys()) {
                        if (k.attachment() instanceof Connection c && !c.handed && now - c.since > c.idleNanos) {
                            c.close();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("light io loop error", e);
                }
            }
        }
    }

    private void accept(Listener l) throws IOException {
        for (int i = 0; i < 64; i++) {
            SocketChannel ch = l.channel.accept();
            if (ch == null) {
                return;
            }
            if (l.raw != null) {
                ch.configureBlocking(true);
                work.execute(() -> l.raw.accept(ch));
                continue;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection c = new Connection(l, ch);
            l.connections.add(c);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        }
    }

    /** One HTTP connection: reads one request, answers it, closes (or, kept alive, reads the next). */
    private final class Connection implements Responder {
        final Listener listener;
        final SocketChannel channel;
        volatile long since = System.nanoTime();
        volatile long idleNanos = IDLE_NANOS;
        /** The request being answered asked {@code Connection: keep-alive} (and its body was read whole). */
        volatile boolean keepAlive;
        /** Bytes of {@link #in} the request being answered took. */
        int consumed;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(2048);
        ByteBuffer out;
        volatile boolean handed;
        final AtomicBoolean answered = new AtomicBoolean();

        Connection(Listener listener, SocketChannel channel) {
            this.listener = listener;
            this.channel = channel;
        }

        void read() throws IOException {
            if (handed) {
                // a request is being answered: further bytes (a pipelined request) are not read; EOF is noticed at write
                ByteBuffer sink = ByteBuffer.allocate(1024);
                if (channel.read(sink) < 0) {
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                }
                return;
            }
            if (!in.hasRemaining()) {
                in = grow(in, MAX_HEAD + MAX_BODY + 1024);
            }
            int n = channel.read(in);
            if (n < 0) {
                close();
                return;
            }
            tryParse();
        }

        private void tryParse() {
            byte[] a = in.array();
            int len = in.position();
            int headEnd = indexOf(a, len);
            if (headEnd < 0) {
                if (len > MAX_HEAD) {
                    fail(431, "Request Header Fields Too Large");
                }
                return;
            }
            String head = new String(a, 0, headEnd, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            String[] start = lines[0].split(" ");
            if (start.length != 3 || !start[2].startsWith("HTTP/1.")) {
                fail(400, "Bad Request");
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    fail(400, "Bad Request");
                    return;
                }
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (x, y) -> x + ", " + y);
            }
            int bodyLength = 0;
            String cl = headers.get("content-length");
            if (cl != null) {
                try {
                    bodyLength = Integer.parseInt(cl.trim());
                } catch (NumberFormatException e) {
                    fail(400, "Bad Request");
                    return;
                }
                if (bodyLength < 0) {
                    fail(400, "Bad Request");
                    return;
                }
            }
            int bodyStart = headEnd + 4;
            byte[] body;
            if (bodyLength > MAX_BODY) {
                body = null; // the handler answers 413 (as the stand-in does once it counted past the limit)
            } else {
                if (len - bodyStart < bodyLength) {
                    return; // more to come
                }
                body = new byte[bodyLength];
                System.arraycopy(a, bodyStart, body, 0, bodyLength);
            }
            handed = true;
            keepAlive = body != null && "keep-alive".equalsIgnoreCase(headers.get("connection"));
            consumed = bodyStart + bodyLength;
            if (keepAlive) {
                // the next request is read once this one is answered (none is read, or dropped, meanwhile)
                key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            }
            Request request = new Request(start[0], start[1], headers, body, remote());
            try {
                listener.http.handle(request, this);
            } catch (RuntimeException e) {
                LOG.warn("light gateway handler failed", e);
                respond(new Response(500, Map.of("Content-Type", "text/plain; charset=utf-8"),
                        "Internal Server Error".getBytes(StandardCharsets.UTF_8), false));
            }
        }

        private SocketAddress remote() {
            try {
                return channel.getRemoteAddress();
            } catch (IOException e) {
                return null;
            }
        }

        private void fail(int status, String text) {
            handed = true;
            keepAlive = false;
            respond(new Response(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
                    text.getBytes(StandardCharsets.UTF_8), false));
        }

        @Override
        public void respond(Response r) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            byte[] bytes = encode(r, keepAlive);
            later(() -> {
                if (!channel.isOpen()) {
                    return;
                }
                out = ByteBuffer.wrap(bytes);
                write();
            });
        }

        void write() throws IOException {
            if (out == null) {
                return;
            }
            channel.write(out);
            if (out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE);
            } else if (keepAlive) {
                next();
            } else {
                close();
            }
        }

        /** Kept alive: forget the answered request and read the next (already received bytes first). */
        private void next() {
            out = null;
            byte[] a = in.array();
            int rest = in.position() - consumed;
            System.arraycopy(a, consumed, a, 0, rest);
            in.position(rest);
            consumed = 0;
            keepAlive = false;
            answered.set(false);
            since = System.nanoTime();
            idleNanos = KEEP_ALIVE_NANOS;
            handed = false;
            key.interestOps(SelectionKey.OP_READ);
            if (rest > 0) {
                tryParse();
            }
        }

        @Override
        public void close() {
            listener.connections.remove(this);
            if (Thread.currentThread() == loop) {
                if (key != null) {
                    key.cancel();
                }
                closeQuietly(channel);
            } else {
                later(this::close);
            }
        }
    }

    static byte[] encode(Response r) {
        return encode(r, false);
    }

    static byte[] encode(Response r, boolean keepAlive) {
        StringBuilder s = new StringBuilder(256).append("HTTP/1.1 ").append(r.status()).append(' ')
                .append(reason(r.status())).append("\r\n");
        r.headers().forEach((k, v) -> s.append(k).append(": ").append(v).append("\r\n"));
        if (!r.headers().containsKey("Content-Length")) {
            s.append("Content-Length: ").append(r.body().length).append("\r\n");
        }
        s.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        s.append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
        byte[] head = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (r.head() || r.body().length == 0) {
            return head;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream(head.length + r.body().length);
        all.writeBytes(head);
        all.writeBytes(r.body());
        return all.toByteArray();
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Payload Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }

    private static int indexOf(byte[] a, int len) {
        for (int i = 0; i + 3 < len; i++) {
            if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static ByteBuffer grow(ByteBuffer b, int max) {
        int size = Math.min(max, b.capacity() * 2);
        if (size <= b.capacity()) {
            throw new IllegalStateException("request too large");
        }
        ByteBuffer n = ByteBuffer.allocate(size);
        b.flip();
        n.put(b);
        return n;
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Open connections of every listener, for diagnostics. */
    int registrations() {
        return selector.keys().size();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<SelectionKey> keys = new ArrayList<>(selector.keys());
        for (SelectionKey k : keys) {
            closeQuietly(k.channel());
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }

}
