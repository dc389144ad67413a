package com.maclogin.cutover.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A real PostgreSQL server (zonky's embedded binaries, 17.x; runs as an unprivileged user even when we are root)
 * on a fixed loopback port, with the {@code cutover} database every service migrates its own schema into. The data
 * directory survives {@link #close()}, so a restart (the chaos harness does one) keeps every row.
 *
 * <p>With {@link StackConfig#postgresStandby()} it is a primary and a streaming hot standby
 * ({@link StackConfig#postgresStandbyPort()}): the primary runs with {@code wal_level=replica} and a replication user;
 * the standby is a copy of the primary's data directory taken at a clean shutdown (what {@code pg_basebackup -R}
 * makes: zonky's bundle has no {@code pg_basebackup}, and Debian's 15 cannot copy a 17 server) with
 * {@code standby.signal}, {@code primary_conninfo} and a physical replication slot. Replication is synchronous
 * ({@code synchronous_standby_names} names the standby, {@code synchronous_commit=}{@value #SYNCHRONOUS_COMMIT}), so a
 * commit the primary acknowledged is flushed on the standby: {@link #killPrimary()} and {@link #promoteStandby()}
 * lose nothing acknowledged. Services reach it by the multi-host {@link #jdbcUrl()} with
 * {@code targetServerType=primary}, which finds whichever of the two is primary now.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "cutover";
    /** The standby's {@code application_name}, which the primary's {@code synchronous_standby_names} names. */
    public static final String STANDBY_NAME = "standby";
    /** The login role the standby streams WAL with (REPLICATION, nothing else). */
    public static final String REPLICATION_USER = "replicator";
    /**
     * The primary's {@code synchronous_commit}: {@code on} waits until the commit record is flushed to the standby's
     * disk before the commit returns. Enough for "nothing acknowledged is lost on promotion" (promotion replays
     * everything received); {@code remote_apply} would also make it visible on the standby first, at a higher cost
     * (docs/architecture.md "PostgreSQL standby", docs/benchmarks.md).
     */
    public static final String SYNCHRONOUS_COMMIT = "on";

    private EmbeddedPostgres pg;
    private int port;
    /** The standby while there is one (null without a standby, and after {@link #promoteStandby()}). */
    private EmbeddedPostgres standby;
    private final int standbyPort;
    /** The first primary's port: the first host of the multi-host URL. */
    private final int firstPort;
    private final String replicationPassword;
    private final Path primaryData;
    private boolean failedOver;

    private PostgresServer(EmbeddedPostgres pg, int port, EmbeddedPostgres standby, int standbyPort,
            String replicationPassword, Path primaryData) {
        this.pg = pg;
        this.port = port;
        this.firstPort = port;
        this.standby = standby;
        this.standbyPort = standbyPort;
        this.replicationPassword = replicationPassword;
        this.primaryData = primaryData;
    }

    public static PostgresServer start(StackConfig cfg) throws IOException {
        Path dir = cfg.workDir().resolve("postgres");
        if (!cfg.postgresStandby()) {
            EmbeddedPostgres pg = embedded(dir, cfg.postgresPort(), Map.of());
            createDatabase(pg);
            return new PostgresServer(pg, cfg.postgresPort(), null, 0, null, dir.resolve("data"));
        }
        Path standbyDir = cfg.workDir().resolve("postgres-standby");
        Path secretFile = dir.resolve("replication-password");
        Map<String, String> primaryConfig = Map.of("wal_level", "replica", "max_wal_senders", "5",
                "max_replication_slots", "5", "hot_standby", "on",
                "synchronous_standby_names", STANDBY_NAME, "synchronous_commit", SYNCHRONOUS_COMMIT);
        if (!Files.isDirectory(standbyDir.resolve("data"))) {
            // first start: a primary without a synchronous standby yet (its writes would wait for one), the
            // database, the replication user and slot; then a clean stop, and its data directory becomes the standby's
            String password = randomHex(16);
            EmbeddedPostgres first = embedded(dir, cfg.postgresPort(), Map.of("wal_level", "replica",
                    "max_wal_senders", "5", "max_replication_slots", "5"));
            try {
                createDatabase(first);
                try (Connection c = first.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("create role " + REPLICATION_USER + " replication login password '" + password + "'");
                    s.execute("select pg_create_physical_replication_slot('" + STANDBY_NAME + "')");
                } catch (SQLException e) {
                    throw new IOException("could not create the replication user and slot: " + e.getMessage(), e);
                }
            } finally {
                first.close();
            }
            Files.writeString(secretFile, password);
            copyAsStandby(dir.resolve("data"), standbyDir.resolve("data"), cfg.postgresPort(), password);
        }
        String password = Files.readString(secretFile).trim();
        EmbeddedPostgres primary = embedded(dir, cfg.postgresPort(), primaryConfig);
        EmbeddedPostgres standby;
        try {
            // the standby must not wait for a standby of its own once promoted: no synchronous_standby_names there;
            // synchronous_commit=on (zonky's default is off) so that, promoted, it flushes each commit before it answers
            standby = embedded(standbyDir, cfg.postgresStandbyPort(), Map.of("hot_standby", "on",
                    "max_wal_senders", "5", "max_replication_slots", "5", "wal_level", "replica",
                    "synchronous_commit", "on"));
        } catch (IOException | RuntimeException e) {
            primary.close();
            throw e;
        }
        PostgresServer server = new PostgresServer(primary, cfg.postgresPort(), standby, cfg.postgresStandbyPort(),
                password, dir.resolve("data"));
        server.awaitStreaming(LocalStack.START_TIMEOUT);
        return server;
    }

    private static EmbeddedPostgres embedded(Path dir, int port, Map<String, String> config) throws IOException {
        Files.createDirectories(dir);
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setPort(port)
                .setOverrideWorkingDirectory(dir.toFile())
                .setDataDirectory(dir.resolve("data").toFile())
                .setCleanDataDirectory(false)
                // the library's default is 10 s: too short on a loaded 2-core machine
                .setPGStartupWait(LocalStack.START_TIMEOUT);
        config.forEach((BiConsumer<String, String>) b::setServerConfig);
        return b.start();
    }

    private static void createDatabase(EmbeddedPostgres pg) throws IOException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("create database " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IOException("could not create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    /**
     * The standby's data directory: the stopped primary's, without its replication slots and pid file, plus
     * {@code standby.signal} and the connection to the primary in {@code postgresql.auto.conf} (as
     * {@code pg_basebackup -R} writes them).
     */
    static void copyAsStandby(Path primaryData, Path standbyData, int primaryPort, String password) throws IOException {
        LocalStack.deleteRecursively(standbyData);
        try (var walk = Files.walk(primaryData)) {
            for (Path p : walk.toList()) {
                Path rel = primaryData.relativize(p);
                String name = rel.toString();
                if (name.equals("postmaster.pid") || name.equals("postmaster.opts")
                        || (name.startsWith("pg_replslot/") && !name.equals("pg_replslot"))) {
                    continue;
                }
                Path target = standbyData.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Files.writeString(standbyData.resolve("standby.signal"), "");
        Files.writeString(standbyData.resolve("postgresql.auto.conf"), Files.readString(standbyData.resolve("postgresql.auto.conf"))
                + "primary_conninfo = 'host=127.0.0.1 port=" + primaryPort + " user=" + REPLICATION_USER
                + " password=" + password + " application_name=" + STANDBY_NAME + "'\n"
                + "primary_slot_name = '" + STANDBY_NAME + "'\n");
        try {
            Files.setPosixFilePermissions(standbyData, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX: nothing to tighten
        }
    }

    /** Waits until the primary reports the standby as a synchronous, streaming replica. */
    private void awaitStreaming(Duration max) throws IOException {
        long end = System.nanoTime() + max.toNanos();
        String last = "no row in pg_stat_replication";
        while (System.nanoTime() < end) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select state, sync_state from pg_stat_replication where application_name = '"
                            + STANDBY_NAME + "'")) {
                if (rs.next()) {
                    last = rs.getString(1) + "/" + rs.getString(2);
                    if ("streaming".equals(rs.getString(1)) && "sync".equals(rs.getString(2))) {
                        return;
                    }
                }
            } catch (SQLException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("the standby on :" + standbyPort + " is not a streaming synchronous replica: " + last);
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

    /**
     * The services' JDBC URL: one host, or with a standby both hosts and {@code targetServerType=primary} (the
     * driver tries them in order and keeps the one that is not read-only; Flyway uses the same data source).
     */
    public String jdbcUrl() {
        if (standbyPort == 0) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
        }
        // the same URL before and after a failover: a service started later finds the promoted standby too
        return "jdbc:postgresql://127.0.0.1:" + firstPort + ",127.0.0.1:" + standbyPort + "/" + DATABASE
                + "?targetServerType=primary";
    }

    /** A superuser JDBC URL of the current primary alone (the harness's own checks and counts). */
    public String primaryJdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /** A superuser JDBC URL of the standby alone, while there is one. */
    public String standbyJdbcUrl(String database) {
        if (standby == null) {
            throw new IllegalStateException("no standby");
        }
        return "jdbc:postgresql://127.0.0.1:" + standbyPort + "/" + database + "?user=postgres";
    }

    /** The current primary's port. */
    public int port() {
        return port;
    }

    /** Whether a standby is running (false without one, and once it was promoted). */
    public boolean hasStandby() {
        return standby != null;
    }

    /** The replication user's password (a secret of the run), or null without a standby. */
    public String replicationPassword() {
        return replicationPassword;
    }

    /**
     * SIGKILLs the primary's postmaster and every server process under it, as a crashed machine would stop them: no
     * shutdown checkpoint, open transactions cut off. Returns the postmaster's pid.
     */
    public long killPrimary() throws IOException {
        if (failedOver || !hasStandby()) {
            throw new IllegalStateException("no primary with a standby to kill");
        }
        long pid = Long.parseLong(Files.readAllLines(primaryData.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("no postmaster " + pid));
        var children = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            postmaster.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("postmaster " + pid + " did not die: " + e.getMessage(), e);
        }
        return pid;
    }

    /**
     * Promotes the standby ({@code pg_promote()}, what {@code pg_ctl promote} does) and makes it the primary of this
     * server; waits until it accepts writes. Returns how long that took.
     */
    public Duration promoteStandby() throws IOException {
        if (standby == null) {
            throw new IllegalStateException("no standby to promote");
        }
        long t0 = System.nanoTime();
        try (Connection c = standby.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_promote(true, 60)")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                throw new IOException("pg_promote() did not finish within 60 s");
            }
        } catch (SQLException e) {
            throw new IOException("could not promote the standby: " + e.getMessage(), e);
        }
        EmbeddedPostgres old = pg;
        pg = standby;
        port = standbyPort;
        standby = null;
        failedOver = true;
        try {
            old.close(); // pg_ctl stop on a dead server: only releases zonky's lock
        } catch (IOException | RuntimeException e) {
            // already dead
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Override
    public void close() {
        for (EmbeddedPostgres p : new EmbeddedPostgres[] {standby, pg}) {
            if (p == null) {
                continue;
            }
            try {
                p.close();
            } catch (IOException | RuntimeException e) {
                // best effort at shutdown
            }
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
