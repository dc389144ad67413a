package com.maclogin.cutover.localstack.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.localstack.Api;
import com.maclogin.cutover.localstack.DemoRunner;
import com.maclogin.cutover.localstack.LocalStack;
import com.maclogin.cutover.localstack.StackConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 13 point 3 end to end: the stack runs on a PostgreSQL primary with a synchronous streaming standby, the
 * services reach it by the multi-host URL ({@code targetServerType=primary}). Four cutovers run (two to GREEN, two
 * rolled back by the operator in their validation window); once the first is validating, the rows every service has
 * committed so far are read, the primary is SIGKILLed (postmaster and every server process) and, after a few seconds
 * without a database, the standby is promoted. Proves that every cutover still ends as it should (GREEN, or
 * ROLLED_BACK where the operator asked), and that every row committed before the kill (event log, steps, outboxes,
 * rollbacks, notifications) is on the promoted standby. The validation window is 60 s: with 30 s a loaded 2-core
 * machine ran 7 probe rounds, and one lost INTEGRATION sample made the worker call the window blind (a rollback that
 * has nothing to do with the database; it is accepted only with that reason).
 */
@EnabledIfSystemProperty(named = "cluster.tests", matches = "true")
@ResourceLock("cluster-stack")
class PostgresFailoverTest {

    /** Tables (with an {@code id} column) whose committed rows must survive the failover. */
    static final List<String> TABLES = List.of("orchestrator.event_log", "orchestrator.cutover_step",
            "orchestrator.outbox", "orchestrator.audit_event", "rollback.rollback", "rollback.rollback_event",
            "rollback.outbox", "notifier.notification", "notifier.outbox");

    static final Duration DEADLINE = Duration.ofMinutes(5);
    /** Time without any database between the kill and the promotion. */
    static final Duration OUTAGE = Duration.ofSeconds(4);
    static final Set<String> TERMINAL = Set.of("GREEN", "ROLLED_BACK", "ROLLBACK_FAILED", "ABORTED", "FAILED");

