package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 end to end on the shared stack, on the lease reserved for it ({@code hk-7}): the regional worker watches the
 * lease between cutovers, the orchestrator keeps its health and roll-ups, the notifier alerts chat, the gates refuse a
 * lease that was DOWN and the rolling P95 baseline comes from the watch. Nothing here is stubbed: the gateway is taken
 * down the way an operator would (the lease's own {@code launchctl bootout}) and brought back the same way.
 */
@ExtendWith(SharedStack.class)
@Order(2)
class LeaseWatchEndToEndTest {

    static final String LEASE = "hk-7";
    static final Duration WAIT = Duration.ofSeconds(90);

    static LocalStack stack;

    @BeforeAll
    static void useTheSharedStack() {
        stack = SharedStack.get();
    }

    @Test
    void aGatewayBootedOutBetweenCutoversIsDownAlertedRefusedAtTheGatesThenRecoversAndItsWatchSetsTheBaseline()
            throws Exception {
        // the end-to-end stacks watch every 5 minutes; this lease asks for every 5 s (LeaseRegistration.watchIntervalSeconds)
        com.fasterxml.jackson.databind.node.ObjectNode registration = SharedStack.lease(LEASE).deepCopy();
        registration.put("stage", "STAGING");
        registration.put("watchIntervalSeconds", 5);
        Api.Reply changed = stack.registerLease(registration);
        assertThat(changed.status() / 100).as("lease change: %s", changed.body()).isEqualTo(2);
        assertThat(stack.orchestrator().get("/api/v1/leases/" + LEASE).body().path("watchIntervalSeconds").asInt())
                .isEqualTo(5);
        JsonNode healthy = awaitHealth(s -> "HEALTHY".equals(s), "HEALTHY before anything is done");
        System.out.printf("[measure] %s HEALTHY, observed %s by %s%n", LEASE, healthy.path("observedAt").asText(),
                healthy.path("workerId").asText());

        Path home = Path.of(SharedStack.lease(LEASE).path("home").asText());
        String domain = LeaseLaunchctl.guiDomain();
        long t0 = System.nanoTime();
        launchctl(home, "bootout", domain + "/ai.openclaw.gateway");
        JsonNode down = awaitHealth(s -> "DOWN".equals(s), "DOWN after launchctl bootout");
        long downMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[measure] %s DOWN %d ms after the bootout: %s%n", LEASE, downMillis,
                down.path("reason").asText());
        assertThat(down.path("reason").asText()).as("the reason says what launchd said").isNotBlank();

        // chat: one DOWN alert per channel (no cutover runs on the lease)
        List<JsonNode> downAlerts = awaitChat(t -> t.startsWith("[LEASE DOWN]") && t.contains("lease " + LEASE + " "), 2);
        assertThat(downAlerts).extracting(m -> m.path("service").asText()).containsExactlyInAnyOrder("slack", "telegram");

        // the gates refuse a cutover while the lease was DOWN within the window: "fix the lease first"
        Map<String, Object> body = DemoRunner.demoRequest(LEASE, "2026.9.6");
        body.put("ticketId", "WATCH-GATE");
        Api.Reply refused = stack.orchestrator().post("/api/v1/cutovers", body);
        assertThat(refused.status()).as("start: %s", refused.body()).isEqualTo(201);
        JsonNode end = new DemoRunner(stack, System.out).follow(refused.body().path("id").asText(), Duration.ofMinutes(2));
        assertThat(end.path("state").asText()).as(end.path("reason").asText()).isEqualTo("FAILED");
        assertThat(end.path("reason").asText()).contains("LEASE_HEALTH", "fix the lease first");

        // back the way it went: launchd loads the job again, the watch sees it, chat hears of the recovery
        launchctl(home, "bootstrap", domain, home.resolve("Library/LaunchAgents/ai.openclaw.gateway.plist").toString());
        awaitHealth(s -> "HEALTHY".equals(s), "HEALTHY again after launchctl bootstrap");
        List<JsonNode> recovered = awaitChat(t -> t.startsWith("[LEASE RECOVERED]") && t.contains("lease " + LEASE + " "), 2);
        for (JsonNode r : recovered) {
            JsonNode parent = downAlerts.stream().filter(d -> d.path("service").equals(r.path("service"))).findFirst()
                    .orElseThrow();
            if ("slack".equals(r.path("service").asText())) {
                assertThat(r.path("threadTs").asText()).as("recovery threaded under the DOWN alert")
                        .isEqualTo(parent.path("ts").asText());
            } else {
                assertThat(r.path("replyTo").asText()).as("recovery answers the DOWN alert")
                        .isEqualTo(parent.path("messageId").asText());
            }
        }

        // the health endpoint: the changes and the last hour's roll-ups with latency
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode health = stack.orchestrator().get("/api/v1/leases/" + LEASE + "/health").body();
        while (health.path("rollups").size() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1000); // roll-ups come at each minute's end
            health = stack.orchestrator().get("/api/v1/leases/" + LEASE + "/health").body();
        }
        assertThat(health.toString()).contains("DOWN", "HEALTHY");
        assertThat(health.path("rollups").size()).as("roll-ups in %s", health).isPositive();

        // with an approved override the cutover runs, and its LATENCY baseline is recorded as evidence
        Map<String, Object> again = DemoRunner.demoRequest(LEASE, "2026.9.6");
        again.put("ticketId", "WATCH-OVERRIDE");
        again.put("overrides", List.of(Map.of("field", "gates.leaseHealth", "value", "false", "reason",
                "the gateway was booted out on purpose by LeaseWatchEndToEndTest")));
        Api.Reply started = stack.orchestrator().post("/api/v1/cutovers", again);
        assertThat(started.status()).as("start: %s", started.body()).isEqualTo(201);
        String id = started.body().path("id").asText();
        assertThat(stack.approveOverrides(id).status()).isEqualTo(200);
        JsonNode green = new DemoRunner(stack, System.out).follow(id, Duration.ofMinutes(4));
        assertThat(green.path("state").asText()).as(green.path("reason").asText()).isEqualTo("GREEN");
        String cutover = stack.orchestrator().get("/api/v1/cutovers/" + id).body().toString();
        assertThat(cutover).contains("baseline:LATENCY");
        System.out.printf("[measure] %s LATENCY baseline source: %s%n", LEASE,
                cutover.contains("WATCH_ROLLING_P95") ? "WATCH_ROLLING_P95" : "INVENTORY");

        // the cutover restarted the gateway on purpose (RELOAD, the restart drill): that is neither DOWN nor a crash
        // loop once it is over, so the lease is HEALTHY again and a next cutover would pass LEASE_HEALTH
        java.time.Instant ended = java.time.Instant.parse(green.path("endedAt").asText());
        JsonNode after = awaitHealthNode(h -> "HEALTHY".equals(h.path("state").asText())
                && h.hasNonNull("observedAt") && java.time.Instant.parse(h.path("observedAt").asText()).isAfter(ended),
                "HEALTHY in a round after its own GREEN cutover ended (" + ended + ")");
        System.out.printf("[measure] %s after the GREEN cutover: %s%n", LEASE, after);
        // a cutover's own restarts never alert chat: still exactly one DOWN alert per channel
        Thread.sleep(3000);
        assertThat(chat(t -> t.startsWith("[LEASE DOWN]") && t.contains("lease " + LEASE + " "))).hasSize(2);
    }

    private static JsonNode awaitHealth(Predicate<String> state, String what) throws Exception {
        return awaitHealthNode(h -> state.test(h.path("state").asText()), what);
    }

    /** Waits for the lease's {@code health} (as {@code GET /api/v1/leases/{id}} shows it) to match. */
    private static JsonNode awaitHealthNode(Predicate<JsonNode> health, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode h = null;
        while (System.nanoTime() < deadline) {
            Api.Reply r = stack.orchestrator().get("/api/v1/leases/" + LEASE);
            h = r.body().path("health");
            if (health.test(h)) {
                return h;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(LEASE + " not " + what + " within " + WAIT + ": " + h);
    }

    private static List<JsonNode> awaitChat(Predicate<String> text, int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> found = List.of();
        while (System.nanoTime() < deadline) {
            found = chat(text);
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(count + " chat messages expected within " + WAIT + ", found " + found);
    }

    private static List<JsonNode> chat(Predicate<String> text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode m : stack.chatMessages()) {
            if (m.path("ok").asBoolean(true) && text.test(m.path("text").asText())) {
                out.add(m);
            }
        }
        return out;
    }

    private static void launchctl(Path home, String... args) throws Exception {
        LeaseLaunchctl.Result r = LeaseLaunchctl.run(home, args);
        assertThat(r.exit()).as("launchctl %s: %s", String.join(" ", args), r.out()).isZero();
    }
}
