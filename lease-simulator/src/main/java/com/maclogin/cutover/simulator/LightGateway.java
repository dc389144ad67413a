package com.maclogin.cutover.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LIGHT mode's gateway: what launchd runs instead of {@code node dist/index.js gateway --port P} when the plist's
 * program is the stand-in ({@link #runsStandIn}). It is a {@link Process} to the launchd emulator (pid, exit code,
 * {@code destroy} = SIGTERM, {@code destroyForcibly} = SIGKILL), so KeepAlive, the throttle, {@code runs}, the last exit
 * code, {@code kickstart -k} and {@code bootout} work on it unchanged. It reproduces {@code index.js} step by step: the
 * env wrapper's header check (78), the config check (78), the state-schema guard with the park (disable + detached
 * bootout, 78) and the pre-startup migration backup, {@code exitOnStartCode}, the bind with 4×250 ms retries
 * (EADDRINUSE → 1), the start-up delay, the start-up faults ({@code readyFailingAfterMs}, {@code crashAfterMs} → 1,
 * {@code logStackTraceOnReady}, {@code slowFirstWakes}), the run-time faults of {@code ~/.sim/runtime-faults.json}, and
 * the same HTTP endpoints with the same statuses and bodies, on the lease's gateway port, served by the shared
 * {@link LightIo} loop. Its log lines go to the plist's stdout/stderr paths as the Node process's do.
 * Pids are numbers above the kernel's {@code pid_max}: they never name a real process.
 */
final class LightGateway extends Process {

    private static final Logger LOG = LoggerFactory.getLogger(LightGateway.class);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Set<String> PROBES = Set.of("/health", "/healthz", "/startup", "/startupz", "/ready", "/readyz");
    private static final String LABEL = LaunchAgentPlist.LABEL;
    private static final String SPA_HTML_PREFIX = "<!doctype html><html><head><meta charset=\"utf-8\"><title>OpenClaw "
            + "Control</title></head><body><div id=\"app\" data-version=\"";

    /** What every LIGHT gateway of a simulator shares: the event loop, timers, a worker pool and the pid counter. */
    static final class Host implements AutoCloseable {
        final LightIo io;
        final ScheduledExecutorService timers;
        final Executor work;
        /** For what may block for seconds (the park's detached bootout waits for the exit). */
        final Executor blocking;
        private final AtomicLong nextPid;

        Host(LightIo io, ScheduledExecutorService timers, Executor work, Executor blocking) {
            this.io = io;
            this.timers = timers;
            this.work = work;
            this.blocking = blocking;
            this.nextPid = new AtomicLong(firstPid());
        }

        long allocatePid() {
            return nextPid.getAndIncrement();
        }

        @Override
        public void close() {
            io.close();
        }

