package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end through every real part: REST → PostgreSQL → Kafka (a real KRaft broker process) → probe workers
 * (their own JVMs) → SSH with pinned host keys → simulated leases running the gateway under the launchd emulator →
 * results → Kafka → orchestrator → rollback-service → notifier → local Slack and Telegram servers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStack.class)
@Order(2)
class CutoverEndToEndTest {

    static final String GREEN_LEASE = "hk-3";
    static final String ROLLBACK_LEASE = "jp-3";
    static final String GREEN_TICKET = "E2E-GREEN";
    /** In the canary range (18000-29999), unused by the stacks, and thousands of ports away from every gateway port. */
    static final int CANARY_PORT = 25_000;
    static LocalStack stack;
    /** The GREEN cutover of order 1, rolled back after GREEN by order 5. */
    static String greenCutoverId;
    static final PrintStream LOG = System.out;

    @BeforeAll
    static void useTheSharedStack() {
        stack = SharedStack.get();
    }

    @Test
    @Order(1)
    void cutoverGoesGreenAndTheLeaseServesTheCandidateWithEvidenceAndChatThreads() throws IOException {
        Map<String, Object> body = DemoRunner.demoRequest(GREEN_LEASE, "2026.9.6");
        body.put("ticketId", GREEN_TICKET);
        // the approved install path with a pinned tarball: the worker packs, hashes, then installs that very file
        body.put("candidateSha256", com.maclogin.cutover.simulator.SimulatedNpmRegistry.packedTarballSha256("2026.9.6"));
        // and the optional canary: the candidate beside production on an alternate port, probed, stopped
        body.put("canary", Map.of("port", CANARY_PORT, "seconds", 3));
        Api.Reply started = stack.orchestrator().post("/api/v1/cutovers", body);
        assertThat(started.status()).as("start: %s", started.body()).isEqualTo(201);
        String id = started.body().path("id").asText();
        JsonNode end = new DemoRunner(stack, LOG).follow(id, Duration.ofMinutes(6));

        assertThat(end.path("state").asText()).as("final state; reason=%s", end.path("reason")).isEqualTo("GREEN");
        greenCutoverId = id;
        assertThat(stack.gatewayStartupz(index(GREEN_LEASE)).path("version").asText()).isEqualTo("2026.9.6");
        // the lease user's CLI moved with the plist: the login shell's openclaw runs the candidate too
        assertThat(loginShell(GREEN_LEASE, "openclaw --version")).isEqualTo("2026.9.6\n");
        List<String> kinds = new ArrayList<>();
        end.path("steps").forEach(s -> kinds.add(s.path("kind").asText()));
        assertThat(kinds).containsSubsequence("INVENTORY", "FREEZE", "SNAPSHOT", "INSTALL_CANDIDATE", "PARALLEL_RUN",
                "FLIP_PLIST", "RELOAD", "VALIDATE");
        JsonNode canary = step(end, "PARALLEL_RUN");
        assertThat(canary.path("outcome").asText()).as("canary: %s", canary.path("reason")).isEqualTo("SUCCEEDED");
        assertThat(canary.path("facts").path("canaryPortFree").asText()).as("canary stopped").isEqualTo("true");
        JsonNode inventory = step(end, "INVENTORY");
        assertThat(inventory.path("facts").path("plistSha256").asText()).matches("[0-9a-f]{64}");
        assertThat(inventory.path("facts").path("gatewayVersion").asText()).isEqualTo("2026.9.5");
        assertThat(step(end, "SNAPSHOT").path("evidence").size()).isPositive();
        assertThat(step(end, "INSTALL_CANDIDATE").toString()).as("the tarball hash was checked")
                .contains(com.maclogin.cutover.simulator.SimulatedNpmRegistry.packedTarballSha256("2026.9.6"));
        assertThat(end.path("previousVersion").asText()).isEqualTo("2026.9.5");
        // the validation window's probes ran as the lease's probe account, another uid than the gateway's, while the
        // steps ran as the gateway's account (INVENTORY's uid)
        JsonNode validate = step(end, "VALIDATE").path("facts");
        assertThat(validate.path("probeUser").asText()).isEqualTo("openclaw-probe");
        assertThat(validate.path("probeAccount").asText()).as("facts %s", validate).isEqualTo("DISTINCT");
        assertThat(validate.path("gatewayUid").asText()).isEqualTo(inventory.path("facts").path("uid").asText());
        assertThat(validate.path("probeUid").asText()).isNotEmpty().isNotEqualTo(validate.path("gatewayUid").asText());

        JsonNode chat = awaitChat(GREEN_TICKET, 2);
        List<JsonNode> slack = byService(chat, "slack", GREEN_TICKET);
        List<JsonNode> telegram = byService(chat, "telegram", GREEN_TICKET);
        assertThat(slack).hasSizeGreaterThanOrEqualTo(2);
        assertThat(slack.get(0).path("text").asText()).contains(GREEN_TICKET);
        String parentTs = slack.get(0).path("ts").asText();
        assertThat(slack.get(slack.size() - 1).path("text").asText()).containsIgnoringCase("green")
                .contains("2026.9.5").contains("2026.9.6").contains("Mei Chan");
        assertThat(slack.get(slack.size() - 1).path("threadTs").asText()).isEqualTo(parentTs);
        // Block Kit with the link to this stack's orchestrator; the outcome is also shown in the channel
        assertThat(slack.get(slack.size() - 1).path("blocks").asText())
                .contains("<" + stack.orchestratorUrl() + "/cutovers/" + id + "|View cutover>");
        assertThat(slack.get(slack.size() - 1).path("replyBroadcast").asBoolean()).isTrue();
        assertThat(telegram).hasSizeGreaterThanOrEqualTo(2);
        assertThat(telegram.get(telegram.size() - 1).path("replyTo").asText())
                .isEqualTo(telegram.get(0).path("messageId").asText());
    }

