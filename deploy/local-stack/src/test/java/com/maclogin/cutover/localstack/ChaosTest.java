package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The chaos harness in its reduced CI form: two leases, two rounds of cutovers (one GREEN and one operator rollback
 * per round), two SIGKILLs of random service instances, one broker restart and one PostgreSQL restart. Proves that
 * nothing is lost, nothing is applied or posted twice, and nothing is stuck. {@code ./chaos.sh} runs the full form.
 * Runs first, on its own stack, before the classes of the {@link SharedStack}.
 */
@Order(1)
class ChaosTest {

    @Test
    void cutoversSurviveKilledInstancesAndBrokerAndDatabaseRestartsWithoutLossDuplicatesOrStuckCutovers()
            throws IOException, InterruptedException {
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(1500)
                .withWorkDir(LocalStack.repoRoot().resolve("deploy/local-stack/target/chaos-stack"))
                .withVersions(ChaosHarness.FROM_VERSION, ChaosHarness.CANDIDATES.get(0)).withValidationWindow(Duration.ofSeconds(6));
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            ChaosHarness.Report report = new ChaosHarness(stack, System.out)
                    .run(new ChaosHarness.Options(2, 2, true, true, 42L, Duration.ofMinutes(4)));
            System.out.println(report.markdown());
            assertThat(report.problems()).as(report.markdown()).isEmpty();
            assertThat(report.cutovers()).isEqualTo(4);
            assertThat(report.killed()).hasSize(2);
            assertThat(report.kafkaRestarts()).isEqualTo(1);
            assertThat(report.postgresRestarts()).isEqualTo(1);
            assertThat(report.ok()).isTrue();
            assertThat(report.finalStates().keySet()).as("every cutover ends GREEN or ROLLED_BACK")
                    .containsOnly("GREEN", "ROLLED_BACK");
        }
    }
}
