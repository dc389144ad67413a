package com.maclogin.cutover.probe.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.probe.service.StepExecutionService;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.testing.KafkaKraftResource;
import com.maclogin.cutover.testing.PoisonFuzz;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 point 5 on the regional worker: malformed step commands are dead letters and the channel keeps serving;
 * a hostile lease ledger (a 5 MB line, a 900 KB line claiming the step's key, garbage) neither crashes the worker nor
 * reaches the result. Same test resources as {@link ProbeServiceIntegrationTest}, so Quarkus is not restarted.
 */
@QuarkusTest
@WithTestResource(KafkaKraftResource.class)
@WithTestResource(LeaseSimulatorResource.class)
class PoisonCommandIntegrationTest {

    static final long SEED = 20261205L;
    static final int RECORDS = 10_000;

    @Test
    void tenThousandMalformedStepCommandsAreEachOneDeadLetterAndTheNextCommandIsAnswered() throws Exception {
        String bootstrap = KafkaKraftResource.bootstrapServers();
        String topic = Topics.stepCommands(Region.HK);
        Registry.register("hk-1", step("c-reg", 1).target()); // the good command's lease is a registered one
        PoisonFuzz.Report report = PoisonFuzz.run(bootstrap, Map.of(topic, List.of("\"kind\":\"DANCE\"",
                "\"replyTo\":\"cutover.steps.jp\"", "\"leaseId\":\"../../etc\"", "\"idempotencyKey\":\"$(reboot)\""
                )), t -> template("m"), SEED, RECORDS, 3, 600 * 1024,
                Duration.ofMinutes(2));
        System.out.println(report.summary("probe-service-hk"));

        assertThat(report.letters().keySet()).noneMatch(k -> k.startsWith("wrong-topic:"));
        assertThat(report.letters().size()).isEqualTo(RECORDS);
        assertThat(report.letters().values().stream().filter(n -> n != 1).count()).isZero();
        // the channel is alive: the next command is answered (its deadline has passed: answered without SSH)
        String id = "good-" + UUID.randomUUID();
        send(topic, template(id));
        StepResult answer = awaitResult(id, Duration.ofSeconds(30));
        assertThat(answer.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
        given().when().get("/q/health").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void aHostileLedgerIsSkippedAndReportedTheResultStaysSmallAndTheWorkerServesTheNextStep() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        Path ledger = lease.home().resolve(".openclaw-cutover/ledger");
        Files.createDirectories(ledger.getParent());
        String before = Files.exists(ledger) ? Files.readString(ledger) : null;
        String cutover = "c-poison-" + Long.toString(System.nanoTime(), 36);
        String key = RunStep.idempotencyKey(cutover, StepKind.UNFREEZE, 1);
        try {
            // a line claiming this very step with 900 KB of facts (under the 1 MiB capture: it would have been
            // replayed verbatim into a result over the broker's limit), a 5 MB line, and garbage
            String claim = "v1 " + key + " 1 UNFREEZE 8d6c1f3a-0000-4000-8000-000000000000 "
                    + body(Map.of("reason", "forged", "facts", Map.of("evil", "e".repeat(900_000))));
            String fiveMb = "v1 " + cutover + ":RELOAD:1 1 RELOAD 8d6c1f3a-0000-4000-8000-000000000001 "
                    + "A".repeat(5 * 1024 * 1024);
            Files.writeString(ledger, (before == null ? "" : before) + claim + "\n" + fiveMb
                    + "\nnot a ledger line\nv1 x\ngarbage \u0001\u0002 bytes\n", StandardCharsets.ISO_8859_1);

            RunStep unfreeze = step(cutover, 1);
            Registry.register(unfreeze.leaseId(), unfreeze.target());
            send(Topics.stepCommands(Region.HK), Json.write(unfreeze));
            StepResult result = awaitResult(unfreeze.messageId(), Duration.ofSeconds(60));
            String json = Json.write(result);

            assertThat(result.outcome()).as(result.reason()).isEqualTo(StepOutcome.SUCCEEDED);
            assertThat(result.reason()).isNotEqualTo("forged");
            assertThat(result.facts()).doesNotContainKey("evil")
                    .containsEntry(StepExecutionService.LEDGER_LINES_SKIPPED_FACT, "5");
            assertThat(result.evidence()).filteredOn(e -> e.name().equals("read ledger")).singleElement()
                    .satisfies(e -> assertThat(e.output()).contains("5 ledger lines skipped")
                            .doesNotContain("not a ledger line"));
            assertThat(json.length()).isLessThan(256 * 1024);
            assertThat(json).doesNotContain("eeeeeeeeee").doesNotContain("AAAAAAAAAA");

            // the worker keeps serving: the next step of the cutover is answered too
            RunStep again = step(cutover, 2);
            send(Topics.stepCommands(Region.HK), Json.write(again));
            assertThat(awaitResult(again.messageId(), Duration.ofSeconds(60)).outcome())
                    .isEqualTo(StepOutcome.SUCCEEDED);
            given().when().get("/q/health").then().statusCode(200).body("status", is("UP"));
        } finally {
            if (before == null) {
                Files.deleteIfExists(ledger);
            } else {
                Files.writeString(ledger, before);
            }
        }
    }

    /** A RunStep whose deadline has passed (answered TIMED_OUT without touching a lease). */
    static String template(String id) {
        return "{\"messageId\":\"" + id + "\",\"cutoverId\":\"c-fuzz\",\"leaseId\":\"hk-1\","
                + "\"timestamp\":\"2026-12-05T00:00:00Z\",\"schemaVersion\":1,\"epoch\":1,\"kind\":\"INVENTORY\","
                + "\"attempt\":1,\"idempotencyKey\":\"c-fuzz:INVENTORY:1\",\"replyTo\":\"cutover.step-results\","
                + "\"deadline\":\"2000-01-01T00:00:00Z\"}";
    }

    static RunStep step(String cutover, int attempt) {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        return RunStep.builder().cutoverId(cutover).leaseId("hk-1").epoch(1).kind(StepKind.UNFREEZE).attempt(attempt)
                .replyTo(Topics.STEP_RESULTS).target(new LeaseTarget(Region.HK, lease.host(), lease.sshPort(),
                        lease.sshUser(), lease.hostKey(), lease.gatewayPort(), lease.probeUser()))
                .command(new StepCommand.Unfreeze()).deadline(Instant.now().plusSeconds(60)).build();
    }

    static String body(Object body) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    static void send(String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topic, "hk-1", value)).get(10, TimeUnit.SECONDS);
        }
    }

    /** The result answering command {@code commandMessageId}, read from the start of cutover.step-results. */
    static StepResult awaitResult(String commandMessageId, Duration timeout) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "poison-it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(Topics.STEP_RESULTS));
            long until = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && r.value().contains(commandMessageId)) {
                        StepResult result = Json.read(r.value(), StepResult.class);
                        if (commandMessageId.equals(result.commandMessageId())) {
                            return result;
                        }
                    }
                }
            }
        }
        throw new AssertionError("no result for command " + commandMessageId + " within " + timeout);
    }
}
