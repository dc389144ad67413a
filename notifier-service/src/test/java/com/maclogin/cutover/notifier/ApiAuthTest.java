package com.maclogin.cutover.notifier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import com.maclogin.cutover.testing.TestJwt;
import com.maclogin.cutover.testing.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Issue 11: notifier-service's API has the same mechanisms and roles as the orchestrator's (reads need viewer). */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class ApiAuthTest {

    @Test
    void withoutATokenTheApiIsA401ProblemAStaticViewerTokenOrAViewerJwtReadsAndAJwtWithoutOurRolesIsA403() {
        given().header("Authorization", "").get("/api/v1/notifications?cutover=c-1").then().statusCode(401)
                .contentType(containsString("application/problem+json")).header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("Authorization: Bearer"));
        given().header("Authorization", "Bearer not-a-token-of-ours").get("/api/v1/notifications?cutover=c-1").then().statusCode(401)
                .body("detail", containsString("not valid"));
        given().header("Authorization", "Bearer " + TestTokens.VIEWER).get("/api/v1/notifications?cutover=c-1").then().statusCode(200);
        given().header("Authorization", "Bearer " + TestJwt.token("vera", "viewer")).get("/api/v1/notifications?cutover=c-1").then()
                .statusCode(200);
        given().header("Authorization", "Bearer " + TestJwt.token("nobody", "staff")).get("/api/v1/notifications?cutover=c-1").then()
                .statusCode(403).body("detail", containsString("viewer token"));
        // health and metrics stay open
        given().header("Authorization", "").get("/q/health/ready").then().statusCode(200);
    }
}
