package com.maclogin.cutover.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StateSchemaTest {

    @Test
    void theTestedUpgradePairHasSchemas17And18() {
        assertThat(StateSchema.forVersion("2026.9.5")).isEqualTo(17);
        assertThat(StateSchema.forVersion("2026.9.6")).isEqualTo(18);
    }

    @Test
    void schemaNeverDecreasesAcrossPublishedVersions() {
        List<String> published = GatewayPackage.PUBLISHED;
        for (int i = 1; i < published.size(); i++) {
            assertThat(StateSchema.forVersion(published.get(i)))
                    .as("%s vs %s", published.get(i), published.get(i - 1))
                    .isGreaterThanOrEqualTo(StateSchema.forVersion(published.get(i - 1)));
        }
        assertThat(StateSchema.forVersion("2026.10.0")).isGreaterThan(StateSchema.forVersion("2026.9.87"));
        assertThat(StateSchema.forVersion("2026.8.2")).isLessThan(StateSchema.forVersion("2026.9.0"));
    }
}
