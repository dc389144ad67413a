package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs many cutovers on the local stack while killing service instances with SIGKILL at random points and
 * restarting the Kafka broker and PostgreSQL, then checks the invariants from the outside: every cutover reached a
 * terminal state within its deadline, no step was applied twice on a lease (the worker's ledger on each lease has
 * each idempotency key once), no chat message was posted twice and none is missing. With two probe workers per region
 * it also forces rebalances of the step topics (a worker stopped or SIGKILLed and started again while steps run):
 * a step that may be running on a worker that lost its partition must not be applied again by the new owner.
 */
public final class ChaosHarness {

    /**
     * @param rounds          rounds; each starts one cutover per lease at the same time
     * @param kills           SIGKILLs of random service instances, spread over the rounds
     * @param restartKafka    restart the broker once (in the second round)
     * @param restartPostgres restart PostgreSQL once (in the third round, or the last)
     * @param workersPerRegion 1, or 2: a second probe worker per region joins the region's consumer group first
     * @param rebalances      forced rebalances of the step topics, spread over the rounds (with two workers per
     *                        region): a region's worker is stopped (SIGTERM: it leaves the group) or SIGKILLed (the
     *                        group notices at the session timeout), and started again (it joins again)
     */
    public record Options(int rounds, int kills, boolean restartKafka, boolean restartPostgres, long seed,
            Duration cutoverDeadline, int workersPerRegion, int rebalances) {

        public Options(int rounds, int kills, boolean restartKafka, boolean restartPostgres, long seed,
                Duration cutoverDeadline) {
            this(rounds, kills, restartKafka, restartPostgres, seed, cutoverDeadline, 1, 0);
        }
    }

    /** What the run found. {@link #ok()} when nothing was lost, duplicated or stuck. */
    public record Report(int cutovers, Map<String, Integer> finalStates, List<String> killed, int kafkaRestarts,
            int postgresRestarts, int duplicateSteps, int duplicateMessages, int missingMessages, int stuck,
            List<String> problems, long seconds, int workersPerRegion, List<String> rebalances,
            Map<String, Integer> workerLog) {

        public boolean ok() {
            return duplicateSteps == 0 && duplicateMessages == 0 && missingMessages == 0 && stuck == 0;
        }

        public String markdown() {
            return String.format("| cutovers | final states | workers per region | service kills (SIGKILL) | "
                    + "forced rebalances | broker restarts | PostgreSQL restarts | "
                    + "steps applied twice | messages posted twice | messages missing | stuck | wall time |%n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|%n"
                    + "| %d | %s | %d | %d (%s) | %d (%s) | %d | %d | %d | %d | %d | %d | %d s |%n",
                    cutovers, finalStates, workersPerRegion, killed.size(), String.join(", ", killed),
                    rebalances.size(), String.join(", ", rebalances), kafkaRestarts, postgresRestarts,
                    duplicateSteps, duplicateMessages, missingMessages, stuck, seconds)
                    + (workerLog.isEmpty() ? "" : String.format("%nFrom the probe workers' logs: %s%n", workerLog));
        }
    }

    /** Published OpenClaw versions after the chaos stack's starting version, one per round (the lease only moves up). */
    public static final String FROM_VERSION = "2026.8.1";
    public static final List<String> CANDIDATES = List.of("2026.8.2", "2026.9.1", "2026.9.2", "2026.9.3", "2026.9.5", "2026.9.6");

    private static final Pattern TICKET = Pattern.compile("(CHAOS-\\d+-\\d+)");

    private final LocalStack stack;
    private final PrintStream out;

