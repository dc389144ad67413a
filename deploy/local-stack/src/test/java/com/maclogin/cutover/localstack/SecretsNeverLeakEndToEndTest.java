package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 11 point 4, end to end on the {@link SharedStack} (lease {@code jp-4}, borrowed from OpenSshCutoverTest): a
 * unique gateway token is planted where a real Mac has it (the plist's {@code EnvironmentVariables}, so
 * {@code launchctl print} shows it in its environment block; the service env file; {@code openclaw.json}) and in the
 * gateway log; the candidate's gateway logs a stack trace whose message prints the token bare, so RELOAD fails with
 * that line as its reason and the cutover rolls back. Then the token is searched for everywhere the product keeps or
 * sends anything: every Kafka topic from the beginning, every table of the database, every API answer about the
 * cutover (orchestrator as viewer and as operator, rollback-service, notifier), the chat servers' recorded messages and
 * every log file of the stack. Found nowhere; while the lease's own files still hold it and the evidence shows
 * {@code [redacted]} where it was, so the token did travel through the product.
 */
@ExtendWith(SharedStack.class)
@Order(3)
class SecretsNeverLeakEndToEndTest {

    static final PrintStream LOG = System.out;
    static final String LEASE = "jp-4";
    static final String FROM = "2026.9.5";
    static final String TO = "2026.9.6";

