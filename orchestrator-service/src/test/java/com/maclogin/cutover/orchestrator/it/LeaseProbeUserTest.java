package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.maclogin.cutover.contracts.RollbackRequested;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.orchestrator.Lease;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The probe account of a lease: validated at registration, stored, shown, and carried by every target sent. */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class LeaseProbeUserTest {

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    static Map<String, Object> lease(String id, String sshUser, String probeUser) {
        Map<String, Object> b = new HashMap<>(Map.of("id", id, "region", "HK", "host", "10.0.0.7", "sshPort", 22,
                "sshUser", sshUser, "hostKey", Fixtures.HOST_KEY, "gatewayPort", 18789, "stage", "STAGING"));
        if (probeUser != null) {
            b.put("probeUser", probeUser);
        }
        return b;
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void expectProbeUser400(Map<String, Object> body, String detail) {
        given().contentType(ContentType.JSON).body(body).post("/api/v1/leases")
                .then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("probeUser")).body("detail", containsString(detail));
    }

    @Test
    void aProbeUserEqualToTheSshUserOrNotAPosixNameIsA400NamingProbeUserAndNothingIsStored() {
        String same = id("hk-pu-same");
        expectProbeUser400(lease(same, "openclaw", "openclaw"), "is the sshUser");
        expectProbeUser400(lease(id("hk-pu-bad"), "openclaw", "Probe User!"), "probe user 'Probe User!' is not valid");
        expectProbeUser400(lease(id("hk-pu-shell"), "openclaw", "$(id)"), "expected a POSIX user name");
        // the default itself is refused when the gateway runs as openclaw-probe, and the answer says it was the default
        expectProbeUser400(lease(id("hk-pu-dflt"), "openclaw-probe", null), "'openclaw-probe' (the default) is the sshUser");
        given().get("/api/v1/leases/" + same).then().statusCode(404);
        // an update cannot make them equal either
        Map<String, Object> ok = lease(id("hk-pu-upd"), "openclaw", "oc-probe");
        given().contentType(ContentType.JSON).body(ok).post("/api/v1/leases").then().statusCode(201);
        ok.put("sshUser", "oc-probe");
        expectProbeUser400(ok, "is the sshUser");
        given().get("/api/v1/leases/" + ok.get("id")).then().statusCode(200).body("sshUser", equalTo("openclaw"));
    }

    @Test
    void anOmittedProbeUserDefaultsToOpenclawProbeWhichTheLeaseViewShowsAndTheEntityStores() {
        String id = id("hk-pu-default");
        given().contentType(ContentType.JSON).body(lease(id, "openclaw", null)).post("/api/v1/leases")
                .then().statusCode(201).body("probeUser", equalTo("openclaw-probe")).body("sshUser", equalTo("openclaw"));
        given().get("/api/v1/leases/" + id).then().statusCode(200).body("probeUser", equalTo("openclaw-probe"));
        String stored = QuarkusTransaction.requiringNew().call(() -> Lease.<Lease>findById(id).probeUser);
        assertThat(stored).isEqualTo("openclaw-probe");
    }

    @Test
    void theRegisteredProbeUserIsStoredAndEveryRunStepAndRollbackTargetOfACutoverCarriesIt() {
        String leaseId = id("hk-pu-flow");
        given().contentType(ContentType.JSON).body(lease(leaseId, "openclaw", "oc-watcher")).post("/api/v1/leases")
                .then().statusCode(201).body("probeUser", equalTo("oc-watcher"));
        FakeWorker worker = Fixtures.worker();
        Fixtures.recorder();
        // hold VALIDATE so that the operator's rollback has something to roll back
        worker.script(leaseId, cmd -> cmd.kind() == StepKind.VALIDATE ? null : FakeWorker.succeed(cmd));
        String id = CutoverFlowTest.start(leaseId);
        CutoverFlowTest.awaitState(id, "VALIDATING");
        CutoverFlowTest.awaitCommand(id, StepKind.VALIDATE);
        List<RunStep> sent = worker.commandsFor(id);
        assertThat(sent).extracting(RunStep::kind).contains(StepKind.INVENTORY, StepKind.FLIP_PLIST, StepKind.VALIDATE);
        assertThat(sent).allSatisfy(cmd -> {
            assertThat(cmd.target().probeUser()).as(cmd.kind().name()).isEqualTo("oc-watcher");
            assertThat(cmd.target().sshUser()).as(cmd.kind().name()).isEqualTo("openclaw");
        });
        given().contentType(ContentType.JSON).body(Map.of("requestedBy", "ada", "reason", "probe user test"))
                .post("/api/v1/cutovers/" + id + "/rollback").then().statusCode(202);
        await().atMost(CutoverFlowTest.WAIT).until(() -> !CutoverFlowTest.rollbacks(id).isEmpty());
        RollbackRequested rb = CutoverFlowTest.rollbacks(id).get(0);
        assertThat(rb.target().probeUser()).isEqualTo("oc-watcher");
        assertThat(rb.target().sshUser()).isEqualTo("openclaw");
    }
}