    @Test
    @Order(2)
    void operatorRollbackEndsRolledBackWithTheOldVersionServingAgain() throws IOException {
        DemoRunner demo = new DemoRunner(stack, LOG);
        String id = demo.start(ROLLBACK_LEASE, "2026.9.6");
        JsonNode end = demo.follow(id, "VALIDATING", Duration.ofMinutes(6));

        assertThat(end.path("state").asText()).as("final state; reason=%s", end.path("reason")).isEqualTo("ROLLED_BACK");
        assertThat(stack.gatewayStartupz(index(ROLLBACK_LEASE)).path("version").asText()).isEqualTo("2026.9.5");
        JsonNode rollback = stack.rollbackService().get("/api/v1/rollbacks/" + id).body();
        assertThat(rollback.toString()).contains("ROLLED_BACK");
        // asked for at the start of the window, the RESTORE did not queue behind the validation window of the old
        // epoch on the worker: the newer epoch stopped the window (a 15-minute window in production)
        java.time.Instant requested = java.time.Instant.parse(rollback.path("requestedAt").asText());
        java.time.Instant restored = null;
        for (JsonNode e : rollback.path("events")) {
            if (restored == null && "RESTORE_SUCCEEDED".equals(e.path("action").asText())) {
                restored = java.time.Instant.parse(e.path("at").asText());
            }
        }
        assertThat(restored).as("RESTORE_SUCCEEDED in %s", rollback.path("events")).isNotNull();
        assertThat(Duration.between(requested, restored)).as("request -> lease restored")
                .isLessThan(SharedStack.VALIDATION_WINDOW.minusSeconds(5));
        assertThat(stack.orchestrator().get("/api/v1/cutovers?lease=" + ROLLBACK_LEASE + "&state=ROLLED_BACK").body().toString()).contains(id);
        // one cutover, one trace across orchestrator, worker, rollback-service and notifier (OTLP to the stack's collector)
        OneTracePerCutover.assertOneTraceAcrossTheServices(stack, id);
    }

