package com.maclogin.cutover.testing;

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
}
