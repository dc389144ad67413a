package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lifting a freeze marker an ended cutover left on its lease (real broker, real PostgreSQL, fake HK worker). */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class StaleFreezeTest {

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    @Test
    void anOperatorLiftsTheStaleFreezeOfAGreenCutoverWhoseUnfreezeFailedAndItIsAudited() {
        String leaseId = CutoverFlowTest.lease("hk-stale");
        AtomicInteger unfreezes = new AtomicInteger();
        // the clean-up UNFREEZE after GREEN fails once (e.g. the lease was unreachable), the operator's one succeeds
        Fixtures.worker().script(leaseId, cmd -> cmd.kind() != StepKind.UNFREEZE ? FakeWorker.succeed(cmd)
                : unfreezes.incrementAndGet() == 1 ? FakeWorker.result(cmd, StepOutcome.FAILED, "connection lost", Map.of())
                : FakeWorker.succeed(cmd));
        String id = CutoverFlowTest.start(leaseId);
        CutoverFlowTest.awaitState(id, "GREEN");
        await().atMost(CutoverFlowTest.WAIT).untilAsserted(() -> assertThat(CutoverFlowTest.cutover(id)
                .getList("audit.detail", String.class)).anyMatch(d -> d.startsWith("unfreeze after the end of the cutover")));

        given().contentType(ContentType.JSON).body(Map.of("reason", "freeze marker still on the lease"))
                .post("/api/v1/cutovers/" + id + "/unfreeze").then().statusCode(202);

        await().atMost(CutoverFlowTest.WAIT).untilAsserted(() -> {
            JsonPath c = CutoverFlowTest.cutover(id);
            assertThat(c.getList("steps.findAll { it.kind == 'UNFREEZE' }.outcome", String.class))
                    .containsExactly("FAILED", "SUCCEEDED");
        });
        JsonPath c = CutoverFlowTest.cutover(id);
        assertThat(c.getString("state")).isEqualTo("GREEN");
        List<RunStep> sent = Fixtures.worker().commandsFor(id).stream().filter(r -> r.kind() == StepKind.UNFREEZE).toList();
        assertThat(sent).extracting(RunStep::attempt).containsExactly(1, 2);
        assertThat(c.getList("audit.findAll { it.action == 'FREEZE_LIFT_REQUESTED' }.actor", String.class))
                .containsExactly("ada");
    }

    @Test
    void anActiveCutoverCannotHaveItsFreezeLiftedFromOutside() {
        String leaseId = CutoverFlowTest.lease("hk-stale-active");
        CutoverFlowTest.hold(leaseId, StepKind.VALIDATE);
        String id = CutoverFlowTest.start(leaseId);
        CutoverFlowTest.awaitState(id, "VALIDATING");
        given().contentType(ContentType.JSON).body(Map.of("reason", "try"))
                .post("/api/v1/cutovers/" + id + "/unfreeze").then().statusCode(409)
                .body("detail", containsString("an active cutover lifts its own freeze"));
    }
}
