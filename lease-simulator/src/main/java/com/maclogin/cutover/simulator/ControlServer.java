package com.maclogin.cutover.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loopback control API the shims call.
 * <ul>
 *   <li>{@code POST /v1/leases/{id}/exec/{command}}: body = NUL-terminated cwd then argv; answer = a shell script that
 *       replays stdout, stderr and the exit code (the shim {@code eval}s it).</li>
 *   <li>{@code GET /v1/leases}: the lease descriptor JSON.</li>
 *   <li>{@code PUT /v1/leases/{id}/faults}: test-only gateway fault injection, see
 *       {@link LeaseSimulator#setGatewayFaults(String, String)}.</li>
 *   <li>{@code GET /healthz}: 200 {@code ok}.</li>
 * </ul>
 */
final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    /** Applies a faults JSON to a lease; returns false when the lease is unknown. */
    interface FaultSink {
        boolean apply(String leaseId, String json) throws IOException;
    }

    ControlServer(int port, Function<String, MacCommands> commands, Supplier<String> descriptor, FaultSink faults)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sim-control");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok\n"));
        server.createContext("/v1/leases", ex -> {
            try {
                handleLeases(ex, commands, descriptor, faults);
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

    private static void handleLeases(HttpExchange ex, Function<String, MacCommands> commands, Supplier<String> descriptor,
                                     FaultSink faults) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/v1/leases") || path.equals("/v1/leases/")) {
            respond(ex, 200, "application/json", descriptor.get());
            return;
        }
        String[] parts = path.split("/");
        if (parts.length == 5 && parts[4].equals("faults") && "PUT".equals(ex.getRequestMethod())) {
            String json = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                boolean found = faults.apply(parts[3], json);
                respond(ex, found ? 204 : 404, "text/plain", found ? "" : "unknown lease\n");
            } catch (IOException | IllegalArgumentException e) {
                respond(ex, 400, "text/plain", "invalid faults JSON: " + e.getMessage() + "\n");
            }
            return;
        }
        // "", "v1", "leases", id, "exec", command
        if (parts.length != 6 || !parts[4].equals("exec") || !"POST".equals(ex.getRequestMethod())) {
            respond(ex, 404, "text/plain", "not found\n");
            return;
        }
        MacCommands lease = commands.apply(parts[3]);
        if (lease == null) {
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
        CommandResult result = lease.run(parts[5], cwd, fields.subList(1, fields.size()));
        respond(ex, 200, "text/x-shellscript", Shell.replay(result));
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
