package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The chaos harness in its reduced CI form: two leases, two probe workers per region, two rounds of cutovers (one
 * GREEN and one operator rollback per round), two SIGKILLs of random service instances, two forced rebalances of the
 * step topics (a worker stopped, a worker SIGKILLed, each started again), one broker restart and one PostgreSQL
 * restart. Proves that
 * nothing is lost, nothing is applied or posted twice, and nothing is stuck; then kills the orchestrator during a
 * cutover's validation and crash-loops the candidate: rollback-service must roll the lease back on the worker's breach
 * alone, and the restarted orchestrator must catch up to ROLLED_BACK. {@code ./chaos.sh} runs the full form.
 * Runs on its own stack (own ports and work dir), at the same time as the classes of the {@link SharedStack}
 * (junit-platform.properties: classes run concurrently).
 */
@Order(1)
class ChaosTest {

    @Test
    void cutoversSurviveKilledInstancesRebalancesAndRestartsWithoutLossDuplicatesOrStuckAndRollbackNeedsNoLivingOrchestrator()
            throws IOException, InterruptedException {
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(1500)
                .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/chaos-stack"))
                .withVersions(ChaosHarness.FROM_VERSION, ChaosHarness.CANDIDATES.get(0)).withValidationWindow(Duration.ofSeconds(6));
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            ChaosHarness.Report report = new ChaosHarness(stack, System.out)
                    .run(new ChaosHarness.Options(2, 2, true, true, 42L, Duration.ofMinutes(4), 2, 2));
            System.out.println(report.markdown());
            assertThat(report.problems()).as(report.markdown()).isEmpty();
            assertThat(report.cutovers()).isEqualTo(4);
            assertThat(report.killed()).hasSize(2);
            assertThat(report.workersPerRegion()).isEqualTo(2);
            assertThat(report.rebalances()).hasSize(2);
            assertThat(report.duplicateSteps()).as("steps applied twice").isZero();
            assertThat(report.stuck()).as("stuck cutovers").isZero();
            assertThat(report.kafkaRestarts()).isEqualTo(1);
            assertThat(report.postgresRestarts()).isEqualTo(1);
            assertThat(report.ok()).isTrue();
            assertThat(report.finalStates().keySet()).as("every cutover ends GREEN or ROLLED_BACK")
                    .containsOnly("GREEN", "ROLLED_BACK");

            // invariant: rollback still happens when the orchestrator that started the cutover is dead
            ChaosHarness.OrchestratorDownReport down = new ChaosHarness(stack, System.out).orchestratorDeadDuringBreachRollback(
                    stack.config().leaseIds().get(0), ChaosHarness.CANDIDATES.get(2), Duration.ofMinutes(4));
            System.out.println(down.markdown());
            assertThat(down.problems()).as(down.markdown()).isEmpty();
            assertThat(down.rollbackWhileDown()).isEqualTo("ROLLED_BACK");
            assertThat(down.requestedBy()).isEqualTo("trigger:CRASH_LOOP");
            assertThat(down.orchestratorAfterRestart()).isEqualTo("ROLLED_BACK");
        }
    }
}
