package com.maclogin.cutover.localstack;

import java.time.Duration;

/**
 * The full chaos run ({@code ./chaos.sh [rounds] [kills] [rebalances]}): four leases in two regions, two probe workers
 * per region, SIGKILLs of random service instances, forced rebalances, one broker restart, one PostgreSQL restart; prints the report and writes it to docs/benchmarks.md.
 * Exits 1 when anything was lost, duplicated or stuck.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rebalances = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPortOffset(3000)
                .withWorkDir(LocalStack.repoRoot().resolve(".local-chaos")).withLeasesPerRegion(2)
                .withVersions(ChaosHarness.FROM_VERSION, ChaosHarness.CANDIDATES.get(0)).withValidationWindow(Duration.ofSeconds(8));
        ChaosHarness.Report report;
        ChaosHarness.OrchestratorDownReport down = null;
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            ChaosHarness harness = new ChaosHarness(stack, System.out);
            report = harness.run(new ChaosHarness.Options(rounds, kills, true, true,
                    System.currentTimeMillis(), Duration.ofMinutes(4), 2, rebalances));
            if (rounds < ChaosHarness.CANDIDATES.size()) {
                down = harness.orchestratorDeadDuringBreachRollback(cfg.leaseIds().get(0),
                        ChaosHarness.CANDIDATES.get(rounds), Duration.ofMinutes(4));
                System.out.println(down.markdown());
                down.problems().forEach(p -> System.out.println("problem: " + p));
            }
        }
        System.out.println(report.markdown());
        report.problems().forEach(p -> System.out.println("problem: " + p));
        BenchmarkReport.writeSection(LocalStack.repoRoot().resolve("docs/benchmarks.md"), "Chaos run (invariants under kill -9)",
                "`./chaos.sh " + rounds + " " + kills + " " + rebalances + "`: " + cfg.leaseIds().size() + " leases in "
                        + cfg.regions() + ", two probe workers per region, cutovers alternate GREEN and operator "
                        + "rollback; random service instances SIGKILLed and restarted, the step topics rebalanced by "
                        + "stopping or SIGKILLing one of a region's workers and starting it again, the broker and "
                        + "PostgreSQL restarted once each.\n\n" + report.markdown()
                        + (report.problems().isEmpty() ? "" : "\nProblems:\n\n- " + String.join("\n- ", report.problems()))
                        + (down == null ? "" : "\nThen rollback with no living orchestrator (the one that started the cutover "
                                + "SIGKILLed at VALIDATING and kept dead, the candidate crash-looping):\n\n" + down.markdown()
                                + (down.ok() ? "" : "\nProblems:\n\n- " + String.join("\n- ", down.problems()))));
        System.exit(report.ok() && (down == null || down.ok()) ? 0 : 1);
    }
}
