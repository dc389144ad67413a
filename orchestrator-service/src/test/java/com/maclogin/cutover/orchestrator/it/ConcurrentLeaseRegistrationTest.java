package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two orchestrator instances registering the same new lease at the same moment (real HTTP, real PostgreSQL; two
 * concurrent requests stand for the two instances, which share nothing but the database): both requests succeed,
 * exactly one creates the lease (201) and the other finds it (200), and the lease has one registration in its audit.
 * Before, the second insert failed on the primary key and answered 500 (and a second instance starting with the same
 * {@code orchestrator.leases-file} could fail its start).
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class ConcurrentLeaseRegistrationTest {

    @BeforeAll
    static void authenticate() {
        Fixtures.authenticate();
    }

    @Test
    void twoCallersRegisteringOneNewLeaseAtOnceBothSucceedAndExactlyOneCreatesIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String id = LeaseProbeUserTest.id("hk-race");
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    calls.add(pool.submit(() -> {
                        together.await();
                        return given().contentType(ContentType.JSON).body(LeaseProbeUserTest.lease(id, "openclaw", "oc-probe"))
                                .post("/api/v1/leases").then().extract().statusCode();
                    }));
                }
                List<Integer> statuses = List.of(calls.get(0).get(), calls.get(1).get());
                assertThat(statuses).as("round %d, lease %s", round, id).containsExactlyInAnyOrder(201, 200);
                List<String> actions = given().get("/api/v1/leases/" + id + "/audit").then().statusCode(200)
                        .extract().jsonPath().getList("action");
                assertThat(actions).as("one registration of %s", id).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