    @Test
    void cutoversCompleteAndNothingCommittedIsLostWhenThePrimaryIsKilledAndTheStandbyPromotedMidCutover() throws Exception {
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(500)
                .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/pg-failover-stack"))
                .withLeasesPerRegion(2).withValidationWindow(Duration.ofSeconds(60)).withPostgresStandby(true);
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            List<String> leases = cfg.leaseIds();
            Map<String, String> ids = new LinkedHashMap<>();
            Map<String, Boolean> rollback = new LinkedHashMap<>();
            for (int i = 0; i < leases.size(); i++) {
                String lease = leases.get(i);
                Map<String, Object> body = DemoRunner.demoRequest(lease, cfg.toVersion());
                body.put("ticketId", "PGFAIL-" + i);
                Api.Reply r = stack.orchestrator().postIdempotent("/api/v1/cutovers", body, "PGFAIL-" + i);
                assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
                ids.put(lease, r.body().path("id").asText());
                rollback.put(lease, i % 2 == 1);
            }
            Map<String, String> state = new java.util.concurrent.ConcurrentSkipListMap<>();
            Map<String, String> reasons = new java.util.concurrent.ConcurrentHashMap<>();
            Set<String> rollbackAsked = java.util.concurrent.ConcurrentHashMap.newKeySet();
            long end = System.nanoTime() + DEADLINE.toNanos();
            // the cutovers are driven (read, and rolled back by the operator at VALIDATING) on their own thread, so a
            // request that hangs while there is no database does not stretch the outage
            AtomicBoolean done = new AtomicBoolean();
            Thread driver = new Thread(() -> {
                while (!done.get() && System.nanoTime() < end) {
                    poll(stack, ids, rollback, state, reasons, rollbackAsked);
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "pg-failover-driver");
            driver.start();
            try {
                // the primary dies once the first cutover validates (its steps applied and committed)
                while (!state.containsValue("VALIDATING") && System.nanoTime() < end) {
                    Thread.sleep(100);
                }
                assertThat(state).as("a cutover reached VALIDATING before the kill").containsValue("VALIDATING");
                Map<String, Set<String>> before = committedRows(stack.postgres().primaryJdbcUrl("cutover"));
                System.out.printf("[pg-failover] committed before the kill: %s; cutovers %s%n", counts(before), state);
                long pid = stack.killPostgresPrimary();
                long killedAt = System.nanoTime();
                System.out.printf("[pg-failover] SIGKILL PostgreSQL primary (postmaster %d); cutovers %s%n", pid, state);
                // a few seconds without any database (an operator or CloudNativePG noticing); then the promotion
                Thread.sleep(OUTAGE.toMillis());
                Duration promotion = stack.promotePostgresStandby();
                System.out.printf("[pg-failover] standby promoted in %d ms, %d ms after the kill; cutovers %s%n",
                        promotion.toMillis(), (System.nanoTime() - killedAt) / 1_000_000, state);
                while (!(state.size() == ids.size() && TERMINAL.containsAll(state.values())) && System.nanoTime() < end) {
                    Thread.sleep(200);
                }
                System.out.printf("[pg-failover] final: %s, %d s after the kill; reasons %s%n", state,
                        (System.nanoTime() - killedAt) / 1_000_000_000L, reasons);
                for (String lease : leases) {
                    String why = "cutover of " + lease + " (" + ids.get(lease) + "): " + reasons.get(lease);
                    if (rollback.get(lease)) {
                        assertThat(state.get(lease)).as(why).isEqualTo("ROLLED_BACK");
                    } else if (!"GREEN".equals(state.get(lease))) {
                        // the one other verdict its fault-free run can get: the worker's validation window saw too few
                        // probe rounds on a loaded machine (probe-service, no database involved); anything else fails
                        assertThat(state.get(lease)).as(why).isEqualTo("ROLLED_BACK");
                        assertThat(reasons.get(lease)).as(why).contains("blind validation window");
                    }
                }
                checkRows(stack, before);
            } finally {
                done.set(true);
                driver.join(10_000);
            }
        }
    }

    private static void checkRows(LocalStack stack, Map<String, Set<String>> before) throws SQLException {
        Map<String, Set<String>> after = committedRows(stack.postgres().primaryJdbcUrl("cutover"));
        System.out.printf("[pg-failover] rows after: %s%n", counts(after));
        for (String table : TABLES) {
            assertThat(after.get(table)).as("rows of " + table + " committed before the kill").containsAll(before.get(table));
        }
        assertThat(before.get("orchestrator.event_log")).as("the check compares something").isNotEmpty();
        assertThat(before.get("orchestrator.cutover_step")).isNotEmpty();
    }

    /** One round of driving: reads each cutover's state and asks for the operator rollback at VALIDATING. */
    private static void poll(LocalStack stack, Map<String, String> ids, Map<String, Boolean> rollback,
            Map<String, String> state, Map<String, String> reasons, Set<String> rollbackAsked) {
        ids.forEach((lease, id) -> {
            try {
                Api.Reply r = stack.orchestrator().get("/api/v1/cutovers/" + id);
                if (r.status() != 200) {
                    return; // the database is away: the API answers 5xx, try again
                }
                JsonNode c = r.body();
                String s = c.path("state").asText();
                state.put(lease, s);
                if (c.hasNonNull("reason")) {
                    reasons.put(lease, c.path("reason").asText());
                }
                if (rollback.get(lease) && !rollbackAsked.contains(lease) && "VALIDATING".equals(s)) {
                    Api.Reply rb = stack.orchestrator().post("/api/v1/cutovers/" + id + "/rollback",
                            Map.of("requestedBy", "pg-failover", "reason", "operator rollback during the failover test"));
                    if (rb.status() / 100 == 2) {
                        rollbackAsked.add(lease);
                    }
                }
            } catch (IOException e) {
                // the orchestrator answers again once the database is back
            }
        });
    }

    /** Every row id of {@link #TABLES}, read as the superuser on the current primary. */
    private static Map<String, Set<String>> committedRows(String url) throws SQLException {
        Map<String, Set<String>> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                Set<String> ids = new HashSet<>();
                try (ResultSet rs = s.executeQuery("select id::text from " + table)) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                rows.put(table, ids);
            }
        }
        return rows;
    }

    private static Map<String, Integer> counts(Map<String, Set<String>> rows) {
        Map<String, Integer> n = new LinkedHashMap<>();
        rows.forEach((t, ids) -> n.put(t, ids.size()));
        return n;
    }
}
