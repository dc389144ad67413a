package com.maclogin.cutover.localstack.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maclogin.cutover.localstack.LocalStack;
import com.maclogin.cutover.localstack.PostgresServer;
import com.maclogin.cutover.localstack.StackConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The local stack's PostgreSQL primary and synchronous streaming standby alone (real servers, no services): a writer
 * commits through the services' multi-host URL while the primary is SIGKILLed; the URL refuses the standby while it is
 * read-only, and after {@code pg_promote()} every commit the writer was told succeeded is on the promoted standby and
 * the same URL writes there. Two PostgreSQL servers, no stack, ~25 s: with the cluster runs
 * ({@code ./run-cluster-tests.sh}), not in the suite.
 */
@EnabledIfSystemProperty(named = "cluster.tests", matches = "true")
@ResourceLock("cluster-stack")
class PostgresStandbyTest {

    @Test
    void everyAcknowledgedCommitSurvivesSigkillOfThePrimaryAndPromotionAndTheMultiHostUrlFollows() throws Exception {
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(520)
                .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/pg-standby-test"))
                .withPostgresStandby(true);
        LocalStack.deleteRecursively(cfg.workDir());
        try (PostgresServer pg = PostgresServer.start(cfg)) {
            String url = pg.jdbcUrl() + "&user=postgres&connectTimeout=5";
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + cfg.postgresPort() + ",127.0.0.1:"
                    + cfg.postgresStandbyPort() + "/cutover?targetServerType=primary");
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("create table ack (id int primary key)");
                try (ResultSet rs = s.executeQuery("show synchronous_standby_names")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(PostgresServer.STANDBY_NAME);
                }
            }
            List<Integer> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            Thread writer = new Thread(() -> {
                int next = 0;
                while (!stop.get()) {
                    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                        while (!stop.get()) {
                            s.executeUpdate("insert into ack values (" + next + ")");
                            acknowledged.add(next++); // autocommit: the insert returned, so the commit was acknowledged
                        }
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                        next++; // this id's fate is unknown (cut off mid-commit): never reused, never counted
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            });
            writer.start();
            long until = System.nanoTime() + 60_000_000_000L;
            while (acknowledged.size() < 200 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(acknowledged).as("commits before the kill").hasSizeGreaterThanOrEqualTo(200);
            pg.killPrimary();
            int beforePromotion = acknowledged.size();
            // the standby is read-only: targetServerType=primary must not hand it out as the primary
            assertThatThrownBy(() -> DriverManager.getConnection(url).close()).isInstanceOf(SQLException.class);
            Thread.sleep(300);
            assertThat(acknowledged).as("no commit succeeds while there is no primary").hasSize(beforePromotion);
            pg.promoteStandby();
            until = System.nanoTime() + 60_000_000_000L;
            while (acknowledged.size() < beforePromotion + 50 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            stop.set(true);
            writer.join(30_000);
            assertThat(acknowledged).as("the writer commits again through the same URL").hasSizeGreaterThanOrEqualTo(beforePromotion + 50);
            assertThat(failures.get()).as("the writer saw the primary die").isPositive();
            List<Integer> present = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(pg.primaryJdbcUrl("cutover"));
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("select pg_is_in_recovery(), inet_server_port()")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("the promoted standby is a primary").isFalse();
                    assertThat(rs.getInt(2)).isEqualTo(cfg.postgresStandbyPort());
                }
                try (ResultSet rs = s.executeQuery("select id from ack")) {
                    while (rs.next()) {
                        present.add(rs.getInt(1));
                    }
                }
            }
            assertThat(present).as("every acknowledged commit is on the promoted standby").containsAll(List.copyOf(acknowledged));
        }
    }
}
