package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
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
 * The CLI_MATCHES_SERVICE gate through the API, a real broker and PostgreSQL: a lease whose login shell's
 * {@code openclaw} runs another version than the service is refused before anything changes, naming both versions and
 * the fix; an approved override of {@code gates.cliMatchesService} (stored on the cutover) lets it through, audited.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class CliGateTest {

    static final String CLI = "/Users/openclaw/.sim/cli-drift/bin/openclaw";

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    /** A staging lease whose worker reports a CLI at 2026.9.3 beside a service at 2026.9.5. */
    static String driftingLease() {
        String id = "hk-cli-" + UUID.randomUUID().toString().substring(0, 8);
        Fixtures.registerLease(id, null, "STAGING");
        Fixtures.recorder();
        Fixtures.worker().script(id, cmd -> {
            if (cmd.kind() != StepKind.INVENTORY) {
                return FakeWorker.succeed(cmd);
            }
            Map<String, String> f = FakeWorker.inventoryFacts();
            f.put("cliPath", CLI);
            f.put("cliVersion", "2026.9.3");
            return FakeWorker.result(cmd, StepOutcome.SUCCEEDED, null, f);
        });
        return id;
    }

    static String start(String leaseId, List<Map<String, Object>> overrides) {
        Map<String, Object> body = new HashMap<>(Fixtures.cutoverBody(leaseId));
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

    @Test
    void aLeaseWhoseCliDiffersFromTheServiceIsRefusedAtTheGatesNamingBothVersionsAndTheFix() {
        String lease = driftingLease();
        String id = start(lease, null);

        JsonPath c = CutoverFlowTest.awaitState(id, "FAILED");
        assertThat(c.getString("reason")).startsWith("inventory gates refused: CLI_MATCHES_SERVICE: the lease user's "
                + "openclaw (" + CLI + ") is 2026.9.3 but the service runs 2026.9.5").contains("fix: make " + CLI
                + " the service's CLI", "override gates.cliMatchesService=false");
        assertThat(Fixtures.worker().commandsFor(id)).extracting(RunStep::kind).containsExactly(StepKind.INVENTORY);
        assertThat(c.getString("steps[0].evidence.find { it.name == 'gate:CLI_MATCHES_SERVICE' }.output"))
                .startsWith("FAILED: ").contains("\"cliVersion\":\"2026.9.3\"", "\"gatewayVersion\":\"2026.9.5\"");
    }

    @Test
    void anApprovedOverrideAcceptsTheDifferingCliAndIsAudited() {
        String lease = driftingLease();
        Map<String, Object> override = Map.of("field", "gates.cliMatchesService", "value", "false",
                "reason", "Homebrew openclaw pinned by the lease owner", "approvedBy", "grace");
        String id = start(lease, List.of(override));

        JsonPath c = CutoverFlowTest.awaitState(id, "GREEN");
        assertThat(c.getList("audit.findAll { it.action == 'OVERRIDE' }.detail", String.class)).containsExactly(
                "gates.cliMatchesService: true -> false approved by ops-bot, requested by ada: Homebrew openclaw pinned "
                        + "by the lease owner");
        assertThat(c.getList("audit.findAll { it.action == 'GATE' }.detail", String.class)).contains(
                "CLI_MATCHES_SERVICE PASSED: overridden by ops-bot: Homebrew openclaw pinned by the lease owner (the "
                        + "lease user's openclaw (" + CLI + ") is 2026.9.3 but the service runs 2026.9.5: the CLI would "
                        + "work on state the service migrates)");
    }
}
