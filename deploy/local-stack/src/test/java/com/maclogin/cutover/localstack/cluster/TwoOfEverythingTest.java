package com.maclogin.cutover.localstack.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.localstack.Api;
import com.maclogin.cutover.localstack.ChaosHarness;
import com.maclogin.cutover.localstack.DemoRunner;
import com.maclogin.cutover.localstack.LocalStack;
import com.maclogin.cutover.localstack.StackConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 13, point 2: two instances of every service at once, all active (two orchestrators, two rollback-services,
 * two notifiers, two probe workers per region; one database, the same Kafka groups). Round one runs four cutovers
 * (two GREEN, two operator rollbacks) started and rolled back over both orchestrators' APIs and proves the work split
 * (each instance of orchestrator, rollback-service and notifier handled some, read from each instance's own
 * {@code /q/metrics}) and that nothing was done twice (each lease's ledger holds each step once, each chat message is
 * in the Slack and Telegram fakes once). Round two SIGKILLs, mid-cutover, the orchestrator instance handling a
 * cutover, the rollback-service instance handling a rollback while it runs, the notifier instance posting a cutover's
 * messages and the probe worker running a cutover's steps (the one whose log names the cutover most), restarts each,
 * and every cutover still ends correctly (see {@link #assertEnded}) with the lease serving the version that end means,
 * nothing done twice.
 *
 * <p>The lease ids are chosen so the work can split: the range assignor gives one instance the lower half of a
 * topic's partitions and the other the upper half, and the four leases land in both halves. Six partitions
 * ({@code cutover.step-results}, {@code cutover.events}, {@code probe.results}, {@code Topics.BUSY_PARTITIONS}):
 * {@code hk-1} in 2, {@code hk-2} and {@code jp-2} in 3, {@code jp-1} in 5; three ({@code cutover.rollbacks},
 * {@code rollback.step-results}): {@code hk-1}, {@code jp-1} in 2, {@code hk-2}, {@code jp-2} in 0 (Kafka's murmur2
 * of the key). Only with {@code -Dcluster.tests=true} ({@code ./run-cluster-tests.sh}).
 */
@EnabledIfSystemProperty(named = "cluster.tests", matches = "true")
@ResourceLock("cluster-stack")
class TwoOfEverythingTest {

    /** The chaos stack's starting version and two later published ones (see {@link ChaosHarness#FROM_VERSION}). */
    private static final List<String> CANDIDATES = List.of("2026.8.2", "2026.9.1");
    /** Generous: ten service JVMs and two other helpers' stacks on 2 cores took 3.5 minutes to VALIDATING (load 60). */
    private static final Duration CUTOVER_DEADLINE = Duration.ofMinutes(12);
    private static final Set<String> IN_FLIGHT = Set.of("RUNNING", "VALIDATING");
    private static final Set<String> TERMINAL = Set.of("GREEN", "ROLLED_BACK", "ROLLBACK_FAILED", "ABORTED", "FAILED");

    /** A cutover the test drives: on which orchestrator instance it is started, and whether the operator rolls it back. */
    private record Plan(String lease, String ticket, String candidate, boolean rollback, int via) {
    }

    private record Outcome(Plan plan, String id, String state, String versionBefore, String versionAfter) {
    }

    @Test
    void twoInstancesOfEveryServiceSplitTheWorkDoNothingTwiceAndEveryCutoverSurvivesASigkillOfEachKind() throws Exception {
        Path root = LocalStack.repoRoot();
        StackConfig cfg = StackConfig.defaults(root).withPortOffset(400)
                .withWorkDir(root.resolve("deploy/local-stack/target/replicas-stack"))
                .withVersions(ChaosHarness.FROM_VERSION, CANDIDATES.get(0)).withValidationWindow(Duration.ofSeconds(12))
                .withLeasesPerRegion(2).withServiceInstances(2);
        try (LocalStack stack = LocalStack.start(cfg, System.out::println)) {
            assertThat(stack.serviceNames()).containsExactlyInAnyOrder("orchestrator-service", "orchestrator-service-2",
                    "rollback-service", "rollback-service-2", "notifier-service", "notifier-service-2",
                    "probe-service-hk", "probe-service-hk-2", "probe-service-jp", "probe-service-jp-2");
            Map<String, String> ticketToState = new LinkedHashMap<>();

            // ---- round one: no kills; the work splits and nothing is done twice
            List<Plan> one = List.of(
                    new Plan("hk-1", "CHAOS-40-0", CANDIDATES.get(0), true, 1),
                    new Plan("hk-2", "CHAOS-40-1", CANDIDATES.get(0), true, 2),
                    new Plan("jp-1", "CHAOS-40-2", CANDIDATES.get(0), false, 2),
                    new Plan("jp-2", "CHAOS-40-3", CANDIDATES.get(0), false, 1));
            Map<String, String> ids = new ConcurrentHashMap<>();
            List<Outcome> firstRound = runRound(stack, one, ids, null);
            firstRound.forEach(o -> ticketToState.put(o.plan().ticket(), o.state()));
            assertEnded(firstRound);

            Map<String, Double> split = new LinkedHashMap<>();
            for (int i = 1; i <= 2; i++) {
                split.put(LocalStack.instanceName("orchestrator-service", i) + " step results stored",
                        metric(cfg.orchestratorPort(i), "cutover_step_duration_seconds_count", l -> true));
                split.put(LocalStack.instanceName("rollback-service", i) + " rollbacks verified",
                        metric(cfg.rollbackPort(i), "rollback_breach_to_restored_seconds_count", l -> true));
                split.put(LocalStack.instanceName("notifier-service", i) + " chat posts",
                        metric(cfg.notifierPort(i), "notifier_deliveries_total", l -> l.contains("outcome=\"posted\"")));
            }
            for (String w : List.of("probe-service-hk", "probe-service-hk-2", "probe-service-jp", "probe-service-jp-2")) {
                split.put(w + " steps run (log)", (double) countLines(stack, w, "step="));
            }
            System.out.println("[replicas] work split after round one: " + split);
            split.forEach((what, n) -> {
                if (!what.startsWith("probe-service")) {
                    // the workers' split is the sticky assignor's choice of partitions for two leases a region: shown,
                    // not asserted; the services' is the range assignor's over the chosen lease ids
                    assertThat(n).as("the work splits: %s (all: %s)", what, split).isPositive();
                }
            });
            ChaosHarness.OnceReport once = new ChaosHarness(stack, System.out).checkOnce(ticketToState);
            assertThat(once.problems()).as("round one, nothing done twice or missing").isEmpty();

            // ---- round two: SIGKILL one instance of each kind mid-cutover; each is started again
            List<Plan> two = List.of(
                    new Plan("hk-1", "CHAOS-41-0", CANDIDATES.get(1), false, 2),
                    new Plan("hk-2", "CHAOS-41-1", CANDIDATES.get(1), true, 1),
                    new Plan("jp-1", "CHAOS-41-2", CANDIDATES.get(1), false, 1),
                    new Plan("jp-2", "CHAOS-41-3", CANDIDATES.get(1), true, 2));
            Map<String, String> ids2 = new ConcurrentHashMap<>();
            List<String> killed = new ArrayList<>();
            List<Outcome> secondRound = runRound(stack, two, ids2, () -> killOneOfEach(stack, ids2, killed));
            secondRound.forEach(o -> ticketToState.put(o.plan().ticket(), o.state()));
            System.out.println("[replicas] SIGKILLed mid-cutover: " + killed);
            assertThat(killed).as("one orchestrator, one rollback-service, one notifier, one worker").hasSize(4);
            assertEnded(secondRound);
            ChaosHarness.OnceReport after = new ChaosHarness(stack, System.out).checkOnce(ticketToState);
            System.out.printf("[replicas] %d cutovers: steps applied twice %d, chat messages posted twice %d, missing %d%n",
                    ticketToState.size(), after.duplicateSteps(), after.duplicateMessages(), after.missingMessages());
            assertThat(after.problems()).as("both rounds, nothing done twice or missing").isEmpty();
            for (String name : stack.serviceNames()) {
                assertThat(stack.process(name).isAlive()).as("%s runs again", name).isTrue();
            }
        }
    }

    /**
     * Every cutover ended correctly: an operator rollback ROLLED_BACK; any other GREEN, or ROLLED_BACK on the product's
     * own verdict (on a loaded machine a window can be blind: too few probe samples, which rolls back by design); the
     * lease serves what that end means (the candidate after GREEN, the version before after ROLLED_BACK).
     */
    private static void assertEnded(List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            String what = "cutover " + o.id() + " of " + o.plan().lease() + " (" + o.plan().ticket() + ")";
            if (o.plan().rollback()) {
                assertThat(o.state()).as(what).isEqualTo("ROLLED_BACK");
            } else {
                assertThat(o.state()).as(what).isIn("GREEN", "ROLLED_BACK");
            }
            assertThat(o.versionAfter()).as("%s serves after %s", o.plan().lease(), o.state())
                    .isEqualTo("GREEN".equals(o.state()) ? o.plan().candidate() : o.versionBefore());
        }
    }

    private interface Chaos {
        void run() throws Exception;
    }

    /** Starts the round's cutovers at once (each on its own thread), runs {@code chaos} meanwhile, waits for the ends. */
    private static List<Outcome> runRound(LocalStack stack, List<Plan> plans, Map<String, String> ids, Chaos chaos)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(plans.size());
        try {
            List<Future<Outcome>> running = new ArrayList<>();
            for (Plan p : plans) {
                running.add(pool.submit(() -> drive(stack, p, ids)));
            }
            if (chaos != null) {
                chaos.run();
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : running) {
                outcomes.add(f.get());
            }
            System.out.println("[replicas] round: " + outcomes.stream()
                    .map(o -> o.plan().lease() + " " + o.state() + " (" + o.versionBefore() + " -> " + o.versionAfter() + ")")
                    .toList());
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One cutover over the API of orchestrator instance {@code via} (the other when that one is down), with an
     * Idempotency-Key so a retry after a lost answer starts nothing twice; an operator rollback, asked for at
     * VALIDATING, goes to the other instance.
     */
    private static Outcome drive(LocalStack stack, Plan p, Map<String, String> ids) throws Exception {
        int index = stack.config().leaseIds().indexOf(p.lease());
        String before = servedVersion(stack, index);
        Map<String, Object> body = DemoRunner.demoRequest(p.lease(), p.candidate());
        body.put("ticketId", p.ticket());
        long end = System.nanoTime() + CUTOVER_DEADLINE.toNanos();
        String id = null;
        int via = p.via();
        while (id == null && System.nanoTime() < end) {
            try {
                Api.Reply r = stack.orchestrator(via).postIdempotent("/api/v1/cutovers", body, p.ticket());
                if (r.status() == 201 || r.status() == 200) {
                    id = r.body().path("id").asText();
                } else if (r.status() == 409) {
                    Thread.sleep(1000); // the lease's previous cutover is still finishing
                } else {
                    throw new IOException("start of " + p.ticket() + " refused: " + r.status() + " " + r.body());
                }
            } catch (IOException down) {
                via = 3 - via; // that instance is down: the other one
                Thread.sleep(300);
            }
        }
        if (id == null) {
            return new Outcome(p, "?", "NOT_STARTED", before, before);
        }
        ids.put(p.lease(), id);
        boolean asked = false;
        String state = "PENDING";
        int reader = via;
        while (System.nanoTime() < end) {
            try {
                JsonNode c = stack.orchestrator(reader).get("/api/v1/cutovers/" + id).body();
                state = c.path("state").asText(state);
                if (TERMINAL.contains(state)) {
                    break;
                }
                if (p.rollback() && !asked && "VALIDATING".equals(state)) {
                    Map<String, String> ask = Map.of("requestedBy", "replicas", "reason", "two of everything: operator rollback");
                    Api.Reply r;
                    try {
                        r = stack.orchestrator(3 - reader).post("/api/v1/cutovers/" + id + "/rollback", ask);
                    } catch (IOException otherDown) {
                        r = stack.orchestrator(reader).post("/api/v1/cutovers/" + id + "/rollback", ask);
                    }
                    asked = r.status() / 100 == 2;
                }
            } catch (IOException down) {
                reader = 3 - reader;
            }
            Thread.sleep(300);
        }
        String after = servedVersion(stack, index);
        return new Outcome(p, id, state, before, after);
    }

    /**
     * Round two's kills, each once, when its moment comes: the orchestrator instance that handles hk-1's cutover once
     * it runs; the rollback-service instance handling hk-2's rollback while it rolls back; the probe worker running
     * jp-1's steps once it runs; the notifier instance posting jp-2's messages once it validates. Each killed instance
     * is started again two seconds later (on a thread of its own; its readiness awaited before the test ends).
     */
    private static void killOneOfEach(LocalStack stack, Map<String, String> ids, List<String> killed) throws Exception {
        record Kill(String lease, Set<String> when, String service) {
        }
        List<Kill> todo = new ArrayList<>(List.of(
                new Kill("hk-1", IN_FLIGHT, "orchestrator-service"),
                new Kill("hk-2", Set.of("ROLLING_BACK"), "rollback-service"),
                new Kill("jp-1", IN_FLIGHT, "probe-service-jp"),
                new Kill("jp-2", Set.of("VALIDATING", "ROLLING_BACK"), "notifier-service")));
        ExecutorService restarts = Executors.newFixedThreadPool(4);
        List<Future<?>> back = new ArrayList<>();
        long end = System.nanoTime() + CUTOVER_DEADLINE.toNanos();
        try {
            while (!todo.isEmpty() && System.nanoTime() < end) {
                for (Kill k : List.copyOf(todo)) {
                    String id = ids.get(k.lease());
                    if (id == null) {
                        continue;
                    }
                    String state = state(stack, id);
                    if (k.when().contains(state)) {
                        String victim = busiestInstance(stack, k.service(), id);
                        System.out.printf("[replicas] %s %s: SIGKILL %s%n", k.lease(), state, victim);
                        stack.kill(victim);
                        killed.add(victim + " (" + k.lease() + " " + state + ")");
                        todo.remove(k);
                        back.add(restarts.submit(() -> {
                            Thread.sleep(2000);
                            stack.restart(victim);
                            System.out.printf("[replicas] %s started again%n", victim);
                            return null;
                        }));
                    } else if (TERMINAL.contains(state)) {
                        System.out.printf("[replicas] %s ended %s before its kill of %s%n", k.lease(), state, k.service());
                        todo.remove(k);
                    }
                }
                Thread.sleep(150);
            }
            for (Future<?> f : back) {
                f.get();
            }
        } finally {
            restarts.shutdownNow();
        }
    }

    /** The version a lease's gateway serves ({@code /startupz}), asked again while it is restarting. */
    private static String servedVersion(LocalStack stack, int index) throws InterruptedException {
        for (int i = 0; ; i++) {
            try {
                String v = stack.gatewayStartupz(index).path("version").asText("");
                if (!v.isEmpty() || i >= 20) {
                    return v;
                }
            } catch (IOException restarting) {
                if (i >= 20) {
                    return "unreachable: " + restarting.getMessage();
                }
            }
            Thread.sleep(500);
        }
    }

    /** A cutover's state from whichever orchestrator answers ("?" when neither does right now). */
    private static String state(LocalStack stack, String id) {
        for (int i = 1; i <= 2; i++) {
            try {
                Api.Reply r = stack.orchestrator(i).get("/api/v1/cutovers/" + id);
                if (r.status() == 200) {
                    return r.body().path("state").asText("?");
                }
            } catch (IOException down) {
                // the other one
            }
        }
        return "?";
    }

    /** Of a service's two instances, the one whose log names the cutover most: the one doing its work. */
    private static String busiestInstance(LocalStack stack, String service, String cutoverId) {
        String first = LocalStack.instanceName(service, 1);
        String second = LocalStack.instanceName(service, 2);
        return countLines(stack, first, cutoverId) > countLines(stack, second, cutoverId) ? first : second;
    }

    private static long countLines(LocalStack stack, String process, String needle) {
        Path log = stack.config().workDir().resolve("logs").resolve(process + ".log");
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(needle)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Sum of a metric's samples (lines {@code name{...} value} that {@code filter} accepts) on one instance. */
    private static double metric(int port, String name, Predicate<String> filter) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/metrics")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && filter.test(line)) {
                // the sample's value: the first token after the labels; an OpenMetrics exemplar (" # {trace_id=...}
                // value timestamp") may follow it
                String sample = line.contains(" # ") ? line.substring(0, line.indexOf(" # ")) : line;
                sum += Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1).trim());
            }
        }
        return sum;
    }
}
