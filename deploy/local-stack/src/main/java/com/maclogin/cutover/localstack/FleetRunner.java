package com.maclogin.cutover.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Drives a fleet cutover on the local stack through the REST API, as an operator would: labels and stages the leases
 * (re-registration), starts the fleet ({@code POST /api/v1/fleet-cutovers}) and follows it, printing one line whenever
 * its wave, state or counts change. Used by {@code ./run-demo.sh --fleet} and the fleet end-to-end test.
 */
public final class FleetRunner {

    /** Fleet states after which nothing moves without an operator. */
    public static final Set<String> SETTLED = Set.of("DONE", "ABORTED", "ROLLED_BACK", "HALTED", "PAUSED",
            "AWAITING_PROMOTE");
    /** Fleet states that end it. */
    public static final Set<String> ENDED = Set.of("DONE", "ABORTED", "ROLLED_BACK");

    private final LocalStack stack;
    private final PrintStream out;

    public FleetRunner(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    /**
     * Registers {@code leaseIds} again with {@code stage} and {@code labels} (everything else as the simulator
     * described the lease).
     */
    public void register(List<String> leaseIds, String stage, Map<String, String> labels) throws IOException {
        for (String id : leaseIds) {
            ObjectNode lease = descriptor(id).deepCopy();
            lease.put("stage", stage);
            ObjectNode l = lease.putObject("labels");
            labels.forEach(l::put);
            Api.Reply r = stack.registerLease(lease);
            if (r.status() / 100 != 2) {
                throw new IOException("re-registration of " + id + " refused: HTTP " + r.status() + " " + r.body());
            }
        }
    }

    /**
     * A fleet request: what every lease's cutover is started with (the demo's cutover request: roster, blast radius,
     * a validation window of {@code windowSeconds}, 0 = the orchestrator's default), the selector by {@code labels}, and {@code plan}.
     */
    public static Map<String, Object> request(String version, String ticket, Map<String, String> labels,
            Map<String, Object> plan, int windowSeconds) {
        Map<String, Object> body = new LinkedHashMap<>(DemoRunner.demoRequest("unused", version));
        body.remove("leaseId");
        body.put("ticketId", ticket);
        if (windowSeconds > 0) {
            // shorter than the orchestrator's default window is a loosening that needs an override
            body.put("validation", Map.of("windowSeconds", windowSeconds, "probeIntervalSeconds", 1));
        }
        body.put("selector", Map.of("labels", labels));
        body.put("plan", plan);
        return body;
    }

    /**
     * A plan for the local stack: the given canary, region waves in {@code regionOrder}, {@code maxParallel}, a 1 s bake,
     * auto-promote, a failure budget of 1 per wave and in total with {@code onFailure}, and windows open at every hour
     * of every day in {@code regions} (the local stack runs any day). Callers add or replace keys.
     */
    public static Map<String, Object> plan(Map<String, Object> canary, List<String> regionOrder, int maxParallel,
            String onFailure, List<String> regions) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("canary", canary);
        plan.put("regionOrder", regionOrder);
        plan.put("maxParallel", maxParallel);
        plan.put("bakeSeconds", 1);
        plan.put("autoPromote", true);
        plan.put("failureBudget", Map.of("perWave", 1, "total", 1));
        plan.put("onFailure", onFailure);
        plan.put("windows", alwaysOpen(regions));
        return plan;
    }

    /** A deployment window open at every hour of every day in {@code regions} (the local stack runs any day). */
    public static Map<String, Object> alwaysOpen(List<String> regions) {
        Map<String, Object> w = new LinkedHashMap<>();
        for (String r : regions) {
            w.put(r.toUpperCase(), Map.of("fromHour", 0, "toHour", 24, "allowFridayAfternoonAndWeekend", true));
        }
        return w;
    }

    /**
     * Starts the fleet; its id. With an {@code Idempotency-Key}: an answer that does not arrive in time (a loaded
     * machine) is asked for again with the same key, which returns the fleet the first request created instead of a
     * second one.
     */
    public String start(Map<String, Object> body) throws IOException {
        String key = "fleet-" + java.util.UUID.randomUUID();
        Api.Reply r = null;
        for (int attempt = 1; r == null; attempt++) {
            try {
                r = stack.orchestrator().postIdempotent("/api/v1/fleet-cutovers", body, key);
            } catch (java.net.http.HttpTimeoutException e) {
                if (attempt >= 4) {
                    throw e;
                }
                out.println("(no answer to the fleet request in time; asking again with Idempotency-Key " + key + ")");
            }
        }
        if (r.status() != 201 && r.status() != 200) {
            throw new IOException("fleet refused: HTTP " + r.status() + " " + r.body());
        }
        String id = r.body().path("id").asText();
        out.printf("fleet %s started: %s%n", id, r.body().path("planSummary").asText());
        return id;
    }

    /** Follows the fleet until its state is in {@code until} (or the timeout): its last view. */
    public JsonNode follow(String fleetId, Set<String> until, Duration timeout) throws IOException {
        return follow(fleetId, until, timeout, v -> {
        });
    }

    /** As {@link #follow(String, Set, Duration)}, calling {@code onPoll} with every view read. */
    public JsonNode follow(String fleetId, Set<String> until, Duration timeout, Consumer<JsonNode> onPoll)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        JsonNode v = null;
        while (System.nanoTime() < deadline) {
            Api.Reply r;
            try {
                r = stack.orchestrator().get("/api/v1/fleet-cutovers/" + fleetId);
            } catch (IOException e) {
                // the orchestrator may be restarting (the end-to-end test kills it on purpose)
                sleep(500);
                continue;
            }
            if (r.status() != 200) {
                sleep(500);
                continue;
            }
            v = r.body();
            onPoll.accept(v);
            String line = progress(v);
            if (!line.equals(last)) {
                out.println(line);
                last = line;
            }
            if (until.contains(v.path("state").asText())) {
                return v;
            }
            sleep(500);
        }
        throw new IOException("fleet " + fleetId + " did not reach " + until + " within " + timeout + "; last: " + last);
    }

    /** One progress line: state, wave, counts, budget, next action. */
    public static String progress(JsonNode v) {
        StringBuilder b = new StringBuilder("fleet ").append(v.path("state").asText());
        if (v.hasNonNull("currentWave")) {
            b.append(" | wave ").append(v.path("currentWave").asInt()).append(" (")
                    .append(v.path("currentWaveName").asText()).append(")");
        }
        List<String> counts = new ArrayList<>();
        v.path("counts").fields().forEachRemaining(e -> counts.add(e.getKey() + " " + e.getValue().asInt()));
        b.append(" | ").append(String.join(", ", counts));
        JsonNode budget = v.path("budget");
        if (!budget.isMissingNode()) {
            b.append(" | budget ").append(budget.path("totalUsed").asInt()).append('/')
                    .append(budget.path("totalAllowed").asInt());
        }
        if (v.path("next").hasNonNull("action")) {
            b.append(" | next: ").append(v.path("next").path("action").asText());
        }
        return b.toString();
    }

    /** The simulator's descriptor of a lease (as the local stack registered it). */
    public JsonNode descriptor(String id) {
        for (JsonNode l : stack.leases()) {
            if (id.equals(l.path("id").asText())) {
                return l;
            }
        }
        throw new IllegalArgumentException("no lease " + id + " in the local stack");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