    @Test
    @Order(3)
    void theApiRefusesAnonymousCallersAndViewersCannotWrite() throws IOException {
        assertThat(stack.orchestratorAnonymous().get("/api/v1/cutovers").status()).isEqualTo(401);
        assertThat(stack.orchestratorViewer().get("/api/v1/cutovers").status()).isEqualTo(200);
        assertThat(stack.orchestratorViewer().post("/api/v1/cutovers", DemoRunner.demoRequest(GREEN_LEASE, "2026.9.7")).status())
                .isEqualTo(403);
    }

    @Test
    @Order(3)
    void theTokensFileIsOwnerOnlyAndItsUrlAndTokensWorkAgainstTheRunningStack() throws IOException {
        Path file = stack.tokensFile();
        assertThat(file).isEqualTo(stack.config().workDir().resolve("tokens.env"));
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Map<String, String> vars = TokensFile.read(file);
        assertThat(vars.get("ORCHESTRATOR_URL")).isEqualTo("http://127.0.0.1:" + stack.config().orchestratorPort());
        assertThat(new Api(vars.get("ORCHESTRATOR_URL"), vars.get("OPERATOR_TOKEN")).get("/api/v1/leases").status())
                .isEqualTo(200);
        assertThat(new Api(vars.get("ORCHESTRATOR_URL"), vars.get("VIEWER_TOKEN")).get("/api/v1/cutovers").status())
                .isEqualTo(200);
        assertThat(new Api(vars.get("ORCHESTRATOR_URL"), vars.get("VIEWER_TOKEN"))
                .post("/api/v1/cutovers", DemoRunner.demoRequest(GREEN_LEASE, "2026.9.7")).status()).isEqualTo(403);
    }

    @Test
    @Order(4)
    void secretsNeverAppearInAnyServiceLogOrApiResponse() throws IOException {
        List<String> secrets = stack.secrets();
        assertThat(secrets).isNotEmpty();
        StringBuilder everything = new StringBuilder();
        try (Stream<Path> logs = Files.list(stack.config().workDir().resolve("logs"))) {
            for (Path log : logs.toList()) {
                everything.append(Files.readString(log));
            }
        }
        everything.append(stack.orchestrator().get("/api/v1/cutovers").body());
        everything.append(stack.chatMessages());
        for (String secret : secrets) {
            assertThat(everything.indexOf(secret)).as("a secret leaked").isEqualTo(-1);
        }
    }

    @Test
    @Order(5)
    void theGreenCutoverRollsBackAfterGreenToTheOldVersionAndItsSnapshotState() throws IOException {
        assertThat(greenCutoverId).as("order 1 went GREEN").isNotNull();
        // what the candidate did to the state after GREEN: the snapshot taken before the flip does not hold it
        Path home = Path.of(lease(GREEN_LEASE).path("home").asText());
        Path written = home.resolve(".openclaw").resolve("written-after-green.json");
        Files.writeString(written, "{\"by\":\"2026.9.6\"}");

        Api.Reply asked = stack.orchestrator().post("/api/v1/cutovers/" + greenCutoverId + "/rollback",
                Map.of("reason", "users report errors since the upgrade"));
        assertThat(asked.status()).as("rollback after GREEN: %s", asked.body()).isEqualTo(202);
        assertThat(asked.body().path("state").asText()).isEqualTo("ROLLING_BACK");
        JsonNode end = new DemoRunner(stack, LOG).follow(greenCutoverId, Duration.ofMinutes(6));

        assertThat(end.path("state").asText()).as("final state; reason=%s", end.path("reason")).isEqualTo("ROLLED_BACK");
        assertThat(stack.gatewayStartupz(index(GREEN_LEASE)).path("version").asText()).isEqualTo("2026.9.5");
        assertThat(written).as("the state directory is the SNAPSHOT's again").doesNotExist();
        assertThat(loginShell(GREEN_LEASE, "openclaw --version")).as("and the CLI is the old one").isEqualTo("2026.9.5\n");
        JsonNode rollback = stack.rollbackService().get("/api/v1/rollbacks/" + greenCutoverId).body();
        assertThat(rollback.toString()).contains("ROLLED_BACK");
    }

