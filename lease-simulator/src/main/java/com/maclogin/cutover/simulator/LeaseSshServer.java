package com.maclogin.cutover.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.AgentForwardingFilter;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.X11ForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lease's SSH server on 127.0.0.1: ed25519 host key, public-key auth only, exec through {@code /bin/sh -c} in the
 * lease home, direct-tcpip only to loopback. Two logins with the same authorized keys: the gateway's user and the
 * lease's probe account, whose commands {@link ProbeUserAccount#wrap} runs as that account.
 */
final class LeaseSshServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseSshServer.class);
    /** SSH channels (exec sessions and direct-tcpip forwards) opened on every lease of this JVM, for the benchmarks. */
    static final java.util.concurrent.atomic.AtomicLong CHANNELS_OPENED = new java.util.concurrent.atomic.AtomicLong();

    private final String leaseId;
    private final LeaseSshd sshd;
    private final Path hostKeyFile;
    private final KeyPair originalKey;
    private final String originalLine;
    private volatile KeyPair currentKey;
    private volatile String hostKey;
    private volatile Faults.SshFault fault = Faults.SshFault.NONE;
    private volatile long commandDelayMillis;
    private volatile SocketAddress boundAddress;
    private final ShellExecutor shells;
    private final Light light;
    /** One-shot SSH events: new sessions still to be closed at once, and a timed refusal in progress. */
    private final AtomicInteger dropNext = new AtomicInteger();
    private boolean timedRefusal;
    private long refusalGeneration;
    private ScheduledExecutorService timer;

    /** Exposes the acceptor so that REFUSE_CONNECTIONS can unbind and rebind the listening socket. */
    static final class LeaseSshd extends SshServer {
        IoAcceptor ioAcceptor() {
            return acceptor;
        }
    }

    /** A server whose only login is {@code user} (no probe account; the probe-account name is unused). */
    LeaseSshServer(String leaseId, int port, Path hostKeyFile, Set<String> authorizedKeys, String user, Path home,
                   ExecutorService pumps) throws IOException {
        this(leaseId, port, hostKeyFile, authorizedKeys, user, home, pumps,
                new ProbeUserAccount(user + "-no-probe", -1, -1, false, "no probe account"), home);
    }

    LeaseSshServer(String leaseId, int port, Path hostKeyFile, Set<String> authorizedKeys, String user, Path home,
                   ExecutorService pumps, ProbeUserAccount probe, Path probeHome) throws IOException {
        this(leaseId, port, hostKeyFile, authorizedKeys, user, home, pumps, probe, probeHome, null);
    }

    /**
     * LIGHT mode's share of a lease's SSH server: the simulator-wide IO pool and timer (instead of a pool and a timer
     * thread per server), and the in-JVM answers of the watch's commands.
     */
    record Light(SharedSshIo io, LightExec exec) {
    }

    LeaseSshServer(String leaseId, int port, Path hostKeyFile, Set<String> authorizedKeys, String user, Path home,
                   ExecutorService pumps, ProbeUserAccount probe, Path probeHome, Light light) throws IOException {
        this.leaseId = leaseId;
        this.light = light;
        this.hostKeyFile = hostKeyFile;
        if (!Files.exists(hostKeyFile)) {
            SshKeys.generateEd25519(hostKeyFile, "root@" + leaseId);
        }
        this.originalLine = SshKeys.readPublicLine(hostKeyFile.resolveSibling(hostKeyFile.getFileName() + ".pub"));
        this.originalKey = loadKeyPair(hostKeyFile);
        this.currentKey = originalKey;
        this.hostKey = originalLine;
        Set<String> allowed = authorizedKeys.stream().map(SshKeys::normalizePublicLine)
                .filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet());

        sshd = (LeaseSshd) ServerBuilder.builder().factory(LeaseSshd::new).build();
        sshd.setHost("127.0.0.1");
        sshd.setPort(port);
        if (light != null) {
            light.io().apply(sshd);
        }
        sshd.addChannelListener(new org.apache.sshd.common.channel.ChannelListener() {
            @Override
            public void channelOpenSuccess(org.apache.sshd.common.channel.Channel channel) {
                CHANNELS_OPENED.incrementAndGet();
            }
        });
        sshd.setKeyPairProvider(new KeyPairProvider() {
            @Override
            public Iterable<KeyPair> loadKeys(SessionContext session) {
                return List.of(currentKey);
            }
        });
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                if (fault == Faults.SshFault.CLOSE_SESSIONS) {
                    LOG.info("lease {}: fault SSH_DROP closes a new session", leaseId);
                    session.close(true);
                } else if (dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    LOG.info("lease {}: SSH event drop-next closes a new session ({} more to drop)", leaseId,
                            dropNext.get());
                    session.close(true);
                }
            }
        });
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setPublickeyAuthenticator((username, key, session) ->
                (user.equals(username) || probe.name().equals(username)) && allowed.contains(keyLine(key)));
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        TcpForwardingFilter loopbackOnly = new TcpForwardingFilter() {
            @Override
            public boolean canListen(SshdSocketAddress address, Session session) {
                return false;
            }

            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
                String host = address.getHostName();
                boolean ok = type == Type.Direct && ("127.0.0.1".equals(host) || "localhost".equalsIgnoreCase(host));
                if (!ok) {
                    LOG.info("lease {}: refused {} forwarding to {}", leaseId, type, address);
                }
                return ok;
            }
        };
        sshd.setForwardingFilter(ForwardingFilter.asForwardingFilter(AgentForwardingFilter.of(false),
                X11ForwardingFilter.of(false), loopbackOnly));
        shells = new ShellExecutor(leaseId, home, user, hostKeyFile.toAbsolutePath().getParent(), pumps);
        // exec channels: /bin/sh -c forked by the lease's exec helper (ShellExecutor), or by the JVM without Perl; a
        // probe-account session's command is first wrapped to run as that account (ProbeUserAccount#wrap)
        sshd.setCommandFactory((channel, command) -> {
            boolean probeSession = probe.name().equals(channel.getSession().getUsername());
            if (light != null && light.exec() != null) {
                Caller caller = probeSession
                        ? new Caller(probe.osUser() ? probe.uid() : LaunchdEmulator.UID, probe.name()) : Caller.owner();
                Command inJvm = light.exec().command(command, probeSession ? probeHome : home, caller, commandDelayMillis);
                if (inJvm != null) {
                    return inJvm;
                }
                if (command.contains("ocw-") && splitRefusals.getAndIncrement() < 3) {
                    // the watch's split read should never reach the shell in LIGHT mode: say which text did (the first
                    // three per lease), so a benchmark that suddenly forks shells shows why
                    LOG.warn("lease {}: the watch's split read went to the shell, not answered in the JVM: {}", leaseId,
                            command.length() > 400 ? command.substring(0, 400) + "…" : command);
                }
            }
            String line = probeSession ? probe.wrap(command, probeHome) : command;
            return ShellExecutor.available()
                    ? shells.command(line, commandDelayMillis)
                    : new ExecCommand(line, home, user, pumps, commandDelayMillis);
        });
        sshd.start();
        boundAddress = new InetSocketAddress("127.0.0.1", sshd.getPort());
    }

    private static KeyPair loadKeyPair(Path file) throws IOException {
        for (KeyPair kp : new FileKeyPairProvider(file).loadKeys(null)) {
            return kp;
        }
        throw new IOException("no host key in " + file);
    }

    /**
     * HOST_KEY_CHANGED: presents a second host key ({@code <key file>.rotated}, generated once and kept) instead of the
     * original one, or the original one again. Sessions already open keep the key they negotiated.
     */
    synchronized void setHostKeyRotated(boolean rotated) throws IOException {
        if (!rotated) {
            currentKey = originalKey;
            hostKey = originalLine;
            return;
        }
        Path alt = hostKeyFile.resolveSibling(hostKeyFile.getFileName() + ".rotated");
        if (!Files.exists(alt)) {
            SshKeys.generateEd25519(alt, "root@" + leaseId);
        }
        currentKey = loadKeyPair(alt);
        hostKey = SshKeys.readPublicLine(alt.resolveSibling(alt.getFileName() + ".pub"));
    }

    /** SSH_DROP and SSH_SLOW. */
    synchronized void setFault(Faults.SshFault mode, long delayMillis) throws IOException {
        commandDelayMillis = delayMillis;
        boolean wasRefusing = refusing();
        fault = mode;
        if (mode == Faults.SshFault.CLOSE_SESSIONS) {
            sshd.getActiveSessions().forEach(s -> s.close(true));
        }
        if (mode == Faults.SshFault.REFUSE_CONNECTIONS) {
            sshd.getActiveSessions().forEach(s -> s.close(true));
        }
        listen(wasRefusing, refusing());
    }

    /**
     * One-shot SSH event: closes every open session now (the client's pooled connection dies, as when a Mac's network
     * drops) and each of the next {@code nextConnections} new sessions right after it is created (their connects fail
     * during the key exchange); later sessions work.
     */
    synchronized void dropConnections(int nextConnections) {
        if (nextConnections < 0) {
            throw new IllegalArgumentException("nextConnections must be >= 0: " + nextConnections);
        }
        dropNext.set(nextConnections);
        sshd.getActiveSessions().forEach(s -> s.close(true));
        LOG.info("lease {}: SSH event drop: open sessions closed, the next {} new ones will be", leaseId, nextConnections);
    }

    /**
     * One-shot SSH event: closes every open session and refuses TCP connections (the listening socket is unbound) for
     * {@code duration}, then listens again on the same port (unless SSH_DROP REFUSE_CONNECTIONS is on by then).
     */
    synchronized void refuseConnectionsFor(Duration duration) throws IOException {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
        boolean wasRefusing = refusing();
        timedRefusal = true;
        long generation = ++refusalGeneration;
        sshd.getActiveSessions().forEach(s -> s.close(true));
        listen(wasRefusing, true);
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sim-ssh-refusal-" + leaseId);
                t.setDaemon(true);
                return t;
            });
        }
        timer.schedule(() -> endTimedRefusal(generation), duration.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("lease {}: SSH event refuse: connections refused for {} ms", leaseId, duration.toMillis());
    }

    private synchronized void endTimedRefusal(long generation) {
        if (generation != refusalGeneration || !timedRefusal) {
            return;
        }
        timedRefusal = false;
        try {
            listen(true, refusing());
        } catch (IOException e) {
            LOG.warn("lease {}: cannot listen again on {}", leaseId, boundAddress, e);
        }
    }

    private boolean refusing() {
        return fault == Faults.SshFault.REFUSE_CONNECTIONS || timedRefusal;
    }

    private void listen(boolean wasRefusing, boolean refusingNow) throws IOException {
        if (refusingNow && !wasRefusing) {
            sshd.ioAcceptor().unbind(boundAddress);
            LOG.info("lease {}: SSH unbound {} (connections refused)", leaseId, boundAddress);
        } else if (wasRefusing && !refusingNow) {
            sshd.ioAcceptor().bind(boundAddress);
            LOG.info("lease {}: SSH listening again on {}", leaseId, boundAddress);
        }
    }

    static String keyLine(PublicKey key) {
        return SshKeys.normalizePublicLine(PublicKeyEntry.toString(key));
    }

    int port() {
        return ((InetSocketAddress) boundAddress).getPort();
    }

    String hostKey() {
        return hostKey;
    }

    /** LIGHT mode's in-JVM command answers of this lease, null in PROCESS mode. */
    private final java.util.concurrent.atomic.AtomicInteger splitRefusals = new java.util.concurrent.atomic.AtomicInteger();

    LightExec lightExec() {
        return light == null ? null : light.exec();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
        try {
            sshd.stop(true);
        } catch (IOException e) {
            LOG.warn("cannot stop SSH server", e);
        }
        shells.close();
    }

    /**
     * An exec request: {@code /bin/sh -c <command>} with the lease's login environment, spawned by the JVM (the path
     * without Perl, or with {@code -Dlease-simulator.exec=process}; see {@link ShellExecutor}).
     */
    static final class ExecCommand implements Command {
        private final String command;
        private final Path home;
        private final String user;
        private final ExecutorService pumps;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback callback;
        private final long delayMillis;
        private volatile Process process;
        private volatile boolean destroyed;

        ExecCommand(String command, Path home, String user, ExecutorService pumps, long delayMillis) {
            this.command = command;
            this.home = home;
            this.user = user;
            this.pumps = pumps;
            this.delayMillis = delayMillis;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.callback = callback;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            if (delayMillis <= 0) {
                startNow(channel, env);
                return;
            }
            // SSH_SLOW: the exec starts late; the MINA thread is not blocked
            pumps.submit(() -> {
                try {
                    Thread.sleep(delayMillis);
                    if (!destroyed) {
                        startNow(channel, env);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    callback.onExit(255);
                } catch (IOException e) {
                    callback.onExit(255, e.getMessage());
                }
            });
        }

        /** As the exec helper: macOS sshd's session umask 022, not the JVM's. */
        private void startNow(ChannelSession channel, Environment env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "umask 022; exec /bin/sh -c \"$0\"", command).directory(home.toFile());
            Map<String, String> e = pb.environment();
            Map<String, String> login = ShellExecutor.loginEnvironment(home, user, new LinkedHashMap<>(e), env, channel);
            e.clear();
            e.putAll(login);
            Process p = pb.start();
            process = p;
            Future<?> r = pumps.submit(() -> pump(p.getErrorStream(), err));
            if (in != null) {
                pumps.submit(() -> {
                    try (OutputStream stdin = p.getOutputStream()) {
                        in.transferTo(stdin);
                    } catch (IOException ignored) {
                        // client closed or process exited
                    }
                });
            }
            // stdout, then the exit status, on one thread: one hand-off less on every command's path to exit-status
            pumps.submit(() -> {
                pump(p.getInputStream(), out);
                int code;
                try {
                    r.get();
                    code = p.waitFor();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    code = 255;
                } catch (Exception ex) {
                    code = 255;
                }
                callback.onExit(code);
            });
        }

        private static void pump(InputStream from, OutputStream to) {
            byte[] buf = new byte[16384];
            try (from) {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException ignored) {
                // channel closed
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            destroyed = true;
            Process p = process;
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
        }
    }
}
