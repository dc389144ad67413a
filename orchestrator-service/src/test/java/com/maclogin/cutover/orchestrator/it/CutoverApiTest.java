package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Input handling of the REST API: every bad input is a problem+json 400/404/413 naming the field, never a 500. */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class CutoverApiTest {

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    static final String LEASE = "hk-api-1";

    @BeforeEach
    void lease() {
        Fixtures.registerLease(LEASE);
    }

    static Map<String, Object> body(String key, Object value) {
        Map<String, Object> b = new HashMap<>(Fixtures.cutoverBody(LEASE));
        if (value == null) {
            b.remove(key);
        } else {
            b.put(key, value);
        }
        return b;
    }

    static void expect400(Object body, String field, String reasonFragment) {
        given().contentType(ContentType.JSON).body(body)
                .post("/api/v1/cutovers")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("type", startsWith("urn:maclogin:cutover:problem:"))
                .body("field", equalTo(field))
                .body("detail", containsString(reasonFragment));
    }

    @Test
    void shellMetacharactersInTheVersionAreRejectedNamingCandidateVersion() {
        expect400(body("candidateVersion", "2026.9.6;rm -rf /"), "candidateVersion", "is not valid");
    }

    @Test
    void aCandidateSha256ThatIsNotLowercaseHexOf64IsRejectedNamingTheField() {
        expect400(body("candidateSha256", "AB".repeat(32)), "candidateSha256", "64 lowercase hex");
        expect400(body("candidateSha256", "ab".repeat(31)), "candidateSha256", "64 lowercase hex");
        expect400(body("candidateSha256", "ab".repeat(31) + "'x"), "candidateSha256", "64 lowercase hex");
    }

    @Test
    void missingOperatorsAreRejectedNamingOperators() {
        expect400(body("operators", null), "operators", "operators are required");
    }

    @Test
    void oneOperatorIsNotEnough() {
        expect400(body("operators", List.of(Map.of("name", "ada", "timeZone", "Asia/Hong_Kong", "rollbackOwner", true))),
                "operators", "at least two operators");
    }

    @Test
    void twoRollbackOwnersAreRejected() {
        expect400(body("operators", List.of(Map.of("name", "ada", "timeZone", "Asia/Hong_Kong", "rollbackOwner", true),
                Map.of("name", "grace", "timeZone", "America/New_York", "rollbackOwner", true))),
                "operators", "exactly one operator must be the rollback owner, got 2");
    }

    @Test
    void unknownTimeZoneIsRejectedNamingTheOperatorField() {
        expect400(body("operators", List.of(Map.of("name", "ada", "timeZone", "Asia/Hong_Kong", "rollbackOwner", true),
                Map.of("name", "grace", "timeZone", "Mars/Olympus_Mons", "rollbackOwner", false))),
                "operators[1].timeZone", "not an IANA time zone");
    }

    @Test
    void offsetTimeZonesAreNotIanaIds() {
        expect400(body("operators", List.of(Map.of("name", "ada", "timeZone", "+08:00", "rollbackOwner", true),
                Map.of("name", "grace", "timeZone", "America/New_York", "rollbackOwner", false))),
                "operators[0].timeZone", "not an IANA time zone");
    }

    @Test
    void unregisteredLeaseIsRejectedNamingLeaseId() {
        expect400(body("leaseId", "hk-nowhere-9"), "leaseId", "is not registered");
    }

    @Test
    void blastRadiusLabelsAreAllowListed() {
        expect400(body("blastRadius", Map.of("channels", List.of("#ops", "$(reboot)"))), "blastRadius.channels[1]", "label");
    }

    @Test
    void wrongJsonTypesAreA400NamingThePath() {
        expect400(body("operators", "ada"), "operators", "wrong JSON type");
        expect400(body("operators", List.of(Map.of("name", "ada", "timeZone", "Asia/Hong_Kong", "rollbackOwner", "maybe"),
                Map.of("name", "grace", "timeZone", "America/New_York", "rollbackOwner", false))),
                "operators[0].rollbackOwner", "wrong JSON type");
        given().contentType(ContentType.JSON)
                .body(Map.of("id", "hk-x", "region", "HK", "host", "h", "sshPort", "twenty-two", "sshUser", "u",
                        "hostKey", Fixtures.HOST_KEY, "gatewayPort", 18789))
                .post("/api/v1/leases")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("sshPort"));
    }

    @Test
    void malformedJsonIsA400() {
        given().contentType(ContentType.JSON).body("{\"leaseId\": \"hk-api-1\", ")
                .post("/api/v1/cutovers")
                .then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("body")).body("detail", containsString("JSON"));
    }

    @Test
    void emptyBodyIsA400() {
        given().contentType(ContentType.JSON).body("")
                .post("/api/v1/cutovers")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("body"));
    }

    @Test
    void oversizeBodyIsA413Problem() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            many.add("channel-" + i + "-with-a-rather-long-name");
        }
        given().contentType(ContentType.JSON).body(body("blastRadius", Map.of("channels", many)))
                .post("/api/v1/cutovers")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
    }

    @Test
    void unknownIdsAre404Problems() {
        given().get("/api/v1/cutovers/does-not-exist").then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("does-not-exist"));
        given().get("/api/v1/leases/hk-unknown").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "x"))
                .post("/api/v1/cutovers/does-not-exist/rollback").then().statusCode(404);
    }

    @Test
    void listFiltersAreValidatedAndBadStateNamesTheAllowedValues() {
        given().queryParam("state", "EXPLODED").get("/api/v1/cutovers")
                .then().statusCode(400).body("field", equalTo("state")).body("detail", containsString("ROLLING_BACK"));
        given().queryParam("lease", "NOT A LEASE").get("/api/v1/cutovers")
                .then().statusCode(400).body("field", equalTo("lease"));
        given().queryParam("state", "green").queryParam("lease", LEASE).get("/api/v1/cutovers").then().statusCode(200);
    }

    @Test
    void leaseRegistrationValidatesEveryFieldAndIsAnUpsert() {
        given().contentType(ContentType.JSON)
                .body(Map.of("id", "HK_BAD", "region", "MARS", "host", "h;x", "sshPort", 70000, "sshUser", "Root!",
                        "hostKey", "ssh-ed25519 short", "gatewayPort", 0))
                .post("/api/v1/leases")
                .then().statusCode(400)
                .body("errors.field", hasItem("id")).body("errors.field", hasItem("region"))
                .body("errors.field", hasItem("host")).body("errors.field", hasItem("sshPort"))
                .body("errors.field", hasItem("sshUser")).body("errors.field", hasItem("hostKey"))
                .body("errors.field", hasItem("gatewayPort"));
        Map<String, Object> lease = new HashMap<>(Map.of("id", "hk-upsert-1", "region", "hk", "host", "10.0.0.9",
                "sshPort", 22, "sshUser", "openclaw", "hostKey", Fixtures.HOST_KEY, "gatewayPort", 18789));
        given().contentType(ContentType.JSON).body(lease).post("/api/v1/leases").then().statusCode(201)
                .header("Location", containsString("/api/v1/leases/hk-upsert-1")).body("region", equalTo("HK"));
        lease.put("sshPort", 2222);
        given().contentType(ContentType.JSON).body(lease).post("/api/v1/leases").then().statusCode(200).body("sshPort", equalTo(2222));
        given().get("/api/v1/leases/hk-upsert-1").then().statusCode(200).body("sshPort", equalTo(2222));
        given().get("/api/v1/leases").then().statusCode(200).body("id", hasItem("hk-upsert-1"));
        given().get("/api/v1/leases/hk-upsert-1").then().statusCode(200).body("stage", equalTo("PRODUCTION"));
        lease.put("stage", "staging");
        given().contentType(ContentType.JSON).body(lease).post("/api/v1/leases").then().statusCode(200)
                .body("stage", equalTo("STAGING"));
        lease.put("stage", "CANARY");
        given().contentType(ContentType.JSON).body(lease).post("/api/v1/leases").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("stage"))
                .body("detail", containsString("expected STAGING or PRODUCTION"));
    }

    @Test
    void leasesFromTheConfiguredFileAreRegisteredAtStart() {
        given().get("/api/v1/leases/hk-file-1").then().statusCode(200)
                .body("sshPort", equalTo(2201)).body("gatewayPort", equalTo(18799)).body("region", equalTo("HK"))
                .body("stage", equalTo("PRODUCTION")).body("probeUser", equalTo("openclaw-probe"));
        given().get("/api/v1/leases/hk-file-2").then().statusCode(200).body("stage", equalTo("STAGING"))
                .body("probeUser", equalTo("oc-watch"));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/cutovers"));
    }
}
