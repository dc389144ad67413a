package com.maclogin.cutover.probe.client;

import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ShellQuote;
import com.maclogin.cutover.probe.config.ProbeConfig;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;

/**
 * SSH to leases with sshj: one pooled connection per lease (keyed by host, port, user and pinned host key),
 * reconnected when it broke; commands run through {@code /bin/sh -c}; HTTP health requests go through a
 * direct-tcpip channel to {@code 127.0.0.1:<gatewayPort>} on the lease, as an operator's LocalForward does.
 */
@ApplicationScoped
public class LeaseSshClient {

    /** Output kept per stream; the rest is drained and dropped. */
    private static final int MAX_CAPTURE = 1 << 20;

    private final ProbeConfig config;
    private final DefaultConfig sshConfig = new DefaultConfig();
    private final ConcurrentHashMap<String, SSHClient> clients = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    private final ExecutorService io;

    public LeaseSshClient(ProbeConfig config) {
        this.config = config;
        sshConfig.setLoggerFactory(new ClassLoggers());
        AtomicInteger n = new AtomicInteger();
        this.io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "probe-ssh-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code script} with {@code /bin/sh -c} on the lease. */
    public CommandResult exec(LeaseTarget target, String script, Duration timeout)
            throws HostKeyMismatchException, SshUnavailableException, CommandTimeoutException {
        String wire = "/bin/sh -c " + ShellQuote.quote(script);
        for (int attempt = 1; ; attempt++) {
            long c0 = System.nanoTime();
            SSHClient client = connection(target);
            long connectMillis = (System.nanoTime() - c0) / 1_000_000;
            Session session;
            try {
                session = client.startSession();
            } catch (IOException e) {
                invalidate(target, client);
                if (attempt >= 2) {
                    throw SshUnavailableException.transientFault("cannot open a session: " + e.getMessage(), e);
                }
                continue;
            }
            try {
                return run(target, client, session, wire, timeout, connectMillis);
            } finally {
                closeQuietly(session);
            }
        }
    }

    private CommandResult run(LeaseTarget target, SSHClient client, Session session, String wire, Duration timeout,
            long connectMillis) throws SshUnavailableException, CommandTimeoutException {
        long start = System.nanoTime();
        long deadline = start + Math.max(1, timeout.toNanos());
        Session.Command cmd;
        try {
            cmd = session.exec(wire);
            cmd.getOutputStream().close();
        } catch (IOException e) {
            invalidate(target, client);
            throw SshUnavailableException.lostAfterStart("cannot start the command: " + e.getMessage(), e);
        }
        ArrivalLog arrivals = new ArrivalLog(start);
        Future<byte[]> out = io.submit(() -> readCapped(cmd.getInputStream(), arrivals));
        Future<byte[]> err = io.submit(() -> readCapped(cmd.getErrorStream(), null));
        try {
            byte[] stdout = out.get(remaining(deadline), TimeUnit.NANOSECONDS);
            byte[] stderr = err.get(remaining(deadline), TimeUnit.NANOSECONDS);
            cmd.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))), TimeUnit.MILLISECONDS);
            Integer exit = cmd.getExitStatus();
            return new CommandResult(exit == null ? -1 : exit, new String(stdout, StandardCharsets.UTF_8),
                    new String(stderr, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000,
                    connectMillis, arrivals.toArrivals());
        } catch (TimeoutException | ConnectionException e) {
            closeQuietly(cmd);
            out.cancel(true);
            err.cancel(true);
            if (!client.isConnected()) {
                // the transport died under the command (sshj's join reports that as a ConnectionException too)
                invalidate(target, client);
                throw SshUnavailableException.lostAfterStart("connection lost during the command: " + e.getMessage(),
                        e);
            }
            throw new CommandTimeoutException("command did not finish within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            closeQuietly(cmd);
            invalidate(target, client);
            throw SshUnavailableException.lostAfterStart("connection lost during the command: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            closeQuietly(cmd);
            Thread.currentThread().interrupt();
            throw new CommandTimeoutException("interrupted");
        }
    }

    /**
     * {@code GET <path>} on {@code 127.0.0.1:<port>} of the lease through a direct-tcpip channel. Never throws for
     * HTTP-level trouble: a refused or timed-out request is a response with status 0.
     */
    public HttpProbeResponse httpGet(LeaseTarget target, int port, String path, Duration timeout)
            throws HostKeyMismatchException, SshUnavailableException {
        return request(target, port, path, RawHttp.get(path, port), timeout, false);
    }

    /**
     * Sends {@code request} (built with {@link RawHttp#request}) to {@code 127.0.0.1:<port>} of the lease through a
     * direct-tcpip channel and reads the answer to EOF. HTTP-level trouble is a response with status 0; a broken
     * SSH connection throws (a probe makes that ERROR, not FAILED).
     */
    public HttpProbeResponse http(LeaseTarget target, int port, String path, byte[] request, Duration timeout)
            throws HostKeyMismatchException, SshUnavailableException {
        return request(target, port, path, request, timeout, true);
    }

    private HttpProbeResponse request(LeaseTarget target, int port, String path, byte[] request, Duration timeout,
            boolean throwOnSsh) throws HostKeyMismatchException, SshUnavailableException {
        SSHClient client = connection(target);
        long start = System.nanoTime();
        AtomicReference<DirectConnection> channel = new AtomicReference<>();
        Future<RawHttp.Parsed> call = io.submit(() -> {
            DirectConnection dc = client.newDirectConnection("127.0.0.1", port);
            channel.set(dc);
            try {
                OutputStream os = dc.getOutputStream();
                os.write(request);
                os.flush();
                return RawHttp.parse(readCapped(dc.getInputStream(), null));
            } finally {
                closeQuietly(dc);
            }
        });
        try {
            RawHttp.Parsed parsed = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new HttpProbeResponse(path, parsed.status(), parsed.body(), null, millisSince(start));
        } catch (TimeoutException e) {
            call.cancel(true);
            closeQuietly(channel.get());
            return new HttpProbeResponse(path, 0, null, "timeout after " + timeout.toMillis() + " ms",
                    millisSince(start));
        } catch (InterruptedException e) {
            call.cancel(true);
            closeQuietly(channel.get());
            Thread.currentThread().interrupt();
            return new HttpProbeResponse(path, 0, null, "interrupted", millisSince(start));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            boolean sshBroken = cause instanceof TransportException
                    || cause instanceof ConnectionException
                    && !(cause instanceof OpenFailException);
            if (sshBroken) {
                invalidate(target, client);
            }
            if (sshBroken && throwOnSsh) {
                throw SshUnavailableException.transientFault("connection lost during the request: "
                        + cause.getMessage(), cause);
            }
            String why = cause instanceof OpenFailException
                    ? "connection refused" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            return new HttpProbeResponse(path, 0, null, why, millisSince(start));
        }
    }

    /**
     * What {@link #httpOnOneChannel} saw: the channel's open (TCP: connected, or refused / not within the connect
     * timeout) and one response per path (status 0 with the reason when there was none).
     */
    public record ForwardedHttp(TcpConnectResult connect, List<HttpProbeResponse> responses) {
    }

    /**
     * {@code GET} of each path on {@code 127.0.0.1:<port>} of the lease through ONE direct-tcpip channel (HTTP/1.1
     * keep-alive, the last request {@code Connection: close}); a server that closes after a response gets the next
     * request on a fresh channel. The first channel's open is the TCP check ({@link #tcpConnect}'s meaning, within
     * {@code connectTimeout}); each request has {@code requestTimeout}. HTTP-level trouble is a response with status
     * 0; a broken SSH connection throws.
     */
    public ForwardedHttp httpOnOneChannel(LeaseTarget target, int port, List<String> paths, Duration connectTimeout,
            Duration requestTimeout) throws HostKeyMismatchException, SshUnavailableException {
        SSHClient client = connection(target);
        long start = System.nanoTime();
        AtomicReference<DirectConnection> channel = new AtomicReference<>();
        CompletableFuture<Long> opened = new CompletableFuture<>();
        AtomicReferenceArray<HttpProbeResponse> answers = new AtomicReferenceArray<>(paths.size());
        Future<Void> call = io.submit(() -> {
            DirectConnection dc = null;
            InputStream in = null;
            try {
                for (int i = 0; i < paths.size(); i++) {
                    String path = paths.get(i);
                    long t = i == 0 ? start : System.nanoTime();
                    if (dc == null) {
                        try {
                            dc = client.newDirectConnection("127.0.0.1", port);
                        } catch (Exception e) {
                            opened.completeExceptionally(e);
                            throw e;
                        }
                        channel.set(dc);
                        opened.complete(millisSince(start));
                        in = new BufferedInputStream(dc.getInputStream(), 8192);
                    }
                    boolean last = i == paths.size() - 1;
                    try {
                        OutputStream os = dc.getOutputStream();
                        os.write(last ? RawHttp.get(path, port) : RawHttp.getKeepAlive(path, port));
                        os.flush();
                        RawHttp.OneResponse r = RawHttp.readOne(in, MAX_CAPTURE);
                        answers.set(i, new HttpProbeResponse(path, r.parsed().status(), r.parsed().body(), null,
                                millisSince(t)));
                        if (!r.reusable()) {
                            closeQuietly(dc);
                            dc = null;
                        }
                    } catch (TransportException | ConnectionException e) {
                        throw e;
                    } catch (IOException | RuntimeException e) {
                        // this request's trouble (a bad response, a channel closed by the server): the next one
                        // gets a fresh channel
                        answers.set(i, new HttpProbeResponse(path, 0, null, e.getClass().getSimpleName() + ": "
                                + e.getMessage(), millisSince(t)));
                        closeQuietly(dc);
                        dc = null;
                    }
                }
                return null;
            } finally {
                closeQuietly(dc);
            }
        });
        TcpConnectResult connect;
        try {
            connect = new TcpConnectResult(true, opened.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (TimeoutException e) {
            connect = new TcpConnectResult(false, millisSince(start), "no connect within " + connectTimeout.toMillis()
                    + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            closeQuietly(channel.get());
            Thread.currentThread().interrupt();
            return failedForward(paths, start, "interrupted");
        } catch (ExecutionException e) {
            connect = null; // the call ends with the same cause, judged below
        }
        String why = null;
        try {
            call.get(Math.max(1, start + requestTimeout.toNanos() * paths.size() - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            closeQuietly(channel.get());
            why = "timeout after " + requestTimeout.toMillis() + " ms";
        } catch (InterruptedException e) {
            call.cancel(true);
            closeQuietly(channel.get());
            Thread.currentThread().interrupt();
            why = "interrupted";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OpenFailException && connect == null) {
                return failedForward(paths, start, "connection refused");
            }
            if (cause instanceof TransportException
                    || cause instanceof ConnectionException && !(cause instanceof OpenFailException)) {
                invalidate(target, client);
                throw SshUnavailableException.transientFault("connection lost during the request: "
                        + cause.getMessage(), cause);
            }
            why = cause instanceof OpenFailException ? "connection refused"
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        if (connect == null) {
            connect = new TcpConnectResult(false, millisSince(start), why);
        }
        List<HttpProbeResponse> responses = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            HttpProbeResponse r = answers.get(i);
            responses.add(r != null ? r : new HttpProbeResponse(paths.get(i), 0, null, why, millisSince(start)));
        }
        return new ForwardedHttp(connect, responses);
    }

    private static ForwardedHttp failedForward(List<String> paths, long start, String why) {
        List<HttpProbeResponse> responses = new ArrayList<>();
        for (String p : paths) {
            responses.add(new HttpProbeResponse(p, 0, null, why, millisSince(start)));
        }
        return new ForwardedHttp(new TcpConnectResult(false, millisSince(start), why), responses);
    }

    /**
     * Connects from the lease to {@code host:port} (a direct-tcpip channel, what {@code nc -vz} checks) within
     * {@code timeout}, then closes. A refused or slow connect is a result; only SSH trouble throws.
     */
    public TcpConnectResult tcpConnect(LeaseTarget target, String host, int port, Duration timeout)
            throws HostKeyMismatchException, SshUnavailableException {
        SSHClient client = connection(target);
        long start = System.nanoTime();
        AtomicReference<DirectConnection> channel = new AtomicReference<>();
        Future<Void> open = io.submit(() -> {
            DirectConnection dc = client.newDirectConnection(host, port);
            channel.set(dc);
            closeQuietly(dc);
            return null;
        });
        try {
            open.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new TcpConnectResult(true, millisSince(start), null);
        } catch (TimeoutException e) {
            open.cancel(true);
            closeQuietly(channel.get());
            return new TcpConnectResult(false, millisSince(start), "no connect within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            open.cancel(true);
            Thread.currentThread().interrupt();
            return new TcpConnectResult(false, millisSince(start), "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OpenFailException) {
                return new TcpConnectResult(false, millisSince(start), "connection refused");
            }
            invalidate(target, client);
            throw SshUnavailableException.transientFault("connection lost during the connect: " + cause.getMessage(),
                    cause);
        }
    }

    /**
     * The certificate chain {@code host:port} presents, read through a direct-tcpip channel from the lease (what a
     * client on the lease would see). The chain is only read, never trusted: no data is sent after the handshake.
     *
     * @throws IOException when the endpoint is unreachable or the handshake fails
     */
    public X509Certificate[] tlsCertificates(LeaseTarget target, String host, int port,
            Duration timeout) throws HostKeyMismatchException, SshUnavailableException, IOException {
        SSHClient client = connection(target);
        Future<X509Certificate[]> call = io.submit(() -> {
            try (DirectConnection dc = client.newDirectConnection(host, port)) {
                return TlsOverChannel.peerCertificates(dc.getInputStream(), dc.getOutputStream(), host, port,
                        timeout, io);
            }
        });
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new IOException("no TLS handshake within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OpenFailException) {
                throw new IOException("connection refused");
            }
            if (cause instanceof TransportException) {
                invalidate(target, client);
                throw SshUnavailableException.transientFault("connection lost: " + cause.getMessage(), cause);
            }
            throw new IOException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        }
    }

    SSHClient connection(LeaseTarget target) throws HostKeyMismatchException, SshUnavailableException {
        String key = poolKey(target);
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            SSHClient existing = clients.get(key);
            if (existing != null && existing.isConnected() && existing.isAuthenticated()) {
                return existing;
            }
            if (existing != null) {
                clients.remove(key);
                closeQuietly(existing);
            }
            SSHClient fresh = connect(target);
            clients.put(key, fresh);
            return fresh;
        }
    }

    /**
     * Connects, verifies the pinned host key and authenticates, all within {@code probe.ssh.connect-timeout}: a peer
     * that accepts TCP but never speaks (or stops mid-handshake) is closed and reported as a timeout.
     */
    private SSHClient connect(LeaseTarget target) throws HostKeyMismatchException, SshUnavailableException {
        SSHClient client = new SSHClient(sshConfig);
        client.addHostKeyVerifier(new PinnedHostKeyVerifier(target.hostKey()));
        int connectMillis = (int) config.ssh().connectTimeout().toMillis();
        client.setConnectTimeout(connectMillis);
        client.getTransport().setTimeoutMs(connectMillis);
        Future<SSHClient> handshake = io.submit(() -> handshake(client, target));
        try {
            return handshake.get(connectMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            handshake.cancel(true);
            closeQuietly(client);
            throw new SshUnavailableException("no SSH handshake within " + connectMillis + " ms", false, true, e);
        } catch (InterruptedException e) {
            handshake.cancel(true);
            closeQuietly(client);
            Thread.currentThread().interrupt();
            throw new SshUnavailableException("interrupted while connecting", false, true, e);
        } catch (ExecutionException e) {
            closeQuietly(client);
            Throwable cause = e.getCause();
            if (cause instanceof HostKeyMismatchException m) {
                throw m;
            }
            if (cause instanceof SshUnavailableException u) {
                throw u;
            }
            throw new SshUnavailableException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), false,
                    cause);
        }
    }

    private SSHClient handshake(SSHClient client, LeaseTarget target)
            throws HostKeyMismatchException, SshUnavailableException {
        try {
            client.connect(target.host(), target.sshPort());
        } catch (TransportException e) {
            closeQuietly(client);
            if (e.getDisconnectReason() == DisconnectReason.HOST_KEY_NOT_VERIFIABLE) {
                throw new HostKeyMismatchException(target.host(), target.sshPort());
            }
            // closed or reset during the key exchange
            throw SshUnavailableException.transientFault(e.getMessage(), e);
        } catch (UnknownHostException e) {
            closeQuietly(client);
            throw new SshUnavailableException(e.getClass().getSimpleName() + ": " + e.getMessage(), false, e);
        } catch (IOException e) {
            closeQuietly(client);
            // refused, reset, unreachable
            throw SshUnavailableException.transientFault(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        KeyProvider keys;
        try {
            keys = client.loadKeys(config.ssh().privateKeyFile());
        } catch (IOException e) {
            closeQuietly(client);
            // the message of a key-loading failure names the file, never its content
            throw new SshUnavailableException(e.getClass().getSimpleName() + ": " + e.getMessage(), false, e);
        }
        try {
            client.getSocket().setTcpNoDelay(true);
            client.getConnection().getKeepAlive()
                    .setKeepAliveInterval((int) Math.max(1, config.ssh().keepAliveInterval().toSeconds()));
            client.authPublickey(target.sshUser(), keys);
            Log.debugf("ssh connected to %s@%s:%d", target.sshUser(), target.host(), target.sshPort());
            return client;
        } catch (UserAuthException e) {
            boolean dropped = !client.isConnected();
            closeQuietly(client);
            if (dropped) {
                throw SshUnavailableException.transientFault("connection closed during authentication: "
                        + e.getMessage(), e);
            }
            throw new SshUnavailableException("authentication failed", true, e);
        } catch (IOException e) {
            closeQuietly(client);
            throw SshUnavailableException.transientFault(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Drops this lease's pooled connections (the steps' and the probe account's), whatever they are, so the next call
     * opens a new one: a new handshake, and so a new check of the host key against the pin (an open connection keeps
     * the key it negotiated).
     */
    public void reconnect(LeaseTarget target) {
        if (target == null) {
            return;
        }
        drop(target);
        if (target.probeUser() != null && !isProbeLogin(target)) {
            drop(probeLogin(target));
        }
    }

    private void drop(LeaseTarget target) {
        String key = poolKey(target);
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            SSHClient existing = clients.remove(key);
            if (existing != null) {
                closeQuietly(existing);
            }
        }
    }

    /**
     * Opens the pooled connection of {@code target} if there is none (the continuous watch connects explicitly, so an
     * SSH failure is told apart from a failing probe and every reconnect passes its limiter).
     */
    public void ensureConnected(LeaseTarget target) throws HostKeyMismatchException, SshUnavailableException {
        connection(target);
    }

    /** Whether the pool holds an open, authenticated connection for {@code target} (no I/O). */
    public boolean isConnected(LeaseTarget target) {
        SSHClient c = clients.get(poolKey(target));
        return c != null && c.isConnected() && c.isAuthenticated();
    }

    /** Closes and forgets the pooled connection of exactly this login (a lease the watch no longer owns). */
    public void release(LeaseTarget target) {
        drop(target);
    }

    /** Open pooled connections, all leases and logins ({@code probe_ssh_connections}). */
    public int openConnections() {
        int n = 0;
        for (SSHClient c : clients.values()) {
            if (c.isConnected()) {
                n++;
            }
        }
        return n;
    }

    /** Drops the pooled connection of this lease (if it is still {@code client}) so the next call reconnects. */
    public void invalidate(LeaseTarget target, SSHClient client) {
        String key = poolKey(target);
        if (clients.remove(key, client)) {
            closeQuietly(client);
        }
    }

    /**
     * The login of the lease's probe account: the same host, port, pinned host key and worker key as {@code t}, as
     * {@code t.probeUser()} (so {@code sshUser} = {@code probeUser}). Its pooled connection is never the steps'
     * (the pool key holds the login name and the login's role).
     */
    public static LeaseTarget probeLogin(LeaseTarget t) {
        if (t.probeUser() == null) {
            throw new IllegalArgumentException("target has no probeUser");
        }
        return new LeaseTarget(t.region(), t.host(), t.sshPort(), t.probeUser(), t.hostKey(), t.gatewayPort(),
                t.probeUser());
    }

    /** Whether {@code t} logs in as the probe account ({@link #probeLogin}) rather than as the gateway's account. */
    public static boolean isProbeLogin(LeaseTarget t) {
        return t.probeUser() != null && t.probeUser().equals(t.sshUser());
    }

    static String poolKey(LeaseTarget t) {
        return (isProbeLogin(t) ? "probe:" : "steps:") + t.host() + ":" + t.sshPort() + ":" + t.sshUser() + ":"
                + t.hostKey();
    }

    @PreDestroy
    void shutdown() {
        clients.values().forEach(LeaseSshClient::closeQuietly);
        clients.clear();
        io.shutdownNow();
    }

    private static long remaining(long deadlineNanos) throws TimeoutException {
        long r = deadlineNanos - System.nanoTime();
        if (r <= 0) {
            throw new TimeoutException();
        }
        return r;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static byte[] readCapped(InputStream in, ArrivalLog arrivals) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        long total = 0;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (arrivals != null) {
                arrivals.mark(total);
            }
            int room = MAX_CAPTURE - out.size();
            if (room > 0) {
                out.write(buf, 0, Math.min(n, room));
            }
        }
        return out.toByteArray();
    }

    /** When each read of stdout ended (bytes so far, ms since the exec request): see {@link CommandResult.Arrivals}. */
    private static final class ArrivalLog {
        private final long start;
        private long[] ends = new long[16];
        private long[] millis = new long[16];
        private int n;

        ArrivalLog(long start) {
            this.start = start;
        }

        synchronized void mark(long bytesSoFar) {
            if (n == ends.length) {
                ends = java.util.Arrays.copyOf(ends, n * 2);
                millis = java.util.Arrays.copyOf(millis, n * 2);
            }
            ends[n] = bytesSoFar;
            millis[n++] = (System.nanoTime() - start) / 1_000_000;
        }

        synchronized CommandResult.Arrivals toArrivals() {
            return new CommandResult.Arrivals(java.util.Arrays.copyOf(ends, n), java.util.Arrays.copyOf(millis, n));
        }
    }

    /**
     * sshj asks for a logger per class on every channel it opens (two to five per watch round); the log manager's
     * lookup of a logger by name was ~4 % of the worker's CPU at 1,000 leases (JFR). Loggers of a class are looked up
     * once; by name they pass through.
     */
    private static final class ClassLoggers implements net.schmizz.sshj.common.LoggerFactory {
        private final ConcurrentHashMap<Class<?>, org.slf4j.Logger> byClass = new ConcurrentHashMap<>();

        @Override
        public org.slf4j.Logger getLogger(String name) {
            return net.schmizz.sshj.common.LoggerFactory.DEFAULT.getLogger(name);
        }

        @Override
        public org.slf4j.Logger getLogger(Class<?> clazz) {
            return byClass.computeIfAbsent(clazz, net.schmizz.sshj.common.LoggerFactory.DEFAULT::getLogger);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing a broken channel or connection: nothing to do
            }
        }
    }
}
