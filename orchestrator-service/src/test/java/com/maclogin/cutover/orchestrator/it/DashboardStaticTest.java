package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The dashboard's files are served by the orchestrator itself, without a token; the API behind them still needs one. */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class DashboardStaticTest {

    @Test
    void thePageItsScriptsAndTheVendoredUplotAreServedWithoutATokenAndDeepLinksServeThePage() {
        given().header("Authorization", "").get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("/ui/app.js"), containsString("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"),
                        not(containsString("http://")), not(containsString("https://")));
        given().header("Authorization", "").get("/ui/app.js").then().statusCode(200)
                .body(containsString("textContent"), not(containsString("innerHTML")));
        given().header("Authorization", "").get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").then().statusCode(200)
                .body(containsString("uPlot"));
        given().header("Authorization", "").get("/webjars/uplot/1.6.30/dist/uPlot.min.css").then().statusCode(200);
        for (String deepLink : new String[] {"/cutovers/3f0c1f9e-6a51-4a4b-9f5d-0d7f1f0c2b11", "/fleet-cutovers/f-123"}) {
            given().header("Authorization", "").get(deepLink).then().statusCode(200)
                    .contentType(containsString("text/html")).body(containsString("/ui/app.js"));
        }
        given().header("Authorization", "").get("/api/v1/cutovers").then().statusCode(401);
    }
}
