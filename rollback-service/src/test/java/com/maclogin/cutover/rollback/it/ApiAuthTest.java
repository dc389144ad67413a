package com.maclogin.cutover.rollback.it;

import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import com.maclogin.cutover.testing.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Issue 11: rollback-service's API has the same mechanisms and roles as the orchestrator's (reads need viewer). */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class ApiAuthTest {

    @Test
    void withoutATokenTheApiIsA401ProblemAStaticViewerTokenOrAViewerJwtReadsAndAJwtWithoutOurRolesIsA403() {
        TestTokens.proveReadsNeedAViewer("/api/v1/rollbacks/c-1", 404);
    }
}