        /** Above the kernel's pid_max (and at least 100000), so a LIGHT pid is never a real process's. */
        private static long firstPid() {
            long max = 4_194_304;
            try {
                max = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).trim());
            } catch (IOException | RuntimeException e) {
                // not Linux: keep the largest default
            }
            return Math.max(100_000, max + 1_000);
        }
    }

    /** launchctl as the gateway's own account (the park). */
    interface Launchctl {
        CommandResult run(List<String> argv);
    }

    private static volatile byte[] standInDigest;

    /**
     * Whether {@code programArguments} run the stand-in gateway: an argument is a {@code dist/index.js} whose bytes
     * are the simulator's {@code gateway/index.js}, followed by {@code gateway}. Anything else (the real OpenClaw
     * package of {@code RealGatewayMode}, another program) is spawned as a real process in LIGHT mode too.
     */
    static boolean runsStandIn(List<String> programArguments) {
        int i = indexJs(programArguments);
        if (i < 0 || !programArguments.subList(i + 1, programArguments.size()).contains("gateway")) {
            return false;
        }
        try {
            return Arrays.equals(digest(Files.readAllBytes(Path.of(programArguments.get(i)))), standInDigest());
        } catch (IOException e) {
            return false;
        }
    }

    private static int indexJs(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i).endsWith("/dist/index.js")) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] standInDigest() throws IOException {
        byte[] d = standInDigest;
        if (d == null) {
            try (InputStream in = LightGateway.class.getResourceAsStream("gateway/index.js")) {
                if (in == null) {
                    throw new IOException("gateway/index.js resource missing");
                }
                d = digest(in.readAllBytes());
            }
            standInDigest = d;
        }
        return d;
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ instance

    private final Host host;
    private final String leaseId;
    private final long pid;
    private final List<String> argv;
    private final Map<String, String> env;
    private final Path stdout;
    private final Path stderr;
    private final Launchctl launchctl;
    private final long bootAt = System.currentTimeMillis();
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private volatile Integer exitCode;
    private final Object lock = new Object();

    // set during the start
    private volatile String version;
    private volatile Path home;
    private volatile Path stateDb;
    private volatile String gatewayToken;
    private volatile boolean hooksEnabled;
    private volatile String hooksPath = "/hooks";
    private volatile String hooksToken;
    private volatile JsonNode faults = Json.MAPPER.createObjectNode();
    private volatile int port;
    private volatile LightIo.Listener listener;
    private volatile boolean started;
    private volatile boolean draining;
    private volatile List<String> faultFailing = List.of();
    private volatile boolean migrationFaultLogged;
    private int wakeCount;
    private int slowWakesLeft;
    private int slowWakeMs;
    private final Map<String, Long> wakeSeen = new ConcurrentHashMap<>();
    private final List<ScheduledFuture<?>> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
    // run-time faults, re-read when the file changes
    private volatile String runtimeStamp = "";
    private volatile JsonNode runtimeFaults = Json.MAPPER.createObjectNode();

    private LightGateway(Host host, String leaseId, List<String> argv, Map<String, String> env, Path stdout,
                         Path stderr, Launchctl launchctl) {
        this.host = host;
        this.leaseId = leaseId;
        this.pid = host.allocatePid();
        this.argv = List.copyOf(argv);
        this.env = new HashMap<>(env);
        this.stdout = stdout;
        this.stderr = stderr;
        this.launchctl = launchctl;
    }

    /**
     * Starts a gateway for {@code argv} (the plist's ProgramArguments) with launchd's {@code env}; the start runs on
     * the host's worker pool, as a spawned process boots on its own.
     */
    static LightGateway start(Host host, String leaseId, List<String> argv, Map<String, String> env, Path stdout,
                              Path stderr, Launchctl launchctl) {
        LightGateway g = new LightGateway(host, leaseId, argv, env, stdout, stderr, launchctl);
        host.work.execute(g::boot);
        return g;
    }

    // ------------------------------------------------------------------------------------------------ Process

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return exitCode;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int exitValue() {
        Integer c = exitCode;
        if (c == null) {
            throw new IllegalThreadStateException("light gateway " + pid + " has not exited");
        }
        return c;
    }

    @Override
    public boolean isAlive() {
        return exitCode == null;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    /** SIGTERM: drains (stops listening, closes connections), logs, exits 0, as {@code index.js}'s handler. */
    @Override
    public void destroy() {
        if (!isAlive()) {
            return;
        }
        host.work.execute(() -> shutdown("SIGTERM"));
    }

    /** SIGKILL: gone at once, no log line; exit status 128 + 9. */
    @Override
    public Process destroyForcibly() {
        exit(137);
        return this;
    }

    @Override
    public String toString() {
        return "LightGateway[lease=" + leaseId + ", pid=" + pid + ", port=" + port + (isAlive() ? "" : ", exit=" + exitCode)
                + "]";
    }

    /** What {@code GET /readyz} answers now (or -1 when nothing listens), without a request: the start-up poll. */
    int readyzStatus() {
        if (!isAlive() || listener == null) {
            return -1;
        }
        return readyFailing(false).isEmpty() ? 200 : 503;
    }

    // ------------------------------------------------------------------------------------------------ start-up

    private void boot() {
        try {
            bootSteps();
        } catch (RuntimeException e) {
            logErr("gateway failed: " + e);
            exit(1);
        }
    }

    private void bootSteps() {
        List<String> rest = argv;
        // /bin/sh -c 'umask … && exec "$0" "$@"' is launchd's Umask; it keeps argv after it
        if (rest.size() >= 3 && rest.get(0).equals("/bin/sh") && rest.get(1).equals("-c")) {
            rest = rest.subList(3, rest.size());
        }
        // the OpenClaw env wrapper: /bin/sh <wrapper> <env file> <program…>
        if (rest.size() >= 3 && rest.get(0).equals("/bin/sh") && rest.get(1).endsWith("-env-wrapper.sh")) {
            Path envFile = Path.of(rest.get(2));
            if (!wrapperLoads(envFile)) {
                return;
            }
            rest = rest.subList(3, rest.size());
        }
        if (rest.isEmpty()) {
            exit(0);
            return;
        }
        Path node = Path.of(rest.get(0));
        if (!Files.isExecutable(node)) {
            logErr(rest.get(0) + ": not found");
            exit(127);
            return;
        }
        int js = indexJs(rest);
        if (js < 0) {
            logErr("light gateway: no dist/index.js in " + rest);
            exit(1);
            return;
        }
        Path index = Path.of(rest.get(js));
        if (!Files.isRegularFile(index)) {
            logErr("node:internal/modules/cjs/loader: Error: Cannot find module '" + index + "'");
            exit(1);
            return;
        }
        Integer argPort = null;
        List<String> args = rest.subList(js + 1, rest.size());
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--port") && i + 1 < args.size()) {
                argPort = parseIntOrNull(args.get(++i));
            } else if (a.startsWith("--port=")) {
                argPort = parseIntOrNull(a.substring(7));
            }
        }
        Path pkgRoot = index.getParent().getParent();
        try {
            version = Json.MAPPER.readTree(Files.readString(pkgRoot.resolve("package.json"))).path("version").asText();
        } catch (IOException e) {
            logErr("Error: Cannot find module '" + pkgRoot.resolve("package.json") + "'");
            exit(1);
            return;
        }
        home = Path.of(firstNonBlank(env.get("OPENCLAW_HOME"), env.get("HOME"), System.getProperty("user.home")));
        Path stateDir = Path.of(firstNonBlank(env.get("OPENCLAW_STATE_DIR"), home.resolve(".openclaw").toString()));
        Path configPath = Path.of(firstNonBlank(env.get("OPENCLAW_CONFIG_PATH"), stateDir.resolve("openclaw.json").toString()));
        stateDb = stateDir.resolve("state").resolve("openclaw.sqlite");
        faults = loadFaults();
        slowWakesLeft = positiveInt(faults.get("slowFirstWakes"));
        slowWakeMs = positiveInt(faults.get("slowFirstWakeMs"));
        long startupDelayMs = faults.path("startupDelayMs").isInt() ? faults.get("startupDelayMs").asInt()
                : Math.max(0, parseLongOr(env.get("OPENCLAW_SIM_STARTUP_DELAY_MS"), 800));

        // config
        JsonNode config;
        try {
            config = Json.MAPPER.readTree(Files.readString(configPath));
            if (config == null || !config.isObject()) {
                throw new IOException("Unexpected end of JSON input");
            }
        } catch (IOException e) {
            logErr("Invalid config at " + configPath + ": " + e.getMessage());
            exit(78);
            return;
        }
        JsonNode gw = config.path("gateway");
        if (gw.path("mode").asText("").isEmpty()) {
            logErr("Invalid config at " + configPath + ": gateway.mode is required (run: openclaw config set gateway.mode local)");
            exit(78);
            return;
        }
        Integer envPort = parseIntOrNull(env.get("OPENCLAW_GATEWAY_PORT"));
        port = argPort != null && argPort != 0 ? argPort : envPort != null && envPort != 0 ? envPort
                : gw.path("port").asInt(18789);
        gatewayToken = textOrNull(gw.path("auth").path("token"));
        if (gatewayToken == null) {
            gatewayToken = env.get("OPENCLAW_GATEWAY_TOKEN");
        }
        JsonNode hooks = config.path("hooks");
        hooksEnabled = hooks.path("enabled").asBoolean(false);
        hooksPath = hooks.path("path").asText("/hooks").replaceAll("/+$", "");
        hooksToken = textOrNull(hooks.path("token"));

        // state schema guard and pre-startup migration
        int supported = StateSchema.forVersion(version);
        JsonNode state;
        try {
            state = Files.exists(stateDb) ? Json.MAPPER.readTree(Files.readString(stateDb)) : null;
        } catch (IOException e) {
            logErr("state database " + stateDb + " is unreadable: " + e.getMessage());
            logErr("refused startup: state database needs maintenance");
            park("unreadable state database");
            exit(78);
            return;
        }
        try {
            if (state == null) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("format", "openclaw-sim-state");
                s.put("schema", supported);
                s.put("createdBy", version);
                s.put("lastWrittenBy", version);
                writeState(s);
                log("created state database " + stateDb + " (schema " + supported + ")");
            } else if (state.path("schema").asInt() > supported) {
                logErr("refused startup because 1 database schema(s) are newer than this build supports: state database "
                        + stateDb + " has schema " + state.path("schema").asInt() + "; this build supports " + supported);
                logErr("restore a backup taken with this version together with its package, or install a newer build "
                        + "(openclaw gateway start recovers a parked service)");
                park("newer state schema");
                exit(78);
                return;
            } else if (state.path("schema").asInt() < supported) {
                Path backup = stateDb.resolveSibling(stateDb.getFileName() + ".pre-startup-migration-" + UUID.randomUUID() + ".bak");
                Files.copy(stateDb, backup);
                int from = state.path("schema").asInt();
                @SuppressWarnings("unchecked")
                Map<String, Object> s = Json.MAPPER.convertValue(state, LinkedHashMap.class);
                s.put("schema", supported);
                s.put("lastWrittenBy", version);
                s.put("migratedFrom", from);
                s.put("migratedAt", Instant.now().toString());
                writeState(s);
                log("migrated state database schema " + from + " -> " + supported + "; backup " + backup);
            }
        } catch (IOException e) {
            logErr("gateway failed: " + e);
            exit(1);
            return;
        }
        if (faults.path("exitOnStartCode").isInt()) {
            logErr("gateway failed to start: " + stack("simulated start-up failure (lease-simulator fault exitOnStartCode)"));
            exit(faults.get("exitOnStartCode").asInt());
            return;
        }
        int retries = Math.max(0, (int) parseLongOr(env.get("OPENCLAW_SIM_BIND_RETRIES"), 4));
        bind(0, retries, System.currentTimeMillis(), startupDelayMs, supported);
    }

    /** The env wrapper: the file must exist, be readable and start with OpenClaw's header; then it is sourced. */
    private boolean wrapperLoads(Path envFile) {
        if (!Files.isRegularFile(envFile) || !Files.isReadable(envFile)) {
            logErr("Invalid LaunchAgent environment file: " + envFile + " is missing or unreadable");
            exit(78);
            return false;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(envFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            logErr("Invalid LaunchAgent environment file: " + envFile + " is missing or unreadable");
            exit(78);
            return false;
        }
        if (lines.isEmpty() || !lines.get(0).equals(LeaseHome.ENV_HEADER)) {
            logErr("Invalid LaunchAgent environment file: " + envFile + " (missing OpenClaw header)");
            exit(78);
            return false;
        }
        Pattern export = Pattern.compile("^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
        for (String line : lines) {
            Matcher m = export.matcher(line);
            if (m.matches()) {
                env.put(m.group(1), unquote(m.group(2)));
            }
        }
        return true;
    }

    /** One shell word as {@code ShellQuote} writes it ({@code '…'} with {@code '\''}), or a bare word. */
    static String unquote(String word) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        while (i < word.length()) {
            char c = word.charAt(i);
            if (c == '\'') {
                int end = word.indexOf('\'', i + 1);
                if (end < 0) {
                    s.append(word, i + 1, word.length());
                    break;
                }
                s.append(word, i + 1, end);
                i = end + 1;
            } else if (c == '\\' && i + 1 < word.length()) {
                s.append(word.charAt(i + 1));
                i += 2;
            } else {
                s.append(c);
                i++;
            }
        }
        return s.toString();
    }

    private void bind(int attempt, int retries, long listenStarted, long startupDelayMs, int schema) {
        if (!isAlive() || draining) {
            return;
        }
        try {
            listener = host.io.listenHttp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), this::handle);
        } catch (BindException e) {
            if (attempt < retries) {
                schedule(() -> bind(attempt + 1, retries, listenStarted, startupDelayMs, schema), 250);
                return;
            }
            logErr("another gateway instance is already listening on 127.0.0.1:" + port + " (EADDRINUSE)");
            exit(1);
            return;
        } catch (IOException e) {
            logErr("gateway failed: " + e);
            exit(1);
            return;
        }
        if (!isAlive()) {
            listener.close();
            return;
        }
        log("openclaw " + version + " (lease-simulator stand-in) pid=" + pid + " node=light state schema " + schema);
        log(String.format("http server listening (127.0.0.1:%d; %.1fs)", port,
                (System.currentTimeMillis() - listenStarted) / 1000.0));
        log("starting channels and sidecars...");
        schedule(this::ready, startupDelayMs);
    }

    private void ready() {
        if (!isAlive()) {
            return;
        }
        started = true;
        log("ready (uptime " + uptimeMs() + "ms)");
        if (faults.path("logStackTraceOnReady").asBoolean(false)) {
            String message = faults.path("stackTraceMessage").isTextual() && !faults.get("stackTraceMessage").asText().isEmpty()
                    ? faults.get("stackTraceMessage").asText()
                    : "simulated sidecar failure (lease-simulator fault logStackTraceOnReady)";
            logErr("unhandled error in channel sidecar: " + stack(message));
        }
        if (faults.path("readyFailingAfterMs").isInt()) {
            schedule(() -> {
                faultFailing = List.of("internal");
                logErr("readiness check failing: internal (lease-simulator fault readyFailingAfterMs)");
            }, faults.get("readyFailingAfterMs").asInt());
        }
        if (faults.path("crashAfterMs").isInt()) {
            schedule(() -> {
                logErr("fatal: " + stack("simulated crash (lease-simulator fault crashAfterMs)"));
                exit(1);
            }, faults.get("crashAfterMs").asInt());
        }
    }

    /** OpenClaw's park on a refused start: {@code launchctl disable} (waited for), then a detached {@code bootout}. */
    private void park(String reason) {
        if (!LABEL.equals(env.get("XPC_SERVICE_NAME"))) {
            logErr("not running under launchd label " + LABEL + "; not parking (" + reason + ")");
            return;
        }
        String target = LaunchdEmulator.domain() + "/" + LABEL;
        CommandResult r = launchctl.run(List.of("disable", target));
        if (r.exitCode() == 0) {
            logErr("parked LaunchAgent: launchctl disable " + target);
        } else {
            logErr("launchctl disable " + target + " failed: " + r.stderr().trim());
        }
        host.blocking.execute(() -> launchctl.run(List.of("bootout", target)));
        logErr("parked LaunchAgent: detached launchctl bootout " + target);
    }

    private void writeState(Map<String, Object> state) throws IOException {
        Files.createDirectories(stateDb.getParent());
        Path tmp = stateDb.resolveSibling(stateDb.getFileName() + ".tmp-" + pid);
        // as JSON.stringify(state, null, 2) writes it: "key": value (Jackson's printer puts a space before the colon)
        Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(state)
                .replace("\" : ", "\": ") + "\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, stateDb, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private JsonNode loadFaults() {
        try {
            JsonNode all = Json.MAPPER.readTree(Files.readString(home.resolve(".sim/gateway-faults.json")));
            JsonNode f = all.has(version) ? all.get(version) : all.get("*");
            return f != null && f.isObject() ? f : Json.MAPPER.createObjectNode();
        } catch (IOException | RuntimeException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    // ------------------------------------------------------------------------------------------------ exit

    private void shutdown(String signal) {
        synchronized (lock) {
            if (draining || !isAlive()) {
                return;
            }
            draining = true;
        }
        log("signal " + signal + " received; draining");
        LightIo.Listener l = listener;
        if (l != null) {
            l.close();
        }
        log("gateway stopped");
        exit(0);
    }

    /** Ends the "process" once: stops listening, cancels its timers, then completes {@link #onExit}. */
    private void exit(int code) {
        synchronized (lock) {
            if (exitCode != null) {
                return;
            }
            exitCode = code;
        }
        timers.forEach(t -> t.cancel(false));
        LightIo.Listener l = listener;
        if (l != null) {
            l.close();
        }
        // as a reaped child's: the exit is seen by isAlive at once, onExit completes on another thread
        host.work.execute(() -> exit.complete(this));
    }

    private void schedule(Runnable r, long delayMs) {
        timers.add(host.timers.schedule(() -> host.work.execute(r), Math.max(0, delayMs), TimeUnit.MILLISECONDS));
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    private void handle(LightIo.Request req, LightIo.Responder res) {
        int delay = runtime().path("responseDelayMillis").asInt(0);
        if (runtime().path("responseDelayMillis").isInt() && delay > 0) {
            host.timers.schedule(() -> host.work.execute(() -> route(req, res)), delay, TimeUnit.MILLISECONDS);
        } else {
            route(req, res);
        }
    }

    private void route(LightIo.Request req, LightIo.Responder res) {
        URI url;
        try {
            url = new URI("http://127.0.0.1" + req.target());
        } catch (URISyntaxException e) {
            send(req, res, 400, "Bad Request", Map.of());
            return;
        }
        String p = url.getRawPath() == null ? "/" : url.getRawPath();
        if (PROBES.contains(p)) {
            probe(req, res, p);
        } else if (p.equals(hooksPath) || p.startsWith(hooksPath + "/")) {
            hooks(req, res, url, p);
        } else if (p.startsWith("/api/")) {
            send(req, res, 404, "Not Found", Map.of());
        } else if (req.method().equals("GET") || req.method().equals("HEAD")) {
            byte[] html = (SPA_HTML_PREFIX + version + "\"></div></body></html>").getBytes(StandardCharsets.UTF_8);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", "text/html; charset=utf-8");
            h.put("Cache-Control", "no-store");
            h.put("Content-Length", Integer.toString(html.length));
            res.respond(new LightIo.Response(200, h, html, req.method().equals("HEAD")));
        } else {
            send(req, res, 404, "Not Found", Map.of());
        }
    }

    private void probe(LightIo.Request req, LightIo.Responder res, String p) {
        if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
            send(req, res, 405, Map.of("error", ordered("type", "method_not_allowed", "message", "Method Not Allowed")),
                    Map.of("Allow", "GET, HEAD"));
            return;
        }
        if (req.header("x-forwarded-for") != null || req.header("forwarded") != null || req.header("x-real-ip") != null) {
            send(req, res, 403, Map.of("error", ordered("type", "proxy_attribution_required", "message",
                    "forwarded request from an untrusted proxy; configure gateway.trustedProxies")), Map.of());
            return;
        }
        boolean detailed = isLoopback(req.remote()) || (gatewayToken != null && gatewayToken.equals(bearer(req)));
        if (p.equals("/health") || p.equals("/healthz")) {
            send(req, res, 200, ordered("ok", true, "status", "live"), Map.of());
            return;
        }
        if (p.equals("/startup") || p.equals("/startupz")) {
            if (draining) {
                send(req, res, 503, ordered("ok", false, "status", "draining"), Map.of());
            } else if (!started) {
                send(req, res, 503, ordered("ok", false, "status", "starting", "pendingReason", "startup-sidecars"), Map.of());
            } else {
                send(req, res, 200, detailed ? ordered("ok", true, "status", "started", "version", version, "uptimeMs", uptimeMs())
                        : ordered("ok", true, "status", "started"), Map.of());
            }
            return;
        }
        List<String> failing = readyFailing(true);
        boolean ready = failing.isEmpty();
        Object body = detailed ? ordered("ready", ready, "failing", failing, "uptimeMs", uptimeMs(), "eventLoop", eventLoop())
                : ordered("ready", ready);
        send(req, res, ready ? 200 : 503, body, Map.of());
    }

    private List<String> readyFailing(boolean logFault) {
        List<String> failing = new java.util.ArrayList<>();
        if (!started) {
            failing.add("startup-sidecars");
        }
        if (draining) {
            failing.add("gateway-draining");
        }
        failing.addAll(faultFailing);
        if (runtime().path("halfAppliedMigration").asBoolean(false)) {
            failing.add("state-database");
            if (logFault && !migrationFaultLogged) {
                migrationFaultLogged = true;
                logErr("readiness check failing: state-database (migration of " + stateDb
                        + " incomplete: schema marker present, tables missing)");
            }
        } else if (logFault) {
            migrationFaultLogged = false;
        }
        return failing;
    }

    private void hooks(LightIo.Request req, LightIo.Responder res, URI url, String p) {
        if (!hooksEnabled) {
            send(req, res, 404, "Not Found", Map.of());
            return;
        }
        String sub = p.substring(hooksPath.length());
        if (!sub.equals("/wake") && !sub.equals("/agent")) {
            send(req, res, 404, "Not Found", Map.of());
            return;
        }
        if (!req.method().equals("POST")) {
            send(req, res, 405, "Method Not Allowed", Map.of("Allow", "POST"));
            return;
        }
        if (hasQueryParam(url.getRawQuery(), "token")) {
            send(req, res, 400, ordered("ok", false, "error", "token in query string is not accepted; use Authorization: Bearer"),
                    Map.of());
            return;
        }
        String token = bearer(req);
        if (token == null) {
            token = req.header("x-openclaw-token");
        }
        if (hooksToken == null || !hooksToken.equals(token)) {
            send(req, res, 401, "Unauthorized", Map.of());
            return;
        }
        if (!started || draining) {
            send(req, res, 503, Map.of("error", ordered("type", "unavailable", "code", "gateway_unavailable", "message",
                    "gateway is not accepting work")), Map.of());
            return;
        }
        if (req.body() == null) {
            send(req, res, 413, ordered("ok", false, "error", "payload too large"), Map.of());
            return;
        }
        JsonNode body;
        try {
            String text = new String(req.body(), StandardCharsets.UTF_8);
            body = Json.MAPPER.readTree(text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            send(req, res, 400, ordered("ok", false, "error", "invalid JSON"), Map.of());
            return;
        }
        if (sub.equals("/agent")) {
            if (body == null || !body.path("message").isTextual() || body.get("message").asText().isEmpty()) {
                send(req, res, 400, ordered("ok", false, "error", "message required"), Map.of());
            } else {
                send(req, res, 200, ordered("ok", true, "runId", UUID.randomUUID().toString()), Map.of());
            }
            return;
        }
        if (body == null || !body.path("text").isTextual() || body.get("text").asText().isEmpty()) {
            send(req, res, 400, ordered("ok", false, "error", "text required"), Map.of());
            return;
        }
        JsonNode rf = runtime();
        int n;
        int hookDelay = rf.path("hookDelayMillis").isInt() ? rf.get("hookDelayMillis").asInt() : 0;
        synchronized (lock) {
            n = wakeCount++;
            if (slowWakesLeft > 0 && slowWakeMs > 0) {
                slowWakesLeft--;
                hookDelay += slowWakeMs;
                log("[hooks] slow first wake after start: +" + slowWakeMs + "ms (lease-simulator fault slowFirstWakes, "
                        + slowWakesLeft + " left)");
            }
        }
        int pct = rf.path("hookErrorPercent").isInt() ? rf.get("hookErrorPercent").asInt() : 0;
        if (pct > 0 && Math.floorDiv((n + 1) * pct, 100) > Math.floorDiv(n * pct, 100)) {
            send(req, res, 503, Map.of("error", ordered("type", "unavailable", "code", "gateway_unavailable", "message",
                    "wake queue rejected the event")), Map.of());
            return;
        }
        String failure = rf.path("hookFailure").asText("NONE");
        if (failure.equals("HANG")) {
            host.timers.schedule(res::close, 600, TimeUnit.SECONDS);
            return;
        }
        if (failure.equals("BAD_GATEWAY_502") || failure.equals("GATEWAY_TIMEOUT_504")) {
            int status = failure.equals("BAD_GATEWAY_502") ? 502 : 504;
            String message = status == 502 ? "getaddrinfo ENOTFOUND api.openai.com" : "upstream request timed out after 30000ms";
            Object b = ordered("ok", false, "error", ordered("type", "upstream_error", "message", message));
            later(() -> send(req, res, status, b, Map.of()), hookDelay);
            return;
        }
        JsonNode wake = body;
        if (hookDelay > 0) {
            later(() -> answerWake(req, res, wake), hookDelay);
        } else {
            answerWake(req, res, wake);
        }
    }

    private void answerWake(LightIo.Request req, LightIo.Responder res, JsonNode body) {
        String mode = "next-heartbeat".equals(body.path("mode").asText(null)) ? "next-heartbeat" : "now";
        String key = mode + "\u0000" + body.get("text").asText();
        long now = System.currentTimeMillis();
        Long seen = wakeSeen.put(key, now);
        String outcome = seen != null && now - seen < 60_000 ? "coalesced" : "queued";
        log("[hooks] wake " + outcome + " mode=" + mode);
        send(req, res, 200, ordered("ok", true, "mode", mode, "eventOutcome", outcome), Map.of());
    }

    private void later(Runnable r, long delayMs) {
        host.timers.schedule(() -> host.work.execute(r), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    private void send(LightIo.Request req, LightIo.Responder res, int status, Object body, Map<String, String> extra) {
        byte[] bytes;
        String type;
        if (body instanceof String text) {
            bytes = text.getBytes(StandardCharsets.UTF_8);
            type = "text/plain; charset=utf-8";
        } else {
            try {
                bytes = Json.MAPPER.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            type = "application/json; charset=utf-8";
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", type);
        h.put("Cache-Control", "no-store");
        h.put("Content-Length", Integer.toString(bytes.length));
        h.putAll(extra);
        res.respond(new LightIo.Response(status, h, bytes, req.method().equals("HEAD")));
    }

    private JsonNode runtime() {
        Path file = home == null ? null : home.resolve(".sim/runtime-faults.json");
        if (file == null) {
            return runtimeFaults;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            String stamp = a.fileKey() + ":" + a.lastModifiedTime().toMillis() + ":" + a.size();
            if (!stamp.equals(runtimeStamp)) {
                JsonNode n = Json.MAPPER.readTree(Files.readString(file));
                runtimeFaults = n == null || !n.isObject() ? Json.MAPPER.createObjectNode() : n;
                runtimeStamp = stamp;
            }
        } catch (NoSuchFileException e) {
            runtimeFaults = Json.MAPPER.createObjectNode();
            runtimeStamp = "";
        } catch (IOException | RuntimeException e) {
            runtimeFaults = Json.MAPPER.createObjectNode();
            runtimeStamp = "";
        }
        return runtimeFaults;
    }

    private long uptimeMs() {
        return System.currentTimeMillis() - bootAt;
    }

    private static Map<String, Object> eventLoop() {
        return ordered("degraded", false, "degradedSinceMs", null, "reasons", List.of(), "intervalMs", 1000,
                "delayP99Ms", 1.2, "delayMaxMs", 2.5, "utilization", 0.002, "cpuCoreRatio", 0.003);
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static boolean isLoopback(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null && i.getAddress().isLoopbackAddress()
                && (i.getAddress().getHostAddress().equals("127.0.0.1") || i.getAddress().getHostAddress().equals("0:0:0:0:0:0:0:1"));
    }

    private static String bearer(LightIo.Request req) {
        String h = req.header("authorization");
        if (h == null) {
            return null;
        }
        Matcher m = Pattern.compile("^Bearer\\s+(.+)$", Pattern.CASE_INSENSITIVE).matcher(h);
        return m.matches() ? m.group(1).trim() : null;
    }

    private static boolean hasQueryParam(String rawQuery, String name) {
        if (rawQuery == null) {
            return false;
        }
        for (String part : rawQuery.split("&")) {
            String k = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
            if (k.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** A Node-style stack: the message, then frames in the stand-in's file (what RELOAD's log scan reads). */
    private String stack(String message) {
        String file = argv.stream().filter(a -> a.endsWith("/dist/index.js")).findFirst().orElse("dist/index.js");
        return "Error: " + message + "\n    at loadGatewayModule (" + file + ":213:12)\n    at simulatedError (" + file
                + ":215:10)\n    at Timeout._onTimeout (" + file + ":402:17)\n    at listOnTimeout (node:internal/timers:581:17)";
    }

    // ------------------------------------------------------------------------------------------------ logs

    private void log(String msg) {
        append(stdout, ISO.format(Instant.now()) + " [gateway] " + msg + "\n");
    }

    private void logErr(String msg) {
        append(stderr, ISO.format(Instant.now()) + " [gateway] " + msg + "\n");
    }

    private void append(Path file, String line) {
        if (file == null) {
            return;
        }
        synchronized (LightGateway.class) {
            try {
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                LOG.debug("lease {}: cannot write {}", leaseId, file, e);
            }
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }

    private static String textOrNull(JsonNode n) {
        return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }

    private static Integer parseIntOrNull(String s) {
        try {
            return s == null ? null : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long parseLongOr(String s, long fallback) {
        try {
            return s == null || s.isBlank() ? fallback : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int positiveInt(JsonNode n) {
        return n != null && n.isInt() && n.asInt() > 0 ? n.asInt() : 0;
    }
}
