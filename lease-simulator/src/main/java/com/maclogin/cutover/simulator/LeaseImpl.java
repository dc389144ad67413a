package com.maclogin.cutover.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.Region;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/** A started lease: home layout, launchd emulator, command surface, SSH server. */
final class LeaseImpl implements SimulatedLease, AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private final LeaseSpec spec;
    private final LeaseHome home;
    private final LaunchdEmulator launchd;
    private final MacCommands commands;
    private final LeaseSshServer ssh;
    private final TlsEndpoint tls;
    private final LeaseFaults faults;
    private final String user;
    /** {@link System#nanoTime()} when its set-up began and when /readyz first answered 200 at start. */
    volatile long startNanos;
    volatile long readyNanos;
    /** The second login of its SSH server (set right after construction). */
    volatile ProbeUserAccount probeAccount;

    LeaseImpl(LeaseSpec spec, LeaseHome home, LaunchdEmulator launchd, MacCommands commands, LeaseSshServer ssh,
              TlsEndpoint tls, LeaseFaults faults, String user) {
        this.spec = spec;
        this.home = home;
        this.launchd = launchd;
        this.commands = commands;
        this.ssh = ssh;
        this.tls = tls;
        this.faults = faults;
        this.user = user;
    }

    @Override
    public int tlsPort() {
        return tls.port();
    }

    @Override
    public Faults faults() {
        return faults.current();
    }

    LeaseFaults faultControl() {
        return faults;
    }

    TlsEndpoint tls() {
        return tls;
    }

    LeaseSshServer sshServer() {
        return ssh;
    }

    LaunchdEmulator launchd() {
        return launchd;
    }

    MacCommands commands() {
        return commands;
    }

    LeaseHome layout() {
        return home;
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public Region region() {
        return spec.region();
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int sshPort() {
        return ssh.port();
    }

    @Override
    public String sshUser() {
        return user;
    }

    @Override
    public ProbeUserAccount probeAccount() {
        return probeAccount;
    }

    @Override
    public String hostKey() {
        return ssh.hostKey();
    }

    @Override
    public int gatewayPort() {
        return spec.gatewayPort();
    }

    @Override
    public Path home() {
        return home.home();
    }

    @Override
    public String installedVersion() {
        try {
            LaunchAgentPlist.Definition def = LaunchAgentPlist.parse(home.plist());
            for (String a : def.programArguments()) {
                if (a.endsWith("/dist/index.js")) {
                    Path pkg = Path.of(a).getParent().getParent();
                    JsonNode json = Json.MAPPER.readTree(Files.readString(pkg.resolve("package.json")));
                    return json.path("version").asText(null);
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public String runningVersion() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + spec.gatewayPort() + "/startupz"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = Json.MAPPER.readTree(r.body());
            return json.hasNonNull("version") ? json.get("version").asText() : null;
        } catch (Exception e) {
            return null;
        }
    }

    void writeFaults(String faultsJson) throws IOException {
        JsonNode parsed = Json.MAPPER.readTree(faultsJson);
        if (parsed == null || !parsed.isObject()) {
            throw new IllegalArgumentException("faults must be a JSON object keyed by version or \"*\"");
        }
        Path file = home.simDir().resolve("gateway-faults.json");
        Path tmp = home.simDir().resolve("gateway-faults.json.tmp");
        Files.writeString(tmp, Json.MAPPER.writeValueAsString(parsed));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        launchd.record("sim faults " + Json.MAPPER.writeValueAsString(parsed), 0);
    }

    /**
     * Status of GET /readyz on the gateway port, or -1 when nothing answers. A plain HTTP/1.0 request over a blocking
     * loopback socket: this is polled every few ms while leases start, and the JDK HttpClient cost ~1 ms of CPU per
     * poll (executor hand-offs, selector wake-ups), which the booting gateways then waited for.
     */
    int readyzStatus() {
        LightGateway light = launchd.lightGateway(LaunchAgentPlist.LABEL);
        if (light != null) {
            // LIGHT: what its /readyz answers, asked in the JVM (thousands of leases start at once)
            return light.readyzStatus();
        }
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(2000);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), spec.gatewayPort()), 2000);
            s.getOutputStream().write(("GET /readyz HTTP/1.0\r\nHost: 127.0.0.1:" + spec.gatewayPort()
                    + "\r\nCache-Control: no-store\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // status line: "HTTP/1.1 200 OK"
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder(32);
            for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 64; c = in.read()) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        ssh.close();
        tls.close();
        launchd.close();
        faults.close();
    }

    @Override
    public String toString() {
        return "lease " + spec.id() + " (" + spec.region() + ") ssh 127.0.0.1:" + sshPort() + " gateway 127.0.0.1:"
                + spec.gatewayPort() + " home " + home.home();
    }
}