    @Test
    void aGatewayTokenPlantedOnTheLeaseIsNowhereInKafkaTheDatabaseTheApisChatOrLogsAfterAReloadFailureAndRollback()
            throws Exception {
        LocalStack stack = SharedStack.get();
        try (AutoCloseable lease = SharedStack.borrow(LEASE, "SecretsNeverLeakEndToEndTest")) {
            JsonNode registration = SharedStack.lease(LEASE);
            Path home = Path.of(registration.path("home").asText());
            // the simulator's own SSH endpoint (OpenSshCutoverTest points the lease at its sshd while it has it)
            Api.Reply reg = stack.registerLease(registration);
            assertThat(reg.status() / 100).as("registration: %s", reg.body()).isEqualTo(2);
            backToTheOldVersion(stack);

            String token = "tok-" + UUID.randomUUID().toString().replace("-", "");
            plant(home, token);
            reloadGateway(stack, home);
            assertThat(LeaseLaunchctl.run(home, "print", LeaseLaunchctl.guiDomain() + "/ai.openclaw.gateway").out())
                    .as("launchctl print shows the planted token in its environment block")
                    .contains("OPENCLAW_GATEWAY_TOKEN => " + token);

            String id;
            JsonNode end;
            Api.Reply faults = stack.simulator().put("/v1/leases/" + LEASE + "/faults", "{\"" + TO
                    + "\":{\"logStackTraceOnReady\":true,\"stackTraceMessage\":\"gateway auth rejected " + token
                    + " for channel slack\"}}");
            assertThat(faults.status() / 100).as("gateway faults: %s", faults.body()).isEqualTo(2);
            try {
                Map<String, Object> body = DemoRunner.demoRequest(LEASE, TO);
                body.put("ticketId", "SECRETS-" + token.substring(4, 10));
                // this test reloaded the gateway to plant the token: a watch round that lands in that restart sees
                // /readyz 503 and the lease DOWN, which LEASE_HEALTH refuses for 10 minutes (CI, 2026-12-06). The
                // operator who restarted it on purpose overrides that gate, as here, with a second operator's approval.
                body.put("overrides", List.of(Map.of("field", "gates.leaseHealth", "value", "false", "reason",
                        "SecretsNeverLeakEndToEndTest reloaded the gateway itself to plant the token")));
                Api.Reply r = stack.orchestrator().post("/api/v1/cutovers", body);
                assertThat(r.status()).as("start: %s", r.body()).isEqualTo(201);
                id = r.body().path("id").asText();
                assertThat(stack.approveOverrides(id).status()).as("the override approved").isEqualTo(200);
                end = new DemoRunner(stack, LOG).follow(id, Duration.ofMinutes(4));
            } finally {
                stack.simulator().put("/v1/leases/" + LEASE + "/faults", "{}");
            }

            // the cutover failed at RELOAD on the log line and rolled back
            assertThat(end.path("state").asText()).as("reason %s", end.path("reason")).isEqualTo("ROLLED_BACK");
            JsonNode reload = RealLeaseCutoverTest.step(end, "RELOAD");
            assertThat(reload.path("outcome").asText()).isEqualTo("FAILED");
            List<String> incidents = chatTextsFor(stack, body(end));
            assertThat(incidents).as("the RELOAD failure was posted").anySatisfy(t -> assertThat(t).contains("RELOAD"));

            List<String> hits = new ArrayList<>();
            long t0 = System.nanoTime();
            hits.addAll(kafka(stack, token));
            hits.addAll(database(stack, token));
            hits.addAll(apis(stack, id, LEASE, token));
            hits.addAll(chat(stack, token));
            hits.addAll(logs(stack, token));
            LOG.printf("[measure] token search (Kafka, database, APIs, chat, logs): %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(hits).as("places the planted gateway token %s was found", token).isEmpty();
            // the token did go through the product: where it was, the reason and the evidence say [redacted]
            assertThat(reload.path("reason").asText()).contains("gateway auth rejected [redacted] for channel slack");
            assertThat(end.toString()).contains("OPENCLAW_GATEWAY_TOKEN</key>", "OPENCLAW_GATEWAY_TOKEN => [redacted]");
            assertThat(Files.readString(home.resolve("Library/LaunchAgents/ai.openclaw.gateway.plist")))
                    .as("the lease keeps its token").contains(token);
        }
    }

    /** The lease runs the old version: a GREEN cutover another class left on it is rolled back first. */
    private static void backToTheOldVersion(LocalStack stack) throws IOException {
        JsonNode list = stack.orchestrator().get("/api/v1/cutovers?lease=" + LEASE + "&limit=1").body();
        String latest = list.path(0).path("id").asText();
        if (!latest.isEmpty() && !java.util.Set.of("GREEN", "ROLLED_BACK", "FAILED", "ABORTED", "ROLLBACK_FAILED")
                .contains(list.path(0).path("state").asText())) {
            // the other borrower's cutover is still running (it failed or timed out before its end): wait for its end
            LOG.printf("[%s] cutover %s is still %s: waiting for its end%n", LEASE, latest, list.path(0).path("state").asText());
            new DemoRunner(stack, LOG).follow(latest, Duration.ofMinutes(5));
        }
        JsonNode sim = stack.simulator().get("/v1/leases/" + LEASE).body();
        if (FROM.equals(sim.path("installedVersion").asText())) {
            return;
        }
        LOG.printf("[%s] runs %s (cutover %s): rolling it back first%n", LEASE, sim.path("installedVersion").asText(),
                latest);
        Api.Reply r = stack.orchestrator().post("/api/v1/cutovers/" + latest + "/rollback",
                Map.of("reason", "SecretsNeverLeakEndToEndTest needs " + FROM));
        assertThat(r.status() / 100).as("rollback of %s: %s", latest, r.body()).isEqualTo(2);
        JsonNode end = new DemoRunner(stack, LOG).follow(latest, Duration.ofMinutes(3));
        assertThat(end.path("state").asText()).isEqualTo("ROLLED_BACK");
    }

    /** The token where a Mac running OpenClaw keeps it, plus a gateway log line printing it. */
    private static void plant(Path home, String token) throws IOException {
        Path plist = home.resolve("Library/LaunchAgents/ai.openclaw.gateway.plist");
        String xml = Files.readString(plist);
        String env = "    <key>EnvironmentVariables</key>\n    <dict>\n      <key>OPENCLAW_GATEWAY_TOKEN</key>\n"
                + "      <string>" + token + "</string>\n    </dict>\n";
        xml = xml.replaceAll("(?s)    <key>EnvironmentVariables</key>\\n    <dict>.*?</dict>\\n", "");
        Files.writeString(plist, xml.replace("  </dict>\n</plist>", env + "  </dict>\n</plist>"));
        Path envFile = home.resolve(".openclaw/service-env/ai.openclaw.gateway.env");
        List<String> lines = new ArrayList<>(Files.readAllLines(envFile));
        lines.removeIf(l -> l.startsWith("export OPENCLAW_GATEWAY_TOKEN="));
        lines.add("export OPENCLAW_GATEWAY_TOKEN='" + token + "'");
        Files.write(envFile, lines);
        Path config = home.resolve(".openclaw/openclaw.json");
        Files.writeString(config, Files.readString(config).replaceFirst(
                "(\"auth\"\\s*:\\s*\\{[^}]*\"token\"\\s*:\\s*\")[^\"]*\"", "$1" + token + "\""));
        Files.writeString(home.resolve("Library/Logs/openclaw/gateway.log"),
                "gateway connected with OPENCLAW_GATEWAY_TOKEN=" + token + " (token " + token + ")\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** bootout + bootstrap through the lease's own launchctl, so launchd caches the plist with its environment. */
    private static void reloadGateway(LocalStack stack, Path home) throws Exception {
        String domain = LeaseLaunchctl.guiDomain();
        LeaseLaunchctl.run(home, "bootout", domain + "/ai.openclaw.gateway");
        LeaseLaunchctl.run(home, "bootstrap", domain, home.resolve("Library/LaunchAgents/ai.openclaw.gateway.plist").toString());
        int index = stack.config().leaseIds().indexOf(LEASE);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (FROM.equals(stack.gatewayStartupz(index).path("version").asText())) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            assertThat(System.nanoTime()).as("gateway of %s ready again", LEASE).isLessThan(deadline);
            Thread.sleep(200);
        }
    }



    private static String body(JsonNode cutover) {
        return cutover.path("ticketId").asText();
    }

    private static List<String> chatTextsFor(LocalStack stack, String ticket) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> texts = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            texts.clear();
            for (JsonNode m : stack.chatMessages()) {
                if (m.toString().contains(ticket)) {
                    texts.add(m.path("text").asText());
                }
            }
            if (texts.stream().anyMatch(t -> t.contains("RELOAD"))) {
                break;
            }
            Thread.sleep(300);
        }
        return texts;
    }

