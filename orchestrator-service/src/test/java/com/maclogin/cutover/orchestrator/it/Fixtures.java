package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;

import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** One fake worker and one recorder per test JVM (the Quarkus app and the broker are shared too). */
final class Fixtures {

    /** Tokens of src/test/resources/auth-tokens.txt (only their hashes are configured). */
    static final String OPERATOR_TOKEN = "test-operator-token-ada-0001";
    static final String BOT_TOKEN = "test-operator-token-bot-0002";
    static final String VIEWER_TOKEN = "test-viewer-token-victor-0003";
    static final String ADMIN_TOKEN = "test-admin-token-root-0004";

    /**
     * Every RestAssured request of the test JVM carries the operator token unless it sets its own Authorization; a
     * lease registration ({@code POST /api/v1/leases}, admin only) carries the admin token.
     */
    static synchronized void authenticate() {
        if (!io.restassured.RestAssured.filters().contains(AUTH)) {
            io.restassured.RestAssured.filters(AUTH);
        }
    }

    private static final io.restassured.filter.Filter AUTH = (req, res, ctx) -> {
        if (!req.getHeaders().hasHeaderWithName("Authorization")) {
            boolean lease = "POST".equals(req.getMethod()) && req.getURI().endsWith("/api/v1/leases");
            req.header("Authorization", "Bearer " + (lease ? ADMIN_TOKEN : OPERATOR_TOKEN));
        }
        return ctx.next(req, res);
    };

    /** The second operator (ops-bot) approves the loosenings a cutover requested by ada waits for. */
    static void approveOverrides(String cutoverId) {
        given().header("Authorization", "Bearer " + BOT_TOKEN).post("/api/v1/cutovers/" + cutoverId + "/overrides/approve")
                .then().statusCode(200);
    }

    static final String HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    private static FakeWorker worker;
    private static TopicRecorder recorder;

    private Fixtures() {
    }

    static synchronized FakeWorker worker() {
        if (worker == null) {
            createTopics();
            worker = new FakeWorker(KafkaKraftResource.bootstrapServers());
        }
        return worker;
    }

    static synchronized TopicRecorder recorder() {
        if (recorder == null) {
            createTopics();
            recorder = new TopicRecorder(KafkaKraftResource.bootstrapServers(),
                    List.of(Topics.EVENTS, Topics.ROLLBACK_REQUESTS));
        }
        return recorder;
    }

    private static void createTopics() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            for (String t : Topics.all()) {
                try {
                    admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A STAGING lease: the staging-first gate is on (the playbook default) and most tests are about other things, so
     * their leases are staging leases; StagingFirstTest registers PRODUCTION leases itself.
     */
    static void registerLease(String id) {
        registerLease(id, null);
    }

    static void registerLease(String id, String tlsEndpoint) {
        registerLease(id, tlsEndpoint, "STAGING");
    }

    static void registerLease(String id, String tlsEndpoint, String stage) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("id", id, "region", "HK", "host", "10.0.0.7", "sshPort", 22,
                "sshUser", "openclaw", "hostKey", HOST_KEY, "gatewayPort", 18789));
        if (tlsEndpoint != null) {
            body.put("tlsEndpoint", tlsEndpoint);
        }
        if (stage != null) {
            body.put("stage", stage);
        }
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/leases")
                .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(201), org.hamcrest.Matchers.is(200)));
    }

    static Map<String, Object> cutoverBody(String leaseId) {
        return Map.of(
                "leaseId", leaseId,
                "candidateVersion", "2026.9.6",
                "ticketId", "CHG-4711",
                "operators", List.of(
                        Map.of("name", "ada", "timeZone", "Asia/Hong_Kong", "rollbackOwner", true),
                        Map.of("name", "grace", "timeZone", "America/New_York", "rollbackOwner", false)),
                "blastRadius", Map.of("channels", List.of("#ops-hk", "telegram:-100123"),
                        "models", List.of("claude-sonnet"), "cronSchedules", List.of("0 9 * * 1-5")));
    }
}
