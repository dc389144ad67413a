package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import com.maclogin.cutover.testing.TestJwt;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issues 6 and 11: the API needs a bearer token (static or JWT); viewers read, operators act, admins also change
 * leases; the audit actor is the token's name; repeated 401s from one address are slowed down.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class AuthTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    HttpResponse<String> call(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .header("Content-Type", "application/json")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{\"reason\":\"x\"}"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutATokenEveryApiEndpointIsA401ProblemWithABearerChallenge() throws Exception {
        for (String[] r : List.of(new String[] {"GET", "/api/v1/cutovers"}, new String[] {"GET", "/api/v1/leases"},
                new String[] {"GET", "/api/v1/leases/hk-file-1"}, new String[] {"POST", "/api/v1/cutovers"},
                new String[] {"POST", "/api/v1/leases"}, new String[] {"POST", "/api/v1/cutovers/x/pause"},
                new String[] {"GET", "/api/v1/cutovers/x/audit"}, new String[] {"GET", "/api/v1/nowhere"})) {
            HttpResponse<String> res = call(r[0], r[1], null);
            assertThat(res.statusCode()).as(r[0] + " " + r[1]).isEqualTo(401);
            assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(res.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(res.body()).contains("\"status\":401").contains("Authorization: Bearer");
        }
    }

    @Test
    void aWrongTokenOrSchemeIsA401() throws Exception {
        for (String auth : List.of("Bearer not-a-token-of-ours-at-all", "Bearer ", "Basic YWRhOnNlY3JldA==",
                "Bearer " + Fixtures.OPERATOR_TOKEN + "x", "bearer" + Fixtures.OPERATOR_TOKEN)) {
            HttpResponse<String> res = call("GET", "/api/v1/cutovers", auth);
            assertThat(res.statusCode()).as(auth).isEqualTo(401);
            assertThat(res.body()).contains("detail");
        }
    }

    @Test
    void aViewerMayReadButNotWrite() throws Exception {
        String viewer = "Bearer " + Fixtures.VIEWER_TOKEN;
        assertThat(call("GET", "/api/v1/cutovers", viewer).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/leases/hk-file-1", viewer).statusCode()).isEqualTo(200);
        for (String path : List.of("/api/v1/cutovers", "/api/v1/leases", "/api/v1/cutovers/x/rollback",
                "/api/v1/cutovers/x/abort", "/api/v1/cutovers/x/pause", "/api/v1/cutovers/x/resume")) {
            HttpResponse<String> res = call("POST", path, viewer);
            assertThat(res.statusCode()).as(path).isEqualTo(403);
            assertThat(res.body()).contains("\"status\":403").contains("victor").contains("viewer")
                    .contains(path.equals("/api/v1/leases") ? "admin token" : "operator token");
        }
        // lower-case scheme is accepted (RFC 7235: case-insensitive)
        assertThat(call("GET", "/api/v1/cutovers", "bearer " + Fixtures.VIEWER_TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void healthMetricsAndOpenApiStayOpen() throws Exception {
        assertThat(call("GET", "/q/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/q/metrics", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/q/openapi", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theAuditActorIsTheTokensNameNotTheXOperatorHeaderOrTheBody() {
        String leaseId = "hk-auth-" + UUID.randomUUID().toString().substring(0, 8);
        Fixtures.registerLease(leaseId);
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() == StepKind.SNAPSHOT ? null : com.maclogin.cutover.orchestrator.it.FakeWorker.succeed(cmd));
        String bot = "Bearer " + Fixtures.BOT_TOKEN;
        String id = given().header("Authorization", bot).header("X-Operator", "mallory").contentType(ContentType.JSON)
                .body(Fixtures.cutoverBody(leaseId)).post("/api/v1/cutovers").then().statusCode(201)
                .body("requestedBy", equalTo("ops-bot")).extract().path("id");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                Fixtures.worker().commandsFor(id).stream().anyMatch(c -> c.kind() == StepKind.SNAPSHOT));
        given().header("Authorization", bot).contentType(ContentType.JSON)
                .body(Map.of("requestedBy", "mallory", "reason", "demo moved"))
                .post("/api/v1/cutovers/" + id + "/abort").then().statusCode(200).body("state", equalTo("ABORTED"));
        List<Map<String, Object>> audit = given().header("Authorization", "Bearer " + Fixtures.VIEWER_TOKEN)
                .get("/api/v1/cutovers/" + id + "/audit").then().statusCode(200).extract().jsonPath().getList("");
        assertThat(audit).filteredOn(a -> List.of("CUTOVER_REQUESTED", "ABORT_REQUESTED").contains(a.get("action")))
                .extracting(a -> a.get("actor")).containsExactly("ops-bot", "ops-bot");
        assertThat(audit).extracting(a -> a.get("actor")).doesNotContain("mallory");
        given().header("Authorization", "Bearer " + Fixtures.VIEWER_TOKEN).get("/api/v1/cutovers/" + id)
                .then().statusCode(200).body("audit.detail", org.hamcrest.Matchers.everyItem(
                        org.hamcrest.Matchers.not(containsString(Fixtures.BOT_TOKEN))));
    }

    @Test
    void onlyAnAdminRegistersOrChangesALeaseAnOperatorGetsA403NamingTheAdminRole() throws Exception {
        String body = "{\"id\":\"hk-admin-only\",\"region\":\"HK\",\"host\":\"127.0.0.1\",\"sshPort\":2222,"
                + "\"sshUser\":\"openclaw\",\"hostKey\":\"" + Fixtures.HOST_KEY + "\",\"gatewayPort\":18789,\"stage\":\"STAGING\"}";
        HttpResponse<String> operator = send("POST", "/api/v1/leases", "Bearer " + Fixtures.OPERATOR_TOKEN, body);
        assertThat(operator.statusCode()).isEqualTo(403);
        assertThat(operator.body()).contains("token 'ada' has the operator role").contains("needs an admin token");
        assertThat(send("POST", "/api/v1/leases", "Bearer " + Fixtures.ADMIN_TOKEN, body).statusCode()).isIn(200, 201);
        assertThat(call("GET", "/api/v1/me", "Bearer " + Fixtures.ADMIN_TOKEN).body()).contains("\"role\":\"ADMIN\"");
        // an admin is also an operator and a viewer
        assertThat(call("POST", "/api/v1/cutovers/" + UUID.randomUUID() + "/pause", "Bearer " + Fixtures.ADMIN_TOKEN).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aJwtFromTheConfiguredIssuerCarriesItsRolesFromTheGroupsClaimAndItsNameAsTheActor() throws Exception {
        String viewer = "Bearer " + TestJwt.token("vera", "viewer");
        HttpResponse<String> me = call("GET", "/api/v1/me", viewer);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"name\":\"vera\"").contains("\"role\":\"VIEWER\"");
        HttpResponse<String> write = call("POST", "/api/v1/cutovers/x/pause", viewer);
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("'vera' has the viewer role").contains("operator token");
        assertThat(call("GET", "/api/v1/me", "Bearer " + TestJwt.token("otto", "operator")).body())
                .contains("\"name\":\"otto\"").contains("\"role\":\"OPERATOR\"");
        assertThat(call("GET", "/api/v1/me", "Bearer " + TestJwt.token("alma", "admin")).body()).contains("\"role\":\"ADMIN\"");
        // the right key but another issuer, a token without any of our roles, a tampered signature: refused
        assertThat(call("GET", "/api/v1/me", "Bearer " + TestJwt.tokenFromIssuer("https://evil.example", "eve", "admin"))
                .statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/cutovers", "Bearer " + TestJwt.token("nobody", "staff")).statusCode()).isEqualTo(403);
        String jwt = TestJwt.token("alma", "admin");
        String tampered = jwt.substring(0, jwt.length() - 4) + (jwt.endsWith("AAAA") ? "BBBB" : "AAAA");
        HttpResponse<String> bad = call("GET", "/api/v1/me", "Bearer " + tampered);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).contains("the bearer token is not valid");
    }

    @Test
    void repeatedFailedAuthenticationsFromOneAddressGet429WithRetryAfterWhileOtherAddressesAreServed() throws Exception {
        // 127.0.0.2: an address of its own (the other tests all come from 127.0.0.1); %test limit is 200 a minute
        int limit = 200;
        for (int i = 0; i < limit; i++) {
            assertThat(rawGetFrom("127.0.0.2", "/api/v1/cutovers", "Bearer wrong-token-" + i)).startsWith("HTTP/1.1 401");
        }
        String slowed = rawGetFrom("127.0.0.2", "/api/v1/cutovers", "Bearer " + Fixtures.VIEWER_TOKEN);
        assertThat(slowed).startsWith("HTTP/1.1 429").containsPattern("(?i)retry-after: [1-9][0-9]*")
                .contains("too many failed authentications");
        assertThat(call("GET", "/api/v1/cutovers", "Bearer " + Fixtures.VIEWER_TOKEN).statusCode()).isEqualTo(200);
    }

    /** One HTTP/1.1 GET over a socket bound to {@code source}, answer head and body as text. */
    String rawGetFrom(String source, String path, String authorization) throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(source, 0));
            s.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5000);
            s.setSoTimeout(10_000);
            String req = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: " + authorization
                    + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