    /** Every record of every topic, from the beginning: key, value and headers. */
    static List<String> kafka(LocalStack stack, String token) {
        Properties p = stack.kafkaClientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<String> hits = new ArrayList<>();
        byte[] needle = token.getBytes(StandardCharsets.UTF_8);
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Map.Entry<String, List<PartitionInfo>> t : c.listTopics(Duration.ofSeconds(30)).entrySet()) {
                t.getValue().forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(30)));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!end.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    records++;
                    boolean hit = contains(r.key(), needle) || contains(r.value(), needle);
                    for (Header h : r.headers()) {
                        hit |= contains(h.value(), needle);
                    }
                    if (hit) {
                        hits.add("kafka " + r.topic() + "-" + r.partition() + "@" + r.offset());
                    }
                }
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
            assertThat(end).as("every partition read to its end").isEmpty();
            LOG.printf("[measure] token search: %d Kafka records in %d partitions%n", records, partitions.size());
        }
        return hits;
    }

    /** Every row of every table of every schema but PostgreSQL's own, as text. */
    static List<String> database(LocalStack stack, String token) throws Exception {
        List<String> hits = new ArrayList<>();
        String url = "jdbc:postgresql://127.0.0.1:" + stack.config().postgresPort() + "/" + PostgresServer.DATABASE;
        long rows = 0;
        try (Connection db = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = db.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select table_schema, table_name from information_schema.tables "
                    + "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')")) {
                while (rs.next()) {
                    tables.add("\"" + rs.getString(1) + "\".\"" + rs.getString(2) + "\"");
                }
            }
            assertThat(tables).as("the services' tables").hasSizeGreaterThan(5);
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("select t::text from " + table + " t")) {
                    while (rs.next()) {
                        rows++;
                        String row = rs.getString(1);
                        if (row != null && row.contains(token)) {
                            hits.add("database " + table + ": " + row.substring(0, Math.min(200, row.length())));
                        }
                    }
                }
            }
            LOG.printf("[measure] token search: %d rows in %d tables%n", rows, tables.size());
        }
        return hits;
    }

    /** Every API answer about the cutover and the lease, as viewer and as operator, plus rollback-service and notifier. */
    static List<String> apis(LocalStack stack, String id, String lease, String token) throws Exception {
        List<String> hits = new ArrayList<>();
        List<String> paths = List.of("/api/v1/cutovers/" + id, "/api/v1/cutovers/" + id + "/audit",
                "/api/v1/cutovers/" + id + "/probe-results?limit=500", "/api/v1/cutovers/" + id + "/report",
                "/api/v1/cutovers/" + id + "/report?format=html", "/api/v1/cutovers?lease=" + lease,
                "/api/v1/leases", "/api/v1/leases/" + lease);
        Map<String, Api> who = Map.of("viewer", stack.orchestratorViewer(), "operator", stack.orchestrator());
        for (Map.Entry<String, Api> w : who.entrySet()) {
            for (String path : paths) {
                Api.Reply r = w.getValue().get(path);
                assertThat(r.status()).as("%s GET %s", w.getKey(), path).isEqualTo(200);
                check(hits, w.getKey() + " GET " + path, r.body().toString(), token);
            }
            String token0 = "viewer".equals(w.getKey()) ? tokenOf(stack, true) : tokenOf(stack, false);
            check(hits, w.getKey() + " GET /api/v1/cutovers/" + id + "/events",
                    sse(stack.orchestratorUrl() + "/api/v1/cutovers/" + id + "/events", token0), token);
            check(hits, w.getKey() + " GET report (text/html)", html(stack.orchestratorUrl() + "/api/v1/cutovers/" + id
                    + "/report", token0), token);
        }
        check(hits, "rollback-service GET /api/v1/rollbacks/" + id,
                stack.rollbackService().get("/api/v1/rollbacks/" + id).body().toString(), token);
        check(hits, "notifier GET /api/v1/notifications?cutover=" + id,
                stack.notifier().get("/api/v1/notifications?cutover=" + id).body().toString(), token);
        return hits;
    }

    static List<String> chat(LocalStack stack, String token) throws IOException {
        List<String> hits = new ArrayList<>();
        check(hits, "chat servers' recorded messages", stack.chatMessages().toString(), token);
        return hits;
    }

    /** Every file in the stack's logs directory (each service, the broker, the harness, the simulator). */
    static List<String> logs(LocalStack stack, String token) throws IOException {
        List<String> hits = new ArrayList<>();
        List<Path> files;
        try (var list = Files.list(stack.config().workDir().resolve("logs"))) {
            files = list.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString())
                .contains("orchestrator-service.log", "probe-service-jp.log", "rollback-service.log", "notifier-service.log");
        for (Path f : files) {
            try (var lines = Files.lines(f, StandardCharsets.ISO_8859_1)) {
                lines.filter(l -> l.contains(token)).limit(3)
                        .forEach(l -> hits.add("log " + f.getFileName() + ": " + l.substring(0, Math.min(200, l.length()))));
            }
        }
        return hits;
    }

    private static void check(List<String> hits, String where, String text, String token) {
        if (text != null && text.contains(token)) {
            int at = text.indexOf(token);
            hits.add(where + ": …" + text.substring(Math.max(0, at - 120), Math.min(text.length(), at + 60)) + "…");
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        if (hay == null || hay.length < needle.length) {
            return false;
        }
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String tokenOf(LocalStack stack, boolean viewer) throws IOException {
        Map<String, String> t = TokensFile.read(stack.tokensFile());
        return viewer ? t.get("VIEWER_TOKEN") : t.get("OPERATOR_TOKEN");
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The cutover's event stream from its first event up to its final state (it stays open for live events). */
    private static String sse(String url, String bearer) throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + bearer).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).as("GET %s", url).isEqualTo(200);
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = r.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (out) {
                        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException closed) {
                // the stream is closed below
            }
        });
        reader.setDaemon(true);
        reader.start();
        // the stored events come at once; the stream then stays open for live ones: read up to the final state
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (reader.isAlive() && System.nanoTime() < until) {
            synchronized (out) {
                if (out.indexOf("ROLLED_BACK") >= 0 && out.lastIndexOf("\n\n") > out.lastIndexOf("ROLLED_BACK")) {
                    break;
                }
            }
            Thread.sleep(50);
        }
        r.body().close();
        synchronized (out) {
            assertThat(out.toString()).as("events of the cutover").contains("event:");
            return out.toString();
        }
    }

    private static String html(String url, String bearer) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(45))
                .header("Authorization", "Bearer " + bearer).header("Accept", "text/html").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s (html)", url).isEqualTo(200);
        return r.body();
    }
}
