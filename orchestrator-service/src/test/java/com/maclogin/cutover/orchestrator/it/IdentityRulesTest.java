package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import com.maclogin.cutover.testing.TestJwt;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 point 3: lease changes are admin-only, audited with old and new values and refused during a cutover; a
 * request that loosens the playbook (a number or a trigger's action) waits until a second operator approves it.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class IdentityRulesTest {

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    static Map<String, Object> leaseBody(String id, String host, String stage) {
        return Map.of("id", id, "region", "HK", "host", host, "sshPort", 22, "sshUser", "openclaw",
                "hostKey", Fixtures.HOST_KEY, "gatewayPort", 18789, "stage", stage);
    }

    @Test
    void aLeaseChangeIsAuditedWithWhoOldAndNewValuesAndRefusedWith409NamingTheCutoverWhileOneIsActive() {
        String lease = CutoverFlowTest.lease("hk-audit");
        String admin = "Bearer " + TestJwt.token("alma", "admin");
        given().header("Authorization", admin).contentType(ContentType.JSON).body(leaseBody(lease, "10.0.0.8", "STAGING"))
                .post("/api/v1/leases").then().statusCode(200).body("host", equalTo("10.0.0.8"));
        // the same values again change nothing and write no audit line
        given().header("Authorization", admin).contentType(ContentType.JSON).body(leaseBody(lease, "10.0.0.8", "STAGING"))
                .post("/api/v1/leases").then().statusCode(200);
        List<Map<String, Object>> audit = given().header("Authorization", "Bearer " + Fixtures.VIEWER_TOKEN)
                .get("/api/v1/leases/" + lease + "/audit").then().statusCode(200).extract().jsonPath().getList("");
        assertThat(audit).extracting(a -> a.get("action"), a -> a.get("actor"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("LEASE_REGISTERED", "root"),
                        org.assertj.core.groups.Tuple.tuple("LEASE_CHANGED", "alma"));
        assertThat(audit.get(1)).extractingByKey("oldValue").asString().contains("host=10.0.0.7");
        assertThat(audit.get(1)).extractingByKey("newValue").asString().contains("host=10.0.0.8");

        CutoverFlowTest.hold(lease, StepKind.SNAPSHOT);
        String id = CutoverFlowTest.start(lease);
        CutoverFlowTest.awaitCommand(id, StepKind.SNAPSHOT);
        given().header("Authorization", admin).contentType(ContentType.JSON).body(leaseBody(lease, "10.6.6.6", "STAGING"))
                .post("/api/v1/leases").then().statusCode(409).body("detail", containsString(id))
                .body("detail", containsString("cannot change"));
        given().get("/api/v1/leases/" + lease).then().statusCode(200).body("host", equalTo("10.0.0.8"));
        given().contentType(ContentType.JSON).body(Map.of("reason", "test over")).post("/api/v1/cutovers/" + id + "/abort")
                .then().statusCode(200);
        given().get("/api/v1/leases/nope-" + lease + "/audit").then().statusCode(404);
    }

    @Test
    void aMilderTriggerActionWaitsPendingUntilASecondOperatorApprovesTheRequesterCannotApproveTheirOwn() {
        String lease = CutoverFlowTest.lease("hk-2p");
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(lease));
        body.put("triggerActions", Map.of("CRASH_LOOP", "PAUSE"));
        // without an override: refused, naming the field
        given().contentType(ContentType.JSON).body(body).post("/api/v1/cutovers").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("triggerActions.CRASH_LOOP"));
        body.put("overrides", List.of(Map.of("field", "triggerActions.CRASH_LOOP", "value", "PAUSE",
                "reason", "the plugin restarts twice at boot", "approvedBy", "ada-herself")));
        String id = given().contentType(ContentType.JSON).body(body).post("/api/v1/cutovers").then().statusCode(201)
                .body("state", equalTo("PENDING")).body("overridesAwaitingApproval[0].field", equalTo("triggerActions.CRASH_LOOP"))
                .extract().path("id");
        // nothing is sent while it waits; the requester (ada) cannot approve, nor can a viewer
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> Fixtures.worker().commandsFor(id).isEmpty());
        given().post("/api/v1/cutovers/" + id + "/overrides/approve").then().statusCode(403)
                .body("detail", containsString("requested by 'ada'")).body("detail", containsString("second operator"));
        given().header("Authorization", "Bearer " + Fixtures.VIEWER_TOKEN).post("/api/v1/cutovers/" + id + "/overrides/approve")
                .then().statusCode(403);
        assertThat(Fixtures.worker().commandsFor(id)).isEmpty();
        // a second operator (a JWT identity) approves: the cutover begins
        given().header("Authorization", "Bearer " + TestJwt.token("otto", "operator"))
                .post("/api/v1/cutovers/" + id + "/overrides/approve").then().statusCode(200)
                .body("overridesAwaitingApproval", org.hamcrest.Matchers.nullValue());
        CutoverFlowTest.awaitCommand(id, StepKind.INVENTORY);
        given().header("Authorization", "Bearer " + Fixtures.BOT_TOKEN).post("/api/v1/cutovers/" + id + "/overrides/approve")
                .then().statusCode(409).body("detail", containsString("no overrides waiting"));
        JsonPath c = CutoverFlowTest.cutover(id);
        assertThat(c.getList("audit.findAll { it.action == 'OVERRIDE_REQUESTED' }.actor", String.class)).containsExactly("ada");
        assertThat(c.getList("audit.findAll { it.action == 'OVERRIDE' }.detail", String.class)).containsExactly(
                "triggerActions.CRASH_LOOP: ROLLBACK -> PAUSE approved by otto, requested by ada: the plugin restarts twice at boot");
        assertThat(c.getList("audit.actor", String.class)).doesNotContain("ada-herself");
        assertThat(c.getString("validation.actions.CRASH_LOOP")).isEqualTo("PAUSE");
        given().contentType(ContentType.JSON).body(Map.of("reason", "test over")).post("/api/v1/cutovers/" + id + "/abort");
    }

    @Test
    void aFleetWhoseTemplateLoosensThePlaybookIsRefusedEachLooseningNeedsItsOwnApproval() {
        Map<String, Object> template = new HashMap<>(Fixtures.cutoverBody("x"));
        template.remove("leaseId");
        template.put("triggerActions", Map.of("DISK", "OBSERVE"));
        template.put("overrides", List.of(Map.of("field", "triggerActions.DISK", "value", "OBSERVE", "reason", "noisy")));
        Map<String, Object> fleet = new HashMap<>(template);
        fleet.put("selector", Map.of("regions", List.of("HK")));
        given().contentType(ContentType.JSON).body(fleet).post("/api/v1/fleet-cutovers").then().statusCode(400)
                .body("detail", containsString("second operator"));
    }
}
