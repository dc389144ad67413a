package com.maclogin.cutover.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.util.Map;

/**
 * A real PostgreSQL server (zonky embedded binaries, 17.x) for the test JVM. Attach with
 * {@code @WithTestResource(EmbeddedPostgresResource.class)}; it sets the Quarkus datasource URL and credentials.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres pg;

    @Override
    public Map<String, String> start() {
        try {
            pg = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(new File("target/embedded-pg"))
                    .setCleanDataDirectory(true)
                    .start();
            return Map.of(
                    "quarkus.datasource.jdbc.url", pg.getJdbcUrl("postgres", "postgres"),
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres");
        } catch (Exception e) {
            throw new IllegalStateException("could not start embedded PostgreSQL", e);
        }
    }

    @Override
    public void stop() {
        if (pg != null) {
            try {
                pg.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }
}