    public ChaosHarness(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    public Report run(Options o) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Random random = new Random(o.seed());
        List<String> leases = stack.config().leaseIds();
        List<String> killed = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> finalStates = new LinkedHashMap<>();
        Map<String, String> ticketToState = new HashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        int kafkaRestarts = 0;
        int pgRestarts = 0;
        int stuck = 0;
        int killsLeft = o.kills();
        List<String> rebalances = new ArrayList<>();
        int rebalancesLeft = o.workersPerRegion() >= 2 ? o.rebalances() : 0;
        List<String> regions = stack.config().regions();
        if (o.workersPerRegion() >= 2) {
            for (String region : regions) {
                out.printf("[chaos] a second worker for %s: %s%n", region, stack.startSecondWorker(region));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(leases.size() + 1);
        try {
            for (int round = 0; round < o.rounds(); round++) {
                if (round >= CANDIDATES.size()) {
                    throw new IllegalArgumentException("at most " + CANDIDATES.size() + " rounds (published versions)");
                }
                String candidate = CANDIDATES.get(round);
                List<Future<String[]>> running = new ArrayList<>();
                for (int i = 0; i < leases.size(); i++) {
                    String lease = leases.get(i);
                    String ticket = "CHAOS-" + round + "-" + i;
                    boolean rollback = (round + i) % 2 == 1;
                    running.add(pool.submit(() -> runOne(lease, ticket, candidate, rollback, o.cutoverDeadline())));
                }
                int killsThisRound = round == o.rounds() - 1 ? killsLeft : Math.min(killsLeft,
                        (int) Math.ceil((double) o.kills() / o.rounds()));
                for (int k = 0; k < killsThisRound; k++) {
                    Thread.sleep(1000 + random.nextInt(6000));
                    List<String> names = stack.serviceNames();
                    String victim = names.get(random.nextInt(names.size()));
                    out.printf("[chaos] round %d: SIGKILL %s%n", round, victim);
                    stack.kill(victim);
                    killed.add(victim);
                    Thread.sleep(500 + random.nextInt(2000));
                    stack.restart(victim);
                    out.printf("[chaos] round %d: %s restarted%n", round, victim);
                }
                killsLeft -= killsThisRound;
                int rebalancesThisRound = round == o.rounds() - 1 ? rebalancesLeft : Math.min(rebalancesLeft,
                        (int) Math.ceil((double) o.rebalances() / o.rounds()));
                for (int k = 0; k < rebalancesThisRound; k++) {
                    Thread.sleep(1000 + random.nextInt(4000));
                    int n = rebalances.size();
                    String region = regions.get(n % regions.size());
                    // alternately the first worker leaves (SIGTERM) and the second crashes (SIGKILL); both come back
                    boolean graceful = n % 2 == 0;
                    String victim = graceful ? "probe-service-" + region : "probe-service-" + region + "-2";
                    out.printf("[chaos] round %d: rebalance: %s %s%n", round, graceful ? "stop" : "SIGKILL", victim);
                    if (graceful) {
                        stack.process(victim).stop(Duration.ofSeconds(20));
                    } else {
                        stack.kill(victim);
                    }
                    Thread.sleep(1000 + random.nextInt(3000));
                    stack.restart(victim);
                    rebalances.add((graceful ? "stop/start " : "SIGKILL/start ") + victim);
                    out.printf("[chaos] round %d: %s back%n", round, victim);
                }
                rebalancesLeft -= rebalancesThisRound;
                if (o.restartKafka() && round == Math.min(1, o.rounds() - 1)) {
                    Thread.sleep(1000 + random.nextInt(3000));
                    out.printf("[chaos] round %d: restarting the Kafka broker%n", round);
                    stack.process("kafka").stop(Duration.ofSeconds(20));
                    Thread.sleep(1500);
                    stack.restart("kafka");
                    kafkaRestarts++;
                }
                if (o.restartPostgres() && round == Math.min(2, o.rounds() - 1)) {
                    Thread.sleep(1000 + random.nextInt(3000));
                    out.printf("[chaos] round %d: restarting PostgreSQL%n", round);
                    stack.restartPostgres(Duration.ofSeconds(2));
                    pgRestarts++;
                }
                for (Future<String[]> f : running) {
                    String[] r;
                    try {
                        r = f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        problems.add("driver failed: " + e.getCause());
                        stuck++;
                        continue;
                    }
                    finalStates.put(r[0], r[2]);
                    ticketToState.put(r[1], r[2]);
                    if (!DemoRunner.TERMINAL.contains(r[2])) {
                        stuck++;
                        problems.add("cutover " + r[0] + " (" + r[1] + ") still " + r[2] + " after its deadline");
                    }
                }
                out.printf("[chaos] round %d done: %s%n", round, finalStates.values());
            }
        } finally {
            pool.shutdownNow();
        }
        int dupSteps = duplicateLedgerKeys(problems);
        int[] msgs = checkMessages(ticketToState, problems);
        Map<String, Integer> counts = new TreeMap<>();
        finalStates.values().forEach(s -> counts.merge(s, 1, Integer::sum));
        return new Report(finalStates.size(), counts, List.copyOf(killed), kafkaRestarts, pgRestarts, dupSteps, msgs[0], msgs[1],
                stuck, List.copyOf(problems), (System.nanoTime() - t0) / 1_000_000_000L, Math.max(1,
                        Math.min(2, o.workersPerRegion())), List.copyOf(rebalances), workerLog());
    }

    /**
     * What {@link #orchestratorDeadDuringBreachRollback} saw: the rollback-service's verdict while the orchestrator was
     * dead, the version the lease served then, and the state the restarted orchestrator caught up to.
     */
    public record OrchestratorDownReport(String cutoverId, String lease, String candidate, String rollbackWhileDown,
            String requestedBy, String servedWhileDown, String orchestratorAfterRestart, long rollbackSeconds,
            List<String> problems) {

        public boolean ok() {
            return problems.isEmpty();
        }

        public String markdown() {
            return String.format("| scenario | lease | rollback (orchestrator dead) | started by | served while dead | "
                    + "orchestrator after restart | breach -> rolled back |%n|---|---|---|---|---|---|---|%n"
                    + "| orchestrator SIGKILLed at VALIDATING, crash loop injected | %s | %s | %s | %s | %s | %d s |%n",
                    lease, rollbackWhileDown, requestedBy, servedWhileDown, orchestratorAfterRestart, rollbackSeconds);
        }
    }

    /**
     * Rollback does not need the orchestrator: a cutover of {@code lease} to {@code candidate} reaches VALIDATING, the
     * orchestrator that started it is SIGKILLed and stays dead, and the candidate crash-loops (fault switch). The
     * worker's breach must reach rollback-service directly, which restores the lease and verifies it while the
     * orchestrator is still dead; restarted, the orchestrator catches up to ROLLED_BACK from the events.
     */
    public OrchestratorDownReport orchestratorDeadDuringBreachRollback(String lease, String candidate, Duration deadline)
            throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        String previous = stack.gatewayStartupz(stack.config().leaseIds().indexOf(lease)).path("version").asText();
        Map<String, Object> body = DemoRunner.demoRequest(lease, candidate);
        body.put("ticketId", "CHAOS-ORCH-DOWN");
        Api.Reply started = stack.orchestrator().post("/api/v1/cutovers", body);
        if (started.status() != 201) {
            throw new IOException("start refused: " + started.status() + " " + started.body());
        }
        String id = started.body().path("id").asText();
        long end = System.nanoTime() + deadline.toNanos();
        String state = "PENDING";
        while (!"VALIDATING".equals(state) && !DemoRunner.TERMINAL.contains(state) && System.nanoTime() < end) {
            state = stack.orchestrator().get("/api/v1/cutovers/" + id).body().path("state").asText(state);
            Thread.sleep(200);
        }
        if (!"VALIDATING".equals(state)) {
            problems.add("cutover " + id + " never reached VALIDATING (" + state + ")");
            return new OrchestratorDownReport(id, lease, candidate, "-", "-", "-", state, 0, problems);
        }
        out.printf("[chaos] %s VALIDATING: SIGKILL orchestrator-service and crash-loop the candidate%n", lease);
        stack.kill("orchestrator-service");
        stack.simulator().patch("/v1/leases/" + lease + "/fault-switches", "{\"envFile\":\"INVALID\"}");
        long t0 = System.nanoTime();
        String rb = "NONE";
        String requestedBy = "-";
        boolean cleared = false;
        while (System.nanoTime() < end) {
            Api.Reply r = stack.rollbackService().get("/api/v1/rollbacks/" + id);
            if (r.status() == 200) {
                rb = r.body().path("state").asText();
                requestedBy = r.body().path("requestedBy").asText();
                if (!cleared) {
                    // the fault belongs to the candidate: the restored old version must start normally
                    stack.simulator().delete("/v1/leases/" + lease + "/fault-switches");
                    cleared = true;
                }
                if ("ROLLED_BACK".equals(rb) || "ROLLBACK_FAILED".equals(rb)) {
                    break;
                }
            }
            Thread.sleep(300);
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        if (!cleared) {
            stack.simulator().delete("/v1/leases/" + lease + "/fault-switches");
        }
        String served = stack.gatewayStartupz(stack.config().leaseIds().indexOf(lease)).path("version").asText();
        boolean orchestratorStillDead = !stack.process("orchestrator-service").isAlive();
        out.printf("[chaos] rollback with the orchestrator dead: %s (%s) in %d s; %s serves %s%n", rb, requestedBy,
                seconds, lease, served);
        if (!"ROLLED_BACK".equals(rb)) {
            problems.add("rollback-service did not roll back " + id + " while the orchestrator was dead: " + rb);
        }
        if (!requestedBy.startsWith("trigger:")) {
            problems.add("the rollback was not started by the breach: " + requestedBy);
        }
        if (!previous.equals(served)) {
            problems.add(lease + " serves " + served + " after the rollback, not " + previous);
        }
        if (!orchestratorStillDead) {
            problems.add("the orchestrator was alive during the rollback: the scenario proves nothing");
        }
        stack.restart("orchestrator-service");
        String after = "?";
        while (System.nanoTime() < end) {
            try {
                after = stack.orchestrator().get("/api/v1/cutovers/" + id).body().path("state").asText(after);
                if (DemoRunner.TERMINAL.contains(after)) {
                    break;
                }
            } catch (IOException e) {
                // still starting
            }
            Thread.sleep(300);
        }
        if (!"ROLLED_BACK".equals(after)) {
            problems.add("the restarted orchestrator shows " + after + " for " + id + ", not ROLLED_BACK");
        }
        return new OrchestratorDownReport(id, lease, candidate, rb, requestedBy, served, after, seconds,
                List.copyOf(problems));
    }

    /**
     * Starts a cutover of {@code lease} to {@code candidate} under {@code ticket} (also its Idempotency-Key), retrying
     * while the lease's previous cutover finishes (409) or the orchestrator is down (killed), until {@code endNanos}
     * ({@link System#nanoTime()}); returns its id, or null if it never started. Another refusal is an IOException.
     */
    public static String startCutover(LocalStack stack, String lease, String candidate, String ticket, long endNanos)
            throws IOException, InterruptedException {
        Map<String, Object> body = DemoRunner.demoRequest(lease, candidate);
        body.put("ticketId", ticket);
        while (System.nanoTime() < endNanos) {
            Api.Reply r;
            try {
                r = stack.orchestrator().postIdempotent("/api/v1/cutovers", body, ticket);
            } catch (IOException e) {
                Thread.sleep(500); // orchestrator down (killed): retry with the same Idempotency-Key
                continue;
            }
            if (r.status() == 201 || r.status() == 200) {
                return r.body().path("id").asText();
            } else if (r.status() == 409) {
                Thread.sleep(1000); // the lease's previous cutover is still finishing
            } else {
                throw new IOException(ticket + ": start refused: " + r.status() + " " + r.body());
            }
        }
        return null;
    }

    /** Drives one cutover (retrying the API while a service is being killed); returns {id, ticket, final state}. */
    private String[] runOne(String lease, String ticket, String candidate, boolean rollback, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        String id = startCutover(stack, lease, candidate, ticket, end);
        if (id == null) {
            return new String[] {"?", ticket, "NOT_STARTED"};
        }
        boolean asked = false;
        String state = "PENDING";
        while (System.nanoTime() < end) {
            try {
                JsonNode c = stack.orchestrator().get("/api/v1/cutovers/" + id).body();
                state = c.path("state").asText(state);
                if (DemoRunner.TERMINAL.contains(state)) {
                    break;
                }
                if (rollback && !asked && "VALIDATING".equals(state)) {
                    Api.Reply r = stack.orchestrator().post("/api/v1/cutovers/" + id + "/rollback",
                            Map.of("requestedBy", "chaos", "reason", "chaos: operator rollback"));
                    asked = r.status() / 100 == 2;
                }
            } catch (IOException e) {
                // orchestrator being restarted
            }
            Thread.sleep(300);
        }
        return new String[] {id, ticket, state};
    }

    private static final Pattern STOPPED = Pattern.compile("(?:revoked|lost|given up at shutdown): (\\d+) steps stopped, (\\d+) queued dropped");

    /**
     * What the probe workers logged about exactly-once on the lease (as their logs stand after the restarts):
     * partition revocations, running steps stopped and queued ones dropped on them, waits for another worker's lease
     * lock, take-overs of expired locks, interrupted earlier runs found.
     */
    private Map<String, Integer> workerLog() {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (String k : List.of("partition revocations", "running steps stopped", "queued steps dropped",
                "lease lock waits", "lease lock take-overs", "interrupted runs found")) {
            n.put(k, 0);
        }
        Path logs = stack.config().workDir().resolve("logs");
        try (var files = Files.list(logs)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("probe-service")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    Matcher m = STOPPED.matcher(line);
                    if (m.find()) {
                        n.merge("partition revocations", 1, Integer::sum);
                        n.merge("running steps stopped", Integer.parseInt(m.group(1)), Integer::sum);
                        n.merge("queued steps dropped", Integer.parseInt(m.group(2)), Integer::sum);
                    } else if (line.contains("waiting for the lease lock")) {
                        n.merge("lease lock waits", 1, Integer::sum);
                    } else if (line.contains("took over the expired lease lock")) {
                        n.merge("lease lock take-overs", 1, Integer::sum);
                    } else if (line.contains("was interrupted holding the lease lock")) {
                        n.merge("interrupted runs found", 1, Integer::sum);
                    }
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return n;
    }

    /** What {@link #checkOnce} found: steps applied twice, chat messages posted twice or missing, and each problem. */
    public record OnceReport(int duplicateSteps, int duplicateMessages, int missingMessages, List<String> problems) {
    }

    /**
     * The end-of-run checks of {@link #run} for cutovers another driver ran (tickets {@code CHAOS-<n>-<m>} -> final
     * state): every lease's ledger holds each idempotency key once, and each cutover got each of its chat messages
     * exactly once on Slack and on Telegram.
     */
    public OnceReport checkOnce(Map<String, String> ticketToState) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        int dupSteps = duplicateLedgerKeys(problems);
        int[] msgs = checkMessages(ticketToState, problems);
        return new OnceReport(dupSteps, msgs[0], msgs[1], List.copyOf(problems));
    }

    /**
     * Every lease's worker ledger must hold each idempotency key at most once; returns the keys found more often
     * (each also added to {@code problems}). Public for the cluster test, which drives its cutovers itself.
     */
    public int duplicateLedgerKeys(List<String> problems) throws IOException {
        int dups = 0;
        Path leasesDir = stack.config().workDir().resolve("leases");
        for (String lease : stack.config().leaseIds()) {
            Path ledger = leasesDir.resolve(lease).resolve("home/.openclaw-cutover/ledger");
            if (!Files.exists(ledger)) {
                continue;
            }
            Map<String, Integer> seen = new HashMap<>();
            for (String line : Files.readAllLines(ledger)) {
                String[] f = line.split(" ");
                if (f.length > 1) {
                    seen.merge(f[1], 1, Integer::sum);
                }
            }
            for (Map.Entry<String, Integer> e : seen.entrySet()) {
                if (e.getValue() > 1) {
                    dups++;
                    problems.add("lease " + lease + ": step " + e.getKey() + " applied " + e.getValue() + " times");
                }
            }
        }
        return dups;
    }

    /**
     * Returns {duplicated, missing}: per cutover (ticket {@code CHAOS-<n>-<m>}, its final state), service and message
     * kind, exactly one post expected. Public for the cluster test.
     */
    public int[] checkMessages(Map<String, String> ticketToState, List<String> problems) throws IOException, InterruptedException {
        Thread.sleep(3000); // the notifier paces posts at 1 per second per channel
        Map<String, Integer> posts = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int missing;
        do {
            posts.clear();
            for (JsonNode m : stack.chatMessages()) {
                if (!m.path("ok").asBoolean(true)) {
                    continue;
                }
                String text = m.path("text").asText();
                Matcher t = TICKET.matcher(text);
                if (!t.find()) {
                    continue;
                }
                String kind = text.startsWith("[") ? text.substring(0, text.indexOf(']') + 1) : "?";
                posts.merge(m.path("service").asText() + "|" + t.group(1) + "|" + kind, 1, Integer::sum);
            }
            missing = 0;
            for (Map.Entry<String, String> e : ticketToState.entrySet()) {
                for (String service : List.of("slack", "telegram")) {
                    for (String kind : expectedKinds(e.getValue())) {
                        if (!posts.containsKey(service + "|" + e.getKey() + "|" + kind)) {
                            missing++;
                        }
                    }
                }
            }
            if (missing > 0) {
                Thread.sleep(2000);
            }
        } while (missing > 0 && System.nanoTime() < deadline);
        for (Map.Entry<String, String> e : ticketToState.entrySet()) {
            for (String service : List.of("slack", "telegram")) {
                for (String kind : expectedKinds(e.getValue())) {
                    if (!posts.containsKey(service + "|" + e.getKey() + "|" + kind)) {
                        problems.add("missing " + kind + " for " + e.getKey() + " on " + service);
                    }
                }
            }
        }
        int dup = 0;
        for (Map.Entry<String, Integer> e : posts.entrySet()) {
            if (e.getValue() > 1) {
                dup++;
                problems.add("posted " + e.getValue() + " times: " + e.getKey());
            }
        }
        return new int[] {dup, missing};
    }

    private static List<String> expectedKinds(String finalState) {
        return switch (finalState) {
            case "GREEN" -> List.of("[MAINTENANCE]", "[GREEN]");
            case "ROLLED_BACK" -> List.of("[MAINTENANCE]", "[INCIDENT]", "[ROLLED BACK]");
            default -> List.of();
        };
    }
}
