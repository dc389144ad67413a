package com.maclogin.cutover.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.maclogin.cutover.contracts.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loopback control API (shims, tests, operators).
 * <ul>
 *   <li>{@code POST /v1/leases/{id}/exec/{command}}: body = NUL-terminated cwd then argv, headers
 *       {@code X-Sim-Caller-Uid}/{@code X-Sim-Caller-User} = who runs it (absent: the lease's own account); answer =
 *       a shell script that replays stdout, stderr and the exit code (the shim {@code eval}s it).</li>
 *   <li>{@code GET /v1/leases}: every lease with its endpoints, launchd state and fault switches.</li>
 *   <li>{@code GET /v1/leases/{id}}: the same for one lease, plus the running version.</li>
 *   <li>{@code GET|PUT|PATCH|DELETE /v1/leases/{id}/fault-switches}: read, replace, merge or clear the lease's
 *       {@link Faults}; {@code DELETE /v1/leases/{id}/fault-switches/{SWITCH}} clears one {@link FaultSwitch}.</li>
 *   <li>{@code POST /v1/leases/{id}/ssh-drop?next=N}: one-shot, closes the open SSH sessions and the next N new
 *       ones ({@link LeaseSimulator#dropSshConnections}); {@code POST /v1/leases/{id}/ssh-refuse?millis=T}: one-shot,
 *       refuses SSH connects for T ms ({@link LeaseSimulator#refuseSshConnections}). Both answer 204.</li>
 *   <li>{@code PUT /v1/leases/{id}/faults}: test-only gateway start-up faults, see
 *       {@link LeaseSimulator#setGatewayFaults(String, String)}.</li>
 *   <li>{@code POST /v1/ssh-drop-all}: one-shot, closes every open SSH session of every lease at once (a region-wide
 *       network blip); answers {@code {"leases":N,"millis":T}}.</li>
 *   <li>{@code GET /v1/stats[?since=<epoch ms>]}: {@code {"gatewayMode","leases","inJvmCommands","leasesReadSince","now"}}:
 *       commands LIGHT mode answered in the JVM since the simulator started, and leases that answered a launchd read
 *       (exit 0) since {@code since} (-1 in PROCESS mode).</li>
 *   <li>{@code GET /healthz}: 200 {@code ok}.</li>
 * </ul>
 */
final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** Headers of a shim's exec request: the calling shell's {@code $EUID} and {@code $USER} ({@link Caller}). */
    static final String CALLER_UID = "X-Sim-Caller-Uid";
    static final String CALLER_USER = "X-Sim-Caller-User";
    private static final ObjectReader STRICT_FAULTS = Json.MAPPER.readerFor(Faults.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final HttpServer server;
    private final ExecutorService executor;
    private final LeaseSimulator sim;
    private final Function<String, MacCommands> commands;

    ControlServer(int port, LeaseSimulator sim, Function<String, MacCommands> commands) throws IOException {
        this.sim = sim;
        this.commands = commands;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sim-control");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok\n"));
        server.createContext("/v1/ssh-drop-all", ex -> {
            if (!"POST".equals(ex.getRequestMethod())) {
                respond(ex, 405, "text/plain", "POST only\n");
                return;
            }
            long t0 = System.nanoTime();
            sim.dropAllSshConnections();
            respond(ex, 200, "application/json", Json.MAPPER.writeValueAsString(Map.of("leases", sim.leases().size(),
                    "millis", (System.nanoTime() - t0) / 1_000_000)) + "\n");
        });
        server.createContext("/v1/stats", ex -> {
            long since = queryLong(ex.getRequestURI().getQuery(), "since", 0);
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("gatewayMode", sim.gatewayMode().name());
            m.put("leases", sim.leases().size());
            m.put("inJvmCommands", LightExec.ANSWERED.get());
            m.put("sshChannelsOpened", LeaseSshServer.CHANNELS_OPENED.get());
            m.put("leasesReadSince", sim.leasesReadSince(since));
            m.put("now", System.currentTimeMillis());
            respond(ex, 200, "application/json", Json.MAPPER.writeValueAsString(m) + "\n");
        });
        server.createContext("/v1/leases", ex -> {
            try {
                handleLeases(ex);
            } catch (IllegalArgumentException e) {
                respond(ex, 400, "text/plain", e.getMessage() + "\n");
            } catch (RuntimeException e) {
                LOG.warn("control API request {} failed", ex.getRequestURI(), e);
                respond(ex, 500, "text/plain", "internal error\n");
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handleLeases(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals("/v1/leases") || path.equals("/v1/leases/")) {
            if (!"GET".equals(method)) {
                respond(ex, 405, "text/plain", "GET only\n");
                return;
            }
            respond(ex, 200, "application/json", Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(sim.leaseStatuses(false)) + "\n");
            return;
        }
        // "", "v1", "leases", id, ...
        String[] parts = path.split("/");
        String id = parts.length > 3 ? parts[3] : "";
        LeaseImpl lease = sim.leaseImpl(id);
        if (lease == null) {
            respond(ex, 404, "text/plain", "unknown lease\n");
            return;
        }
        if (parts.length == 4 && "GET".equals(method)) {
            respond(ex, 200, "application/json", Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(sim.leaseStatus(lease, true)) + "\n");
            return;
        }
        if (parts.length >= 5 && parts[4].equals("fault-switches")) {
            handleFaultSwitches(ex, id, method, parts);
            return;
        }
        if (parts.length == 5 && (parts[4].equals("ssh-drop") || parts[4].equals("ssh-refuse"))) {
            if (!"POST".equals(method)) {
                respond(ex, 405, "text/plain", "POST only\n");
                return;
            }
            String query = ex.getRequestURI().getQuery();
            if (parts[4].equals("ssh-drop")) {
                sim.dropSshConnections(id, (int) queryLong(query, "next", 0));
            } else {
                sim.refuseSshConnections(id, Duration.ofMillis(queryLong(query, "millis", -1)));
            }
            respond(ex, 204, "text/plain", "");
            return;
        }
        if (parts.length == 5 && parts[4].equals("faults") && "PUT".equals(method)) {
            String json = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                sim.setGatewayFaults(id, json);
                respond(ex, 204, "text/plain", "");
            } catch (IOException | IllegalArgumentException e) {
                respond(ex, 400, "text/plain", "invalid faults JSON: " + e.getMessage() + "\n");
            }
            return;
        }
        if (parts.length != 6 || !parts[4].equals("exec") || !"POST".equals(method)) {
            respond(ex, 404, "text/plain", "not found\n");
            return;
        }
        MacCommands mac = commands.apply(id);
        if (mac == null) {
            respond(ex, 404, "text/plain", "unknown lease\n");
            return;
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        List<String> fields = splitNul(new String(body, StandardCharsets.UTF_8));
        if (fields.isEmpty()) {
            respond(ex, 400, "text/plain", "empty request\n");
            return;
        }
        Path cwd = Path.of(fields.get(0).isEmpty() ? "/" : fields.get(0));
        Caller caller = Caller.fromHeaders(ex.getRequestHeaders().getFirst(CALLER_UID),
                ex.getRequestHeaders().getFirst(CALLER_USER));
        CommandResult result = mac.run(parts[5], cwd, fields.subList(1, fields.size()), caller);
        respond(ex, 200, "text/x-shellscript", Shell.replay(result));
    }

    private void handleFaultSwitches(HttpExchange ex, String id, String method, String[] parts) throws IOException {
        if (parts.length == 6) {
            if (!"DELETE".equals(method)) {
                respond(ex, 405, "text/plain", "DELETE only\n");
                return;
            }
            FaultSwitch s;
            try {
                s = FaultSwitch.valueOf(parts[5].toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                respond(ex, 404, "text/plain", "unknown fault switch " + parts[5] + "; known: "
                        + Arrays.toString(FaultSwitch.values()) + "\n");
                return;
            }
            sim.clearFault(id, s);
        } else if (parts.length == 5) {
            switch (method) {
                case "GET" -> { }
                case "DELETE" -> sim.clearFaults(id);
                case "PUT", "PATCH" -> {
                    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    Faults next;
                    try {
                        JsonNode patch = Json.MAPPER.readTree(body.isBlank() ? "{}" : body);
                        if (patch == null || !patch.isObject()) {
                            throw new IllegalArgumentException("a JSON object of Faults components is required");
                        }
                        if ("PATCH".equals(method)) {
                            ObjectNode merged = Json.MAPPER.valueToTree(sim.faults(id));
                            merged.setAll((ObjectNode) patch);
                            patch = merged;
                        }
                        next = STRICT_FAULTS.readValue(patch);
                    } catch (IOException | IllegalArgumentException e) {
                        respond(ex, 400, "text/plain", "invalid fault switches: " + e.getMessage() + "\n");
                        return;
                    }
                    sim.setFaults(id, next);
                }
                default -> {
                    respond(ex, 405, "text/plain", "GET, PUT, PATCH or DELETE\n");
                    return;
                }
            }
        } else {
            respond(ex, 404, "text/plain", "not found\n");
            return;
        }
        Faults now = sim.faults(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lease", id);
        out.put("active", now.active());
        out.put("faults", now);
        respond(ex, 200, "application/json", Json.MAPPER.writeValueAsString(out) + "\n");
    }

    /** {@code name}'s value in a query string ({@code a=1&b=2}), or {@code absent}; not a number: 400. */
    static long queryLong(String query, String name, long absent) {
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    try {
                        return Long.parseLong(pair.substring(eq + 1));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(name + " must be a number: " + pair.substring(eq + 1));
                    }
                }
            }
        }
        if (absent < 0) {
            throw new IllegalArgumentException(name + " is required");
        }
        return absent;
    }

    static List<String> splitNul(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\0') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
