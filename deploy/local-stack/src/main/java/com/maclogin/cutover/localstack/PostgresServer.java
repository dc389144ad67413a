package com.maclogin.cutover.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server (zonky's embedded binaries, 17.x; runs as an unprivileged user even when we are root)
 * on a fixed loopback port, with the {@code cutover} database every service migrates its own schema into. The data
 * directory survives {@link #close()}, so a restart (the chaos harness does one) keeps every row.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "cutover";

    private final EmbeddedPostgres pg;
    private final int port;

    private PostgresServer(EmbeddedPostgres pg, int port) {
        this.pg = pg;
        this.port = port;
    }

    public static PostgresServer start(StackConfig cfg) throws IOException {
        Path dir = cfg.workDir().resolve("postgres");
        Files.createDirectories(dir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPort(cfg.postgresPort())
                .setOverrideWorkingDirectory(dir.toFile())
                .setDataDirectory(dir.resolve("data").toFile())
                .setCleanDataDirectory(false)
                // the library's default is 10 s: too short on a loaded 2-core machine
                .setPGStartupWait(LocalStack.START_TIMEOUT)
                .start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("create database " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IOException("could not create database " + DATABASE + ": " + e.getMessage(), e);
        }
        return new PostgresServer(pg, cfg.postgresPort());
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            // best effort at shutdown
        }
    }
}
