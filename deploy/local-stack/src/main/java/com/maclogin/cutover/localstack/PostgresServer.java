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

    /**
     * Creates (or, on a kept data directory, re-passwords) the login role {@code user} and makes it the owner of
     * {@code schema} in the {@code cutover} database, with no rights elsewhere: PUBLIC loses CONNECT on the database
     * and CREATE on its {@code public} schema, only the service users get CONNECT. The password is never logged.
     */
    public void createServiceUser(String user, String schema, String password) throws IOException {
        if (!user.matches("[a-z][a-z0-9_]{0,30}") || !schema.matches("[a-z][a-z0-9_]{0,30}") || !password.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("service user, schema and password must be plain identifiers and hex");
        }
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_roles where rolname = '" + user + "'")) {
                s.execute((rs.next() ? "alter" : "create") + " role " + user + " login password '" + password + "'");
            }
            s.execute("revoke connect on database " + DATABASE + " from public");
            s.execute("grant connect on database " + DATABASE + " to " + user);
        } catch (SQLException e) {
            throw new IOException("could not create the database user " + user + ": " + e.getMessage(), e);
        }
        try (Connection c = pg.getDatabase("postgres", DATABASE).getConnection(); Statement s = c.createStatement()) {
            s.execute("revoke create on schema public from public");
            s.execute("create schema if not exists " + schema + " authorization " + user);
            s.execute("alter schema " + schema + " owner to " + user);
        } catch (SQLException e) {
            throw new IOException("could not give " + user + " its schema " + schema + ": " + e.getMessage(), e);
        }
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
