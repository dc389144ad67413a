package com.maclogin.cutover.messaging;

import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real Kafka broker and one real PostgreSQL for every broker test of this module (started on first use, stopped
 * when the test JVM ends): each test class would otherwise pay for its own start.
 */
final class SharedInfra {

    private static final EmbeddedPostgresResource POSTGRES = new EmbeddedPostgresResource();
    private static final KafkaKraftResource KAFKA = new KafkaKraftResource();
    private static PGSimpleDataSource db;
    private static String bootstrap;

    private SharedInfra() {
    }

    static synchronized void start() {
        if (db != null) {
            return;
        }
        Map<String, String> pg = POSTGRES.start();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(pg.get("quarkus.datasource.jdbc.url"));
        ds.setUser(pg.get("quarkus.datasource.username"));
        ds.setPassword(pg.get("quarkus.datasource.password"));
        bootstrap = KAFKA.start().get("kafka.bootstrap.servers");
        db = ds;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            KAFKA.stop();
            POSTGRES.stop();
        }, "shared-infra-stop"));
    }

    static PGSimpleDataSource db() {
        start();
        return db;
    }

    static String bootstrap() {
        start();
        return bootstrap;
    }
}
