package com.maclogin.cutover.simulator;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.AsyncCommand;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exec path of one lease's SSH server: every exec channel runs {@code /bin/sh -c <command>} in the lease home,
 * forked by a per-lease helper process ({@code exec-helper.pl}, core Perl) instead of by the JVM.
 *
 * <p>Why: a child of the JVM must close every descriptor the JVM holds before it execs, and with 200 leases the
 * simulator JVM holds ~1050 (sockets, selectors, pipes), so {@code ProcessBuilder.start()} alone took 5-8 ms p50
 * per command there (0.4 ms with no extra descriptors). The helper is a small process with a handful of descriptors;
 * it forks and execs the shell, and multiplexes the children's stdin, stdout, stderr and exit status over one pipe
 * pair. On the JVM side one reader thread per lease writes the output to the channels through MINA's asynchronous
 * streams (no pump threads, no process-reaper hand-off per command) and reports the exit status once all output is
 * written. Flow control: the helper reads a child's output only while it has credit (256 KiB, returned as the
 * channel writes complete); stdin bytes release the channel's window only once the child took them.
 *
 * <p>The helper starts at a lease's first exec, and again if it died. Without Perl, or with
 * {@code -Dlease-simulator.exec=process}, {@link #available()} is false and the caller spawns from the JVM as before.
 */
final class ShellExecutor implements AutoCloseable {

    static final String PROPERTY = "lease-simulator.exec";
    private static final Logger LOG = LoggerFactory.getLogger(ShellExecutor.class);
    private static final String PERL = findPerl();
    private static final String SCRIPT = loadScript();

    private final String leaseId;
    private final Path home;
    private final String user;
    private final Path stateDir;
    private final ExecutorService pumps;
    private final Map<Integer, Exec> running = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private Helper helper;
    private boolean closed;

    ShellExecutor(String leaseId, Path home, String user, Path stateDir, ExecutorService pumps) {
        this.leaseId = leaseId;
        this.home = home;
        this.user = user;
        this.stateDir = stateDir;
        this.pumps = pumps;
    }

    /** Whether exec channels go through the helper: Perl is installed and {@value #PROPERTY} is not {@code process}. */
    static boolean available() {
        return PERL != null && SCRIPT != null && !"process".equals(System.getProperty(PROPERTY));
    }

    /** The command for one exec channel. */
    Command command(String command, long delayMillis) {
        return new Exec(command, delayMillis);
    }

    /** The helper's pid, or -1 if it is not running (for tests). */
    synchronized long helperPid() {
        return helper != null && helper.process.isAlive() ? helper.process.pid() : -1;
    }

    @Override
    public void close() {
        Helper h;
        synchronized (this) {
            closed = true;
            h = helper;
            helper = null;
        }
        if (h != null) {
            h.stop();
        }
    }

    private static String findPerl() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "perl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static String loadScript() {
        try (InputStream in = ShellExecutor.class.getResourceAsStream("exec-helper.pl")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The running helper, started if there is none (or it died). */
    private synchronized Helper helper() throws IOException {
        if (closed) {
            throw new IOException("lease " + leaseId + " is stopped");
        }
        if (helper == null || !helper.alive) {
            Path script = stateDir.resolve("exec-helper.pl");
            if (!Files.exists(script) || !Files.readString(script).equals(SCRIPT)) {
                Path tmp = stateDir.resolve("exec-helper.pl.tmp");
                Files.writeString(tmp, SCRIPT);
                Files.move(tmp, script, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            ProcessBuilder pb = new ProcessBuilder(PERL, script.toString()).directory(home.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(stateDir.resolve("exec-helper.log").toFile()));
            pb.environment().keySet().retainAll(List.of("PATH"));
            helper = new Helper(pb.start());
            LOG.debug("lease {}: exec helper pid {}", leaseId, helper.process.pid());
        }
        return helper;
    }

    /** Sends one frame to the helper; false if it is gone (the command then ends with 255). */
    private boolean send(Helper h, char type, int id, byte[] payload, int off, int len) {
        try {
            h.send(type, id, payload, off, len);
            return true;
        } catch (IOException e) {
            h.died(e);
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------- helper

    /** One helper process and the thread that reads its frames. */
    /**
     * HOME, PATH with the lease's shims first, TMPDIR, SHELL, USER, LOGNAME, SSH_CLIENT and the locale (from the
     * simulator's environment and the client's LANG/LC_* requests): the same environment a login over OpenSSH gets
     * on a lease; nothing else of the simulator's environment. Shared by both exec paths.
     */
    static Map<String, String> loginEnvironment(Path home, String user, Map<String, String> inherited, Environment env,
            ChannelSession channel) {
        Map<String, String> e = new LinkedHashMap<>();
        for (String k : new String[] {"LANG", "LC_ALL", "TZ"}) {
            if (inherited.containsKey(k)) {
                e.put(k, inherited.get(k));
            }
        }
        env.getEnv().forEach((k, v) -> {
            if (k.equals("LANG") || k.startsWith("LC_")) {
                e.put(k, v);
            }
        });
        String basePath = inherited.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        e.put("PATH", home.resolve(".sim/bin") + ":" + basePath);
        e.put("HOME", home.toString());
        e.put("SHELL", "/bin/bash");
        e.put("USER", user);
        e.put("LOGNAME", user);
        e.put("TMPDIR", System.getProperty("java.io.tmpdir"));
        if (channel.getSession().getClientAddress() instanceof InetSocketAddress c
                && channel.getSession().getLocalAddress() instanceof InetSocketAddress l) {
            e.put("SSH_CLIENT", c.getAddress().getHostAddress() + " " + c.getPort() + " " + l.getPort());
        }
        e.values().removeIf(v -> v.indexOf('\0') >= 0);
        return e;
    }

    private final class Helper {
        final Process process;
        private final OutputStream toHelper;
        volatile boolean alive = true;

        Helper(Process process) {
            this.process = process;
            this.toHelper = new BufferedOutputStream(process.getOutputStream(), 65536);
            Thread reader = new Thread(this::readLoop, "sim-ssh-exec-" + leaseId);
            reader.setDaemon(true);
            reader.start();
        }

        synchronized void send(char type, int id, byte[] payload, int off, int len) throws IOException {
            byte[] head = ByteBuffer.allocate(9).put((byte) type).putInt(id).putInt(len).array();
            toHelper.write(head);
            if (len > 0) {
                toHelper.write(payload, off, len);
            }
            toHelper.flush();
        }

        private void readLoop() {
            DataInputStream in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 65536));
            try {
                while (true) {
                    int type = in.read();
                    if (type < 0) {
                        throw new EOFException("exec helper exited");
                    }
                    int id = in.readInt();
                    int len = in.readInt();
                    byte[] payload = new byte[len];
                    in.readFully(payload);
                    Exec e = running.get(id);
                    switch (type) {
                        case 'O', 'E' -> {
                            if (e == null || !e.output(type == 'E', payload)) {
                                ack(id, len);
                            }
                        }
                        case 'W' -> {
                            if (e != null) {
                                e.stdinTaken(ByteBuffer.wrap(payload).getInt());
                            }
                        }
                        case 'X' -> {
                            if (e != null) {
                                running.remove(id);
                                e.exited(ByteBuffer.wrap(payload).getInt());
                            }
                        }
                        case 'F' -> {
                            if (e != null) {
                                running.remove(id);
                                e.output(true, (new String(payload, StandardCharsets.UTF_8) + "\n")
                                        .getBytes(StandardCharsets.UTF_8));
                                e.exited(255);
                            }
                        }
                        default -> throw new IOException("exec helper sent frame type " + type);
                    }
                }
            } catch (IOException ex) {
                died(ex);
            }
        }

        void ack(int id, int len) {
            try {
                send('A', id, ByteBuffer.allocate(4).putInt(len).array(), 0, 4);
            } catch (IOException ex) {
                died(ex);
            }
        }

        void died(Exception cause) {
            if (!alive) {
                return;
            }
            alive = false;
            boolean stopping;
            synchronized (ShellExecutor.this) {
                stopping = closed;
            }
            if (!stopping) {
                LOG.warn("lease {}: exec helper gone ({}); its commands end with 255", leaseId, cause.getMessage());
            }
            process.destroy();
            for (Exec e : new ArrayList<>(running.values())) {
                if (e.helper == this) {
                    running.remove(e.id);
                    e.exited(255);
                }
            }
        }

        void stop() {
            alive = false;
            try {
                process.getOutputStream().close(); // the helper TERMs its commands and exits on EOF
            } catch (IOException ignored) {
                // already gone
            }
            process.destroy();
        }
    }

    // ---------------------------------------------------------------------------------------------------- exec

    /**
     * One exec channel. Output goes out through the channel's asynchronous streams, one write in flight at a time in
     * the order the helper read it; the exit status follows the last byte.
     */
    private final class Exec implements AsyncCommand, ChannelSessionAware, ChannelDataReceiver {
        final int id = ids.incrementAndGet();
        private final String command;
        private final long delayMillis;
        private ChannelSession channel;
        private IoOutputStream out;
        private IoOutputStream err;
        private ExitCallback callback;
        volatile Helper helper;
        // guarded by this
        private final List<byte[]> stdinBeforeStart = new ArrayList<>();
        private boolean stdinEof;
        private boolean started;
        private boolean destroyed;
        private boolean finished;
        private final ArrayDeque<Object> queue = new ArrayDeque<>();
        private boolean writing;

        Exec(String command, long delayMillis) {
            this.command = command;
            this.delayMillis = delayMillis;
        }

        @Override
        public void setChannelSession(ChannelSession session) {
            this.channel = session;
            session.setDataReceiver(this); // stdin straight from the MINA thread to the helper: no pipe, no pump
            // MINA 2.20 resumes only the asynchronous stdout on a window adjust (ChannelSession.handleWindowAdjust),
            // so a stderr write waiting for window space would wait forever: resume it here too
            session.addChannelListener(new ChannelListener() {
                @Override
                public void channelStateChanged(Channel c, String hint) {
                    if ("SSH_MSG_CHANNEL_WINDOW_ADJUST".equals(hint) && err instanceof ChannelAsyncOutputStream e) {
                        try {
                            e.onWindowExpanded();
                        } catch (IOException ignored) {
                            // channel closing
                        }
                    }
                }
            });
        }

        @Override
        public void setIoOutputStream(IoOutputStream out) {
            this.out = out;
        }

        @Override
        public void setIoErrorStream(IoOutputStream err) {
            this.err = err;
        }

        @Override
        public void setIoInputStream(IoInputStream in) {
            // not used: this command is the channel's data receiver
        }

        @Override
        public void setInputStream(InputStream in) {
            // not used
        }

        @Override
        public void setOutputStream(OutputStream out) {
            // not used (asynchronous streams)
        }

        @Override
        public void setErrorStream(OutputStream err) {
            // not used (asynchronous streams)
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.callback = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            if (delayMillis <= 0) {
                startNow(env);
                return;
            }
            // SSH_SLOW: the exec starts late; the MINA thread is not blocked
            pumps.submit(() -> {
                try {
                    Thread.sleep(delayMillis);
                    startNow(env);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    callback.onExit(255);
                } catch (IOException e) {
                    callback.onExit(255, e.getMessage());
                }
            });
        }

        private void startNow(Environment env) throws IOException {
            Helper h = helper();
            StringBuilder p = new StringBuilder();
            p.append(home).append('\0').append(command).append('\0');
            loginEnvironment(env).forEach((k, v) -> p.append(k).append('=').append(v).append('\0'));
            byte[] start = p.toString().getBytes(StandardCharsets.UTF_8);
            synchronized (this) {
                if (destroyed) {
                    return;
                }
                helper = h;
                running.put(id, this);
                started = true;
                boolean ok = send(h, 'S', id, start, 0, start.length);
                for (byte[] b : stdinBeforeStart) {
                    ok = ok && send(h, 'I', id, b, 0, b.length);
                }
                stdinBeforeStart.clear();
                if (ok && stdinEof) {
                    send(h, 'E', id, null, 0, 0);
                }
            }
        }

        private Map<String, String> loginEnvironment(Environment env) {
            return ShellExecutor.loginEnvironment(home, user, System.getenv(), env, channel);
        }

        // ---- stdin (MINA thread)

        @Override
        public int data(ChannelSession channel, byte[] buf, int start, int len) throws IOException {
            synchronized (this) {
                if (finished || destroyed) {
                    return len; // nobody reads it any more
                }
                if (!started) {
                    stdinBeforeStart.add(Arrays.copyOfRange(buf, start, start + len));
                    return 0;
                }
                if (!send(helper, 'I', id, buf, start, len)) {
                    return len;
                }
            }
            return 0; // the window opens again when the helper reports the bytes written to the command
        }

        void stdinTaken(int n) {
            try {
                channel.getLocalWindow().release(n);
            } catch (IOException ignored) {
                // channel closing
            }
        }

        /** EOF from the client (or the channel closes). */
        @Override
        public void close() {
            synchronized (this) {
                if (stdinEof) {
                    return;
                }
                stdinEof = true;
                if (started && !finished && !destroyed) {
                    send(helper, 'E', id, null, 0, 0);
                }
            }
        }

        // ---- output and exit (helper reader thread, then MINA threads as writes complete)

        /** Queues output; false if the channel is gone (the caller then acknowledges it at once). */
        boolean output(boolean stderr, byte[] data) {
            synchronized (this) {
                if (destroyed) {
                    return false;
                }
                queue.add(new Chunk(stderr, data));
            }
            drain();
            return true;
        }

        void exited(int code) {
            synchronized (this) {
                finished = true;
                queue.add(code);
            }
            drain();
        }

        private void drain() {
            while (true) {
                Object next;
                synchronized (this) {
                    if (writing || queue.isEmpty()) {
                        return;
                    }
                    next = queue.poll();
                    if (next instanceof Chunk) {
                        writing = true;
                    }
                }
                if (next instanceof Integer code) {
                    callback.onExit(code);
                    return;
                }
                Chunk c = (Chunk) next;
                Helper h = helper;
                try {
                    (c.stderr ? err : out).writeBuffer(new ByteArrayBuffer(c.data)).addListener(f -> {
                        written(h, c);
                        drain();
                    });
                } catch (IOException | RuntimeException e) {
                    written(h, c); // channel closed: the bytes are dropped
                }
            }
        }

        private void written(Helper h, Chunk c) {
            synchronized (this) {
                writing = false;
            }
            if (h != null && h.alive) {
                h.ack(id, c.data.length);
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            Helper h;
            boolean kill;
            synchronized (this) {
                destroyed = true;
                kill = started && !finished;
                h = helper;
                queue.clear();
            }
            if (kill && h != null) {
                send(h, 'K', id, null, 0, 0); // SIGTERM to the command's process group, SIGKILL 3 s later
            }
        }
    }

    private record Chunk(boolean stderr, byte[] data) {
    }
}
