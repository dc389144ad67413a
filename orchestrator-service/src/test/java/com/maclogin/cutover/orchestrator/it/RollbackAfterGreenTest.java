package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.maclogin.cutover.contracts.CutoverEvent;
import com.maclogin.cutover.contracts.CutoverEventType;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rolling back the lease's latest GREEN cutover through the API (real broker, real PostgreSQL, fake HK worker). */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class RollbackAfterGreenTest {

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    @Test
    void theLatestGreenCutoverRollsBackWithItsSnapshotHashesAndEndsRolledBack() throws Exception {
        String leaseId = CutoverFlowTest.lease("hk-after-green");
        String id = CutoverFlowTest.start(leaseId);
        JsonPath green = CutoverFlowTest.awaitState(id, "GREEN");
        assertThat(green.getString("endedAt")).isNotNull();

        given().contentType(ContentType.JSON).body(Map.of("reason", "users report errors since the upgrade"))
                .post("/api/v1/cutovers/" + id + "/rollback")
                .then().statusCode(202).body("state", equalTo("ROLLING_BACK")).body("epoch", equalTo(2))
                .body("endedAt", equalTo(null));

        await().atMost(CutoverFlowTest.WAIT).until(() -> !CutoverFlowTest.rollbacks(id).isEmpty());
        RollbackRequested rr = CutoverFlowTest.rollbacks(id).get(0);
        assertThat(rr.expectedSha256()).containsExactlyInAnyOrderEntriesOf(Map.of("plist", FakeWorker.HASH_PLIST,
                "package", FakeWorker.HASH_PACKAGE, "state", FakeWorker.HASH_STATE));
        assertThat(rr.previousVersion()).isEqualTo("2026.9.5");
        assertThat(rr.epoch()).isEqualTo(2);

        CutoverFlowTest.publishEvent(new CutoverEvent(UUID.randomUUID().toString(), id, leaseId, Instant.now(),
                CutoverMessage.SCHEMA_VERSION, 2, CutoverEventType.ROLLED_BACK, rr.target().region(), rr.ticketId(),
                rr.previousVersion(), rr.candidateVersion(), rr.rollbackOwner(), List.of(), Instant.now(), Instant.now(),
                "restored 2026.9.5, hashes verified"));
        JsonPath done = CutoverFlowTest.awaitState(id, "ROLLED_BACK");
        assertThat(done.getString("endedAt")).isNotNull();
        assertThat(done.getList("audit.detail", String.class)).anyMatch(d -> d.startsWith("ROLLING_BACK after GREEN"));
    }

    @Test
    void aGreenCutoverFollowedByALaterCutoverOnTheLeaseIsA409NamingTheLaterOne() {
        String leaseId = CutoverFlowTest.lease("hk-green-later");
        String first = CutoverFlowTest.start(leaseId);
        CutoverFlowTest.awaitState(first, "GREEN");
        String second = CutoverFlowTest.start(leaseId);
        CutoverFlowTest.awaitState(second, "GREEN");

        given().contentType(ContentType.JSON).body(Map.of("reason", "go back two versions"))
                .post("/api/v1/cutovers/" + first + "/rollback")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("a later cutover (" + second + ")"));
        assertThat(CutoverFlowTest.cutover(first).getString("state")).isEqualTo("GREEN");
        assertThat(CutoverFlowTest.rollbacks(first)).isEmpty();
    }
}
