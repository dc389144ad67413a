package com.maclogin.cutover.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * The static tokens of rollback-service's and notifier-service's tests ({@code %test.api.auth.tokens} in their
 * application.properties holds the same values), and the RestAssured filter that sends the viewer token with every
 * request that sets no Authorization of its own.
 */
public final class TestTokens {

    public static final String VIEWER = "test-viewer-token-vic-0001";
    public static final String OPERATOR = "test-operator-token-ops-0002";

    private static final Filter VIEWER_BY_DEFAULT = (req, res, ctx) -> {
        if (!req.getHeaders().hasHeaderWithName("Authorization")) {
            req.header("Authorization", "Bearer " + VIEWER);
        }
        return ctx.next(req, res);
    };

    private TestTokens() {
    }

    /** Every RestAssured request of this test JVM carries the viewer token unless it sets its own Authorization. */
    public static synchronized void viewerByDefault() {
        if (!RestAssured.filters().contains(VIEWER_BY_DEFAULT)) {
            RestAssured.filters(VIEWER_BY_DEFAULT);
        }
    }

    /**
     * What every service's API must do (issue 11): without a token a 401 problem with a Bearer challenge, an unknown
     * token 401, a static viewer token or a viewer JWT ({@link TestJwt}) read ({@code readStatus}), a JWT without any of
     * our roles 403 naming the viewer token; health stays open.
     */
    public static void proveReadsNeedAViewer(String path, int readStatus) {
        given().header("Authorization", "").get(path).then().statusCode(401)
                .contentType(containsString("application/problem+json")).header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("Authorization: Bearer"));
        given().header("Authorization", "Bearer not-a-token-of-ours").get(path).then().statusCode(401)
                .body("detail", containsString("not valid"));
        given().header("Authorization", "Bearer " + VIEWER).get(path).then().statusCode(readStatus);
        given().header("Authorization", "Bearer " + TestJwt.token("vera", "viewer")).get(path).then().statusCode(readStatus);
        given().header("Authorization", "Bearer " + TestJwt.token("nobody", "staff")).get(path).then().statusCode(403)
                .body("detail", containsString("viewer token"));
        given().header("Authorization", "").get("/q/health/ready").then().statusCode(200);
    }
}