    @Test
    @Order(6)
    void theLeaseRegistriesAreCompactedAndHoldEveryLeaseAsTheOrchestratorRegisteredIt() throws Exception {
        java.util.Properties p = stack.kafkaClientProperties(); // the harness's client of the secured broker
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            for (com.maclogin.cutover.contracts.Region r : List.of(com.maclogin.cutover.contracts.Region.HK,
                    com.maclogin.cutover.contracts.Region.JP)) {
                var topic = new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                        com.maclogin.cutover.contracts.Topics.leaseRegistry(r));
                assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy").value())
                        .isEqualTo("compact");
            }
        }
        p.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        Map<String, com.maclogin.cutover.contracts.LeaseRegistration> registry = new java.util.HashMap<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(p)) {
            String topic = com.maclogin.cutover.contracts.Topics.leaseRegistry(com.maclogin.cutover.contracts.Region.HK);
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(rec -> registry.put(rec.key(), rec.value() == null ? null
                        : com.maclogin.cutover.contracts.Json.read(rec.value(),
                                com.maclogin.cutover.contracts.LeaseRegistration.class)));
            }
        }
        JsonNode hk = lease(GREEN_LEASE);
        assertThat(registry).containsKey(GREEN_LEASE);
        var registered = registry.get(GREEN_LEASE);
        assertThat(registered.region()).isEqualTo(com.maclogin.cutover.contracts.Region.HK);
        assertThat(registered.host()).isEqualTo(hk.path("host").asText());
        assertThat(registered.sshPort()).isEqualTo(hk.path("sshPort").asInt());
        assertThat(registered.hostKey()).isEqualTo(hk.path("hostKey").asText());
        assertThat(registry).allSatisfy((id, r) -> assertThat(r.leaseId()).isEqualTo(id));
    }

    private static JsonNode lease(String id) {
        for (JsonNode l : stack.leases()) {
            if (id.equals(l.path("id").asText())) {
                return l;
            }
        }
        throw new AssertionError("no lease " + id + " in " + stack.leases());
    }

    /**
     * stdout of {@code command} in the lease user's login shell ({@code bash -l}, as the simulator's SSH sessions run
     * {@code "$SHELL" -lc}): the simulator runs its leases as this OS user, with the lease home as {@code $HOME}.
     */
    private static String loginShell(String leaseId, String command) throws IOException {
        Path home = Path.of(lease(leaseId).path("home").asText());
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-lc", command).directory(home.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("SHELL", "/bin/bash");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            assertThat(p.waitFor()).as("%s: %s", command, out).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    private static JsonNode step(JsonNode cutover, String kind) {
        for (JsonNode s : cutover.path("steps")) {
            if (kind.equals(s.path("kind").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + kind + " in " + cutover);
    }

    private static int index(String lease) {
        return stack.config().leaseIds().indexOf(lease);
    }

    /** Waits until both services hold at least {@code perService} messages of the thread whose banner names the ticket. */
    private static JsonNode awaitChat(String ticket, int perService) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode chat = stack.chatMessages();
        while (System.nanoTime() < deadline) {
            chat = stack.chatMessages();
            if (byService(chat, "slack", ticket).size() >= perService
                    && byService(chat, "telegram", ticket).size() >= perService) {
                return chat;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return chat;
    }

    /**
     * One cutover's thread on one service, banner first: the first message naming the ticket, then every reply to it
     * (Slack {@code threadTs}, Telegram {@code replyTo}). Other classes post on the same shared chat fakes.
     */
    private static List<JsonNode> byService(JsonNode chat, String service, String ticket) {
        List<JsonNode> l = new ArrayList<>();
        String root = null;
        for (JsonNode m : chat) {
            if (!service.equals(m.path("service").asText())) {
                continue;
            }
            String ref = "slack".equals(service) ? m.path("ts").asText() : m.path("messageId").asText();
            String parent = "slack".equals(service) ? m.path("threadTs").asText() : m.path("replyTo").asText();
            if (root == null && m.path("text").asText().contains(ticket)) {
                root = ref;
                l.add(m);
            } else if (root != null && root.equals(parent)) {
                l.add(m);
            }
        }
        return l;
    }
}
