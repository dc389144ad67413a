package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The staging-first gate (PLAYBOOK step 3, {@code orchestrator.gates.staging-first=true}, the default): a PRODUCTION
 * lease takes a version only after it went GREEN on a STAGING lease, or with an approved, audited override. Each test
 * uses its own candidate version, so GREEN cutovers of other tests cannot satisfy the gate.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class StagingFirstTest {

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    static String lease(String prefix, String stage) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Fixtures.registerLease(id, null, stage);
        Fixtures.worker();
        Fixtures.recorder();
        return id;
    }

    static String start(String leaseId, String version, List<Map<String, Object>> overrides) {
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(leaseId));
        body.put("candidateVersion", version);
        if (overrides != null) {
            body.put("overrides", overrides);
        }
        String id = given().contentType(ContentType.JSON).header("X-Operator", "ada").body(body)
                .post("/api/v1/cutovers").then().statusCode(201).extract().path("id");
        if (overrides != null) {
            Fixtures.approveOverrides(id);
        }
        return id;
    }

    static String gateEvidence(JsonPath c) {
        return c.getString("steps[0].evidence.find { it.name == 'gate:STAGING_FIRST' }.output");
    }

    @Test
    void aProductionLeaseIsRefusedAtTheGatesWithoutAGreenStagingCutoverToThatVersion() {
        String prod = lease("hk-prod", "PRODUCTION");
        String id = start(prod, "2026.8.1", null);

        JsonPath c = CutoverFlowTest.awaitState(id, "FAILED");
        assertThat(c.getString("reason")).isEqualTo(
                "inventory gates refused: STAGING_FIRST: staging first: no GREEN cutover to 2026.8.1 on a staging lease");
        assertThat(Fixtures.worker().commandsFor(id)).extracting(RunStep::kind).containsExactly(StepKind.INVENTORY);
        assertThat(gateEvidence(c)).startsWith("FAILED: staging first").contains("\"leaseStage\":\"PRODUCTION\"");
        given().get("/api/v1/leases/" + prod).then().statusCode(200)
                .body("stage", org.hamcrest.Matchers.equalTo("PRODUCTION"));
    }

    @Test
    void aProductionLeaseIsAcceptedOnceAStagingLeaseWentGreenOnThatVersion() {
        String prod = lease("hk-prod", "PRODUCTION");
        String refused = start(prod, "2026.8.2", null);
        assertThat(CutoverFlowTest.awaitState(refused, "FAILED").getString("reason")).contains("staging first");

        String staging = lease("hk-stg", "STAGING");
        String first = start(staging, "2026.8.2", null);
        CutoverFlowTest.awaitState(first, "GREEN");

        String id = start(prod, "2026.8.2", null);
        JsonPath c = CutoverFlowTest.awaitState(id, "GREEN");
        assertThat(gateEvidence(c)).startsWith("PASSED: 2026.8.2 went GREEN on a staging lease (cutover " + first + ")");
    }

    @Test
    void anApprovedOverrideLetsAProductionLeaseSkipStagingAndIsAudited() {
        String prod = lease("hk-prod", "PRODUCTION");
        Map<String, Object> override = Map.of("field", "gates.stagingFirst", "value", "false",
                "reason", "CVE hotfix, staging lease hk-2 is down", "approvedBy", "grace");
        String id = start(prod, "2026.9.1", List.of(override));

        JsonPath c = CutoverFlowTest.awaitState(id, "GREEN");
        assertThat(c.getList("audit.findAll { it.action == 'OVERRIDE' }.detail", String.class)).containsExactly(
                "gates.stagingFirst: true -> false approved by ops-bot, requested by ada: CVE hotfix, staging lease hk-2 is down");
        assertThat(c.getList("audit.findAll { it.action == 'OVERRIDE' }.actor", String.class)).containsExactly("ops-bot");
        assertThat(c.getList("audit.findAll { it.action == 'GATE' }.detail", String.class)).contains(
                "STAGING_FIRST PASSED: overridden by ops-bot: CVE hotfix, staging lease hk-2 is down (staging first: no "
                        + "GREEN cutover to 2026.9.1 on a staging lease)");
    }

    @Test
    void anOverrideOfTheStagingGateMustApproveFalse() {
        String prod = lease("hk-prod", "PRODUCTION");
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(prod));
        body.put("overrides", List.of(Map.of("field", "gates.stagingFirst", "value", "true", "reason", "why not",
                "approvedBy", "grace")));
        given().contentType(ContentType.JSON).body(body).post("/api/v1/cutovers").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("overrides[0].value"));
    }
}
