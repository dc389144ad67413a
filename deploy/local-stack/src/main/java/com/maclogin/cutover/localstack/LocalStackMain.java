package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's main command: starts the local stack, runs one demo cutover (or, with {@code --rollback}, a cutover
 * rolled back by its operator during validation), prints the outcome and the chat messages, and exits 0 when the
 * cutover ends as expected. {@code --cluster} runs it on a three-broker Kafka cluster instead of one broker,
 * {@code --replicas} with two instances of every service, {@code --postgres-standby} with a PostgreSQL standby,
 * {@code --outgrown} with all three; {@code --keep-running} leaves the stack up afterwards until Ctrl-C.
 *
 * <p>The terminal shows only the stack's and the cutover's progress: every child process writes to its own file in
 * {@code .local/logs/}, and this JVM's own library logging (embedded PostgreSQL's server output, the Kafka admin
 * client's INFO lines, both through slf4j-simple, which would print to stderr by default) goes to
 * {@code .local/logs/local-stack.log}. At the end it prints the dashboard URL and the tokens file.
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean rollback = false;
        boolean fleet = false;
        boolean keep = false;
        boolean standby = false;
        boolean cluster = false;
        boolean replicas = false;
        for (String a : args) {
            switch (a) {
                case "--rollback" -> rollback = true;
                case "--fleet" -> fleet = true;
                case "--keep-running" -> keep = true;
                case "--postgres-standby" -> standby = true;
                case "--cluster" -> cluster = true;
                case "--replicas" -> replicas = true;
                case "--outgrown" -> {
                    cluster = true;
                    replicas = true;
                    standby = true;
                }
                case "-h", "--help" -> {
                    System.out.println("usage: run-demo.sh [--rollback | --fleet] [--cluster] [--replicas] [--postgres-standby] [--outgrown] [--keep-running]\n"
                            + "  --cluster           three Kafka brokers (replication 3, min.insync.replicas 2)\n"
                            + "  --replicas          two instances of every service and two workers per region\n"
                            + "  --postgres-standby  PostgreSQL primary + synchronous streaming standby\n"
                            + "  --outgrown          all three");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + a + " (try --help)");
                    System.exit(2);
                }
            }
        }
        StackConfig cfg = StackConfig.defaults(LocalStack.repoRoot()).withPostgresStandby(standby);
        if (fleet) {
            cfg = FleetDemo.config(cfg);
        }
        if (cluster) {
            cfg = cfg.withKafkaBrokers(3); // a three-broker KRaft cluster: RF 3, min.insync.replicas 2
        }
        if (replicas) {
            cfg = cfg.withServiceInstances(2); // every service twice, all active; two workers per region
        }
        Path harnessLog = logLibrariesTo(cfg.workDir().resolve("logs"));
        System.out.println("== OpenClaw cutover control plane: local stack ==");
        System.out.println("   work dir " + cfg.workDir() + " (every service's, the broker's and PostgreSQL's output: "
                + harnessLog.getParent() + ")");
        int rc;
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
            rc = fleet ? FleetDemo.run(stack, System.out) : runDemo(stack, rollback);
            System.out.println();
            System.out.println("Dashboard (orchestrator): " + stack.orchestratorUrl());
            System.out.println("Tokens:                   " + stack.tokensFile()
                    + "  (source it: OPERATOR_TOKEN, VIEWER_TOKEN, ADMIN_TOKEN, ORCHESTRATOR_URL)");
            System.out.println("Worker SSH keys:          " + cfg.workDir().resolve(LocalStack.KEYS_DIR)
                    + "  (kept across runs; see README)");
            if (keep) {
                System.out.println("Stack is running. Ctrl-C stops it.");
                Thread.currentThread().join();
            } else {
                System.out.println("The stack stops now (--keep-running leaves it up for the README's curl commands).");
            }
        } catch (IOException e) {
            System.err.println("local stack failed: " + e.getMessage());
            rc = 1;
        }
        System.exit(rc);
    }

    /**
     * Sends this JVM's slf4j-simple output to {@code logs/local-stack.log} instead of stderr. Must run before the first
     * logger exists (slf4j-simple reads its configuration once); returns the file.
     */
    static Path logLibrariesTo(Path logs) throws IOException {
        Files.createDirectories(logs);
        Path file = logs.resolve(LocalStack.HARNESS_LOG);
        System.setProperty("org.slf4j.simpleLogger.logFile", file.toString());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSS");
        return file;
    }

    /**
     * The continuous watch's view of every lease (issue 12): {@code GET /api/v1/leases}, one line each, once the watch
     * has reported on {@code lease} from a round after {@code after} (the cutover's end: during it the restart drill
     * takes the gateway down on purpose), at most two watch intervals and a roll-up minute later.
     */
    static void printLeaseHealth(LocalStack stack, String lease, java.time.Instant after) {
        try {
            System.out.println();
            System.out.println("Lease health (continuous watch, every " + LocalStack.WATCH_INTERVAL.toSeconds()
                    + " s; GET /api/v1/leases/{id}/health for the last hour's roll-ups):");
            long deadline = System.nanoTime() + LocalStack.WATCH_INTERVAL.multipliedBy(2).plusSeconds(65).toNanos();
            while (after != null && System.nanoTime() < deadline) {
                JsonNode h = stack.orchestrator().get("/api/v1/leases/" + lease).body().path("health");
                if (h.hasNonNull("observedAt") && java.time.Instant.parse(h.path("observedAt").asText()).isAfter(after)) {
                    break;
                }
                Thread.sleep(1000);
            }
            JsonNode leases = stack.orchestrator().get("/api/v1/leases").body();
            for (JsonNode l : leases.isArray() ? leases : leases.path("items")) {
                JsonNode h = l.path("health");
                System.out.printf("  %-6s %-11s since %-28s %s%n", l.path("id").asText(), h.path("state").asText("?"),
                        h.path("since").asText("-"), h.path("reason").asText(""));
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("  (lease health not available: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int runDemo(LocalStack stack, boolean rollback) throws IOException {
        StackConfig cfg = stack.config();
        String lease = stack.leases().get(0).path("id").asText();
        System.out.println();
        System.out.printf("== Demo %s: lease %s, %s -> %s, validation window %ds ==%n", rollback ? "ROLLBACK" : "cutover",
                lease, cfg.fromVersion(), cfg.toVersion(), cfg.validationWindow().toSeconds());
        DemoRunner demo = new DemoRunner(stack, System.out);
        String id = demo.start(lease, cfg.toVersion());
        JsonNode end = demo.follow(id, rollback ? "VALIDATING" : null, Duration.ofMinutes(5));
        JsonNode served = stack.gatewayStartupz(0);
        System.out.println();
        System.out.println("Final state: " + end.path("state").asText()
                + (end.hasNonNull("reason") ? "  (" + end.path("reason").asText() + ")" : ""));
        System.out.println("Gateway on " + lease + " now serves version " + served.path("version").asText("?"));
        demo.printChat(end.path("state").asText(), Duration.ofSeconds(20));
        printLeaseHealth(stack, lease, end.hasNonNull("endedAt") ? java.time.Instant.parse(end.path("endedAt").asText()) : null);
        String expected = rollback ? "ROLLED_BACK" : "GREEN";
        String expectedVersion = rollback ? cfg.fromVersion() : cfg.toVersion();
        boolean ok = expected.equals(end.path("state").asText()) && expectedVersion.equals(served.path("version").asText());
        System.out.println(ok ? "DEMO PASSED: " + expected + ", serving " + expectedVersion
                : "DEMO FAILED: expected " + expected + " serving " + expectedVersion);
        return ok ? 0 : 1;
    }
}
