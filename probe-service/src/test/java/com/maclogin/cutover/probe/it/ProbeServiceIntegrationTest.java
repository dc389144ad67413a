package com.maclogin.cutover.probe.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepParameters;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The worker end to end: RunStep JSON on {@code cutover.steps.hk} of a real broker, real SSH to a simulated lease,
 * StepResults read back from {@code cutover.step-results}.
 */
@QuarkusTest
@WithTestResource(KafkaKraftResource.class)
@WithTestResource(LeaseSimulatorResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeServiceIntegrationTest {

    private static final ConcurrentLinkedQueue<StepResult> RESULTS = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static KafkaProducer<String, String> producer;
    private static Thread reader;
    private static Map<String, String> inventory;

    @BeforeAll
    static void kafkaClients() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        reader = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
                consumer.subscribe(List.of(Topics.STEP_RESULTS));
                while (RUNNING.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        StepResult result = Json.read(r.value(), StepResult.class);
                        assertThat(r.key()).isEqualTo(result.leaseId());
                        RESULTS.add(result);
                    }
                }
            }
        }, "step-results-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @AfterAll
    static void close() throws InterruptedException {
        RUNNING.set(false);
        reader.join(5000);
        producer.close();
    }

    @Test
    @Order(1)
    void inventoryReportsEveryFactOfTheContract() {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        StepResult r = run(step("c-inv", StepKind.INVENTORY, 1, 1, target(lease.hostKey()), StepParameters.none()));

        assertThat(r.outcome()).as(r.reason()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(r.facts()).containsKeys("uid", "home", "plistPath", "nodePath", "loginNodeVersion",
                "plistNodeVersion", "packageRoot", "gatewayVersion", "enginesNode", "gatewayPort", "gatewayPid",
                "listeningPid", "launchdState", "lastExitCode", "runs", "plistSha256", "packageSha256",
                "diskFreePercent");
        assertThat(r.facts()).containsEntry("gatewayVersion", "2026.9.5")
                .containsEntry("gatewayPort", Integer.toString(lease.gatewayPort()))
                .containsEntry("launchdState", "running")
                .containsEntry("home", lease.home().toString());
        assertThat(r.facts().get("listeningPid")).isEqualTo(r.facts().get("gatewayPid"));
        assertThat(r.facts().get("plistSha256")).isEqualTo(sha256(plistFile(lease)));
        assertThat(r.evidence()).extracting(e -> e.name()).contains("lsof", "launchctl print", "df", "sw_vers");
        assertThat(r.reason()).isNull();
        inventory = r.facts();
    }

    @Test
    @Order(2)
    void cutoverThenRestoreRunsTheInventoriedBytesAgainAndARedeliveredFlipIsNotReapplied() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        String id = "c-full";
        StepParameters candidate = new StepParameters("2026.9.6", "2026.9.5", "CHG-1", null, Map.of(), null, null);

        succeeded(run(step(id, StepKind.FREEZE, 1, 1, t, candidate)));
        assertThat(Files.readString(lease.home().resolve(".openclaw-cutover/FROZEN"))).contains("cutoverId=c-full",
                "ticket=CHG-1", "tag=oc-cutover-");
        StepResult snapshot = succeeded(run(step(id, StepKind.SNAPSHOT, 1, 1, t, candidate)));
        assertThat(snapshot.facts()).containsKeys("kitPath", "stateArchiveSha256", "packageArchiveSha256",
                "plistBackupSha256");
        StepResult install = succeeded(run(step(id, StepKind.INSTALL_CANDIDATE, 1, 1, t, candidate)));
        assertThat(install.facts()).containsKeys("candidatePackageRoot", "candidatePackageSha256");

        RunStep flip = step(id, StepKind.FLIP_PLIST, 1, 1, t, candidate);
        StepResult flipped = succeeded(run(flip));
        assertThat(flipped.facts().get("newPlistSha256")).isEqualTo(sha256(plistFile(lease)))
                .isNotEqualTo(inventory.get("plistSha256"));
        assertThat(lease.installedVersion()).isEqualTo("2026.9.6");

        // re-delivery of the very same command: answered from the worker's record, the lease is not touched
        Instant plistModified = Files.getLastModifiedTime(plistFile(lease)).toInstant();
        String ledgerBefore = Files.readString(ledger(lease));
        StepResult again = resend(flip, flipped);
        assertThat(again.messageId()).isEqualTo(flipped.messageId());
        assertThat(again.facts()).isEqualTo(flipped.facts());
        assertThat(Files.getLastModifiedTime(plistFile(lease)).toInstant()).isEqualTo(plistModified);
        assertThat(Files.readString(ledger(lease))).isEqualTo(ledgerBefore);
        assertThat(ledgerBefore.lines().filter(l -> l.contains(" c-full:FLIP_PLIST:1 "))).hasSize(1);

        StepResult reload = succeeded(run(step(id, StepKind.RELOAD, 1, 1, t, candidate)));
        assertThat(reload.facts()).containsEntry("runningVersion", "2026.9.6");
        assertThat(lease.runningVersion()).isEqualTo("2026.9.6");
        StepResult validate = succeeded(run(step(id, StepKind.VALIDATE, 1, 1, t,
                new StepParameters(null, null, null, null, Map.of(), 3, 500))));
        assertThat(Integer.parseInt(validate.facts().get("probeRounds"))).isBetween(4, 8);
        assertThat(validate.facts()).containsEntry("runningVersion", "2026.9.6");

        // rollback: a higher epoch, hashes from the inventory gate
        StepParameters restore = new StepParameters(null, "2026.9.5", null, null,
                Map.of("plist", inventory.get("plistSha256"), "package", inventory.get("packageSha256")), 3, 500);
        StepResult restored = succeeded(run(step(id, StepKind.RESTORE, 1, 2, t, restore)));
        assertThat(restored.facts()).containsEntry("plistSha256After", inventory.get("plistSha256"))
                .containsEntry("packageSha256After", inventory.get("packageSha256"))
                .containsEntry("runningVersion", "2026.9.5")
                .containsKeys("plistSha256Before", "packageSha256Before");
        StepResult revalidated = succeeded(run(step(id, StepKind.VALIDATE, 1, 2, t, restore)));
        assertThat(revalidated.facts()).containsEntry("runningVersion", "2026.9.5");

        assertThat(lease.runningVersion()).isEqualTo("2026.9.5");
        assertThat(lease.installedVersion()).isEqualTo("2026.9.5");
        assertThat(sha256(plistFile(lease))).isEqualTo(inventory.get("plistSha256"));

        // the old epoch is fenced off now
        StepResult late = run(step(id, StepKind.UNFREEZE, 1, 1, t, candidate));
        assertThat(late.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(late.reason()).isEqualTo("stale epoch 1 < 2");
        succeeded(run(step(id, StepKind.UNFREEZE, 1, 2, t, candidate)));
        assertThat(lease.home().resolve(".openclaw-cutover/FROZEN")).doesNotExist();
    }

    @Test
    @Order(3)
    void aWrongPinnedHostKeyIsRefusedAndNeverAccepted() {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        StepResult r = run(step("c-key", StepKind.INVENTORY, 1, 1,
                target(LeaseSimulatorResource.impostorHostKey()), StepParameters.none()));
        assertThat(r.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(r.reason()).isEqualTo("host key mismatch for 127.0.0.1:" + lease.sshPort());
        assertThat(r.facts()).isEmpty();
    }

    @Test
    @Order(4)
    void aCommandWithAnOlderEpochThanOneAlreadySeenIsRefused() {
        LeaseTarget t = target(LeaseSimulatorResource.lease().hostKey());
        assertThat(run(step("c-epoch", StepKind.INVENTORY, 1, 5, t, StepParameters.none())).outcome())
                .isEqualTo(StepOutcome.SUCCEEDED);
        StepResult stale = run(step("c-epoch", StepKind.INVENTORY, 2, 4, t, StepParameters.none()));
        assertThat(stale.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(stale.reason()).isEqualTo("stale epoch 4 < 5");
    }

    @Test
    @Order(5)
    void hostileParametersUnsupportedStepsAndPastDeadlinesAreAnsweredNotRun() {
        LeaseTarget t = target(LeaseSimulatorResource.lease().hostKey());
        StepResult hostile = run(step("c-bad", StepKind.INSTALL_CANDIDATE, 1, 1, t,
                new StepParameters("2026.9.6'; touch /tmp/pwned; '", null, null, null, Map.of(), null, null)));
        assertThat(hostile.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(hostile.reason()).startsWith("invalid parameter: version");
        assertThat(hostile.evidence()).isEmpty();

        StepResult parallel = run(step("c-bad", StepKind.PARALLEL_RUN, 1, 1, t, StepParameters.none()));
        assertThat(parallel.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(parallel.reason()).isEqualTo("not supported yet");

        RunStep late = step("c-bad", StepKind.FREEZE, 1, 1, t, StepParameters.none());
        late = new RunStep(late.messageId(), late.cutoverId(), late.leaseId(), late.timestamp(), 1, 1, late.kind(), 1,
                late.idempotencyKey(), late.replyTo(), t, late.parameters(), Instant.now().minusSeconds(1));
        StepResult timedOut = run(late);
        assertThat(timedOut.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
        assertThat(LeaseSimulatorResource.lease().home().resolve(".openclaw-cutover/FROZEN")).doesNotExist();
    }

    @Test
    @Order(6)
    void readinessIncludesTheKafkaChannelAndTheReadablePrivateKey() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    // ------------------------------------------------------------------ helpers

    private static LeaseTarget target(String hostKey) {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        return new LeaseTarget(Region.HK, lease.host(), lease.sshPort(), lease.sshUser(), hostKey,
                lease.gatewayPort());
    }

    private static RunStep step(String cutoverId, StepKind kind, int attempt, long epoch, LeaseTarget target,
            StepParameters parameters) {
        return new RunStep(UUID.randomUUID().toString(), cutoverId, "hk-1", Instant.now(), 1, epoch, kind, attempt,
                RunStep.idempotencyKey(cutoverId, kind, attempt), Topics.STEP_RESULTS, target, parameters,
                Instant.now().plusSeconds(60));
    }

    private static StepResult run(RunStep command) {
        producer.send(new ProducerRecord<>(Topics.stepCommands(Region.HK), command.leaseId(), Json.write(command)));
        producer.flush();
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> RESULTS.stream().filter(r -> command.messageId().equals(r.commandMessageId()))
                        .findFirst().orElse(null), r -> r != null);
    }

    /** Sends {@code command} again and waits for a second result answering it. */
    private static StepResult resend(RunStep command, StepResult first) {
        producer.send(new ProducerRecord<>(Topics.stepCommands(Region.HK), command.leaseId(), Json.write(command)));
        producer.flush();
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> RESULTS.stream().filter(r -> command.messageId().equals(r.commandMessageId()))
                        .skip(1).findFirst().orElse(null), r -> r != null);
    }

    private static StepResult succeeded(StepResult r) {
        assertThat(r.outcome()).as(r.kind() + ": " + r.reason() + " " + r.evidence()).isEqualTo(StepOutcome.SUCCEEDED);
        return r;
    }

    private static Path plistFile(SimulatedLease lease) {
        return lease.home().resolve("Library/LaunchAgents/ai.openclaw.gateway.plist");
    }

    private static Path ledger(SimulatedLease lease) {
        return lease.home().resolve(".openclaw-cutover/ledger");
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
