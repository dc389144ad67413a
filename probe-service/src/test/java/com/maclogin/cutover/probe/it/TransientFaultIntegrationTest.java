package com.maclogin.cutover.probe.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.service.StepExecutionService;
import com.maclogin.cutover.probe.service.ValidationEvents;
import com.maclogin.cutover.probe.trigger.DrillRecovery;
import com.maclogin.cutover.probe.trigger.TriggerRules;
import com.maclogin.cutover.simulator.Faults;
import com.maclogin.cutover.simulator.SimulatedLease;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Transient faults and the product's own restart, end to end: RunStep JSON on {@code cutover.steps.hk} of a real
 * broker, real SSH (sshj, pinned host key) to the simulated lease {@code hk-1}, whose SSH server drops and refuses
 * connections and rotates its host key on request ({@code LeaseSimulator#dropSshConnections},
 * {@code #refuseSshConnections}, HOST_KEY_CHANGED) and whose gateway answers its first wakes after a restart slowly
 * ({@code slowFirstWakes}). Same test resources as {@link ProbeServiceIntegrationTest}, so the application is shared.
 */
@QuarkusTest
@WithTestResource(KafkaKraftResource.class)
@WithTestResource(LeaseSimulatorResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransientFaultIntegrationTest {

    private static final ConcurrentLinkedQueue<StepResult> RESULTS = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<ProbeResult> PROBES = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<ThresholdBreached> BREACHES = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static KafkaProducer<String, String> producer;
    private static Thread reader;

    @Inject
    LeaseSshClient ssh;
    @Inject
    ProbeConfig config;
    @Inject
    MeterRegistry metrics;

    @BeforeAll
    static void kafkaClients() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKraftResource.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-transient-it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        AtomicBoolean assigned = new AtomicBoolean();
        reader = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
                consumer.subscribe(List.of(Topics.STEP_RESULTS, Topics.PROBE_RESULTS, Topics.BREACHES));
                while (RUNNING.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                        switch (r.topic()) {
                            case Topics.PROBE_RESULTS -> PROBES.add(Json.read(r.value(), ProbeResult.class));
                            case Topics.BREACHES -> BREACHES.add(Json.read(r.value(), ThresholdBreached.class));
                            default -> RESULTS.add(Json.read(r.value(), StepResult.class));
                        }
                    }
                    if (!consumer.assignment().isEmpty()) {
                        assigned.set(true);
                    }
                }
            }
        }, "transient-it-reader");
        reader.setDaemon(true);
        reader.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilTrue(assigned);
    }

    @AfterAll
    static void close() throws Exception {
        RUNNING.set(false);
        reader.join(5000);
        producer.close();
    }

    @AfterEach
    void theLeaseIsHealthyAgain() throws Exception {
        LeaseSimulatorResource.simulator().clearFaults("hk-1");
        LeaseSimulatorResource.simulator().setGatewayFaults("hk-1", "{}");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "2026.9.5".equals(LeaseSimulatorResource.lease().runningVersion()));
    }

    // ------------------------------------------------------------------------------------------------ 6 (a)

    @Test
    @Order(1)
    void inventorySucceedsAfterTwoDroppedConnectionsWithTwoTransientRetries() {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseSimulatorResource.simulator().dropSshConnections("hk-1", 2);

        StepResult r = run(step("c-drop", StepKind.INVENTORY, 1, target(lease.hostKey()), new StepCommand.Inventory()));

        assertThat(r.outcome()).as(r.reason() + " " + r.evidence()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(r.facts()).containsEntry("transientRetries", "2").containsEntry("gatewayVersion", "2026.9.5")
                .containsKeys("plistSha256", "packageSha256");
        assertThat(r.evidence()).filteredOn(e -> e.name().equals("transient retry")).hasSize(2)
                .allSatisfy(e -> assertThat(e.output()).startsWith("ssh: ").contains("retry", "of the command after"));
        assertThat(r.reason()).isNull();
    }

    // ------------------------------------------------------------------------------------------------ 6 (b)

    @Test
    @Order(2)
    void unfreezeSucceedsAfterTheSshPortRefusedConnectsForThreeSeconds() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        succeeded(run(step("c-refuse", StepKind.FREEZE, 1, t, new StepCommand.Freeze("CHG-7", null))));
        assertThat(frozen(lease)).exists();

        LeaseSimulatorResource.simulator().refuseSshConnections("hk-1", Duration.ofSeconds(3));
        long start = System.nanoTime();
        StepResult r = run(step("c-refuse", StepKind.UNFREEZE, 1, t, new StepCommand.Unfreeze()));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.outcome()).as(r.reason() + " " + r.evidence()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(Integer.parseInt(r.facts().get("transientRetries"))).isGreaterThanOrEqualTo(2);
        assertThat(r.evidence()).filteredOn(e -> e.name().equals("transient retry")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.output()).contains("of the command, which had not started, after"))
                .anySatisfy(e -> assertThat(e.output()).containsIgnoringCase("refused"));
        assertThat(millis).as("it waited out the refusal").isGreaterThanOrEqualTo(2500);
        assertThat(frozen(lease)).doesNotExist();
    }

    // ------------------------------------------------------------------------------------------------ 6 (c)

    @Test
    @Order(3)
    void aHostKeyRotatedBetweenFreezeAndSnapshotFailsSnapshotAsHostKeyChangedAndIsNotRetried() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        String pinned = lease.hostKey();
        LeaseTarget t = target(pinned);
        try {
            succeeded(run(step("c-rotate", StepKind.FREEZE, 1, t, new StepCommand.Freeze("CHG-8", null))));
            // a re-provisioned Mac: new host key, and the worker's open connection is gone with the old sshd
            LeaseSimulatorResource.simulator().setFaults("hk-1", Faults.none().withHostKeyRotated(true));
            LeaseSimulatorResource.simulator().dropSshConnections("hk-1", 0);
            assertThat(lease.hostKey()).isNotEqualTo(pinned);

            long start = System.nanoTime();
            StepResult r = run(step("c-rotate", StepKind.SNAPSHOT, 1, t, new StepCommand.Snapshot()));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(r.outcome()).isEqualTo(StepOutcome.REFUSED);
            assertThat(r.reason()).isEqualTo(String.format(ProbeReasons.HOST_KEY_CHANGED, lease.host(), lease.sshPort()))
                    .startsWith("host key changed for 127.0.0.1:" + lease.sshPort())
                    .doesNotContainIgnoringCase("connection lost");
            // not retried: at most the dropped connection's own retry before the new handshake saw the key, and none
            // after it; a step retrying until its deadline would take most of the minute
            assertThat(r.evidence()).filteredOn(e -> e.name().equals("transient retry")).hasSizeLessThanOrEqualTo(1)
                    .noneSatisfy(e -> assertThat(e.output()).containsIgnoringCase("host key"));
            assertThat(millis).isLessThan(10_000);
            assertThat(lease.home().resolve(".openclaw-cutover/c-rotate")).doesNotExist();

            // the first connection of another cutover cannot tell a changed key from a wrong pin: "mismatch"
            StepResult other = run(step("c-rotate-2", StepKind.INVENTORY, 1, t, new StepCommand.Inventory()));
            assertThat(other.outcome()).isEqualTo(StepOutcome.REFUSED);
            assertThat(other.reason()).isEqualTo("host key mismatch for 127.0.0.1:" + lease.sshPort());
        } finally {
            LeaseSimulatorResource.simulator().clearFaults("hk-1");
            succeeded(run(step("c-rotate", StepKind.UNFREEZE, 1, t, new StepCommand.Unfreeze())));
        }
    }

    // ------------------------------------------------------------------------------------------------ 6 (d)

    @Test
    @Order(4)
    void aNonTransientFailureACommandsExitCodeIsNotRetried() {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        // 2026.8.1 was never installed side by side: reading its package.json exits 1
        StepResult r = run(step("c-exit", StepKind.FLIP_PLIST, 1, target(lease.hostKey()),
                new StepCommand.FlipPlist("2026.8.1")));

        assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.reason()).startsWith("candidate 2026.8.1 is not installed at ");
        assertThat(r.facts()).doesNotContainKey("transientRetries");
        assertThat(r.evidence()).noneMatch(e -> e.name().equals("transient retry"));
        assertThat(r.evidence()).filteredOn(e -> e.name().equals("read ledger")).hasSize(1);
        assertThat(r.evidence()).anySatisfy(e -> assertThat(e.exitCode()).isNotNull().isNotZero());
    }

    // ------------------------------------------------------------------------------------------------ 7

    @Test
    @Order(5)
    void aDrillsSlowRecoveryIsReportedAsDrillRecoveryAndDoesNotTripLatency() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        // the gateway the drill's kickstart starts answers its first three wakes 2 s late (5 x max(50, 200) = 1 s limit)
        LeaseSimulatorResource.simulator().setGatewayFaults("hk-1",
                "{\"*\":{\"slowFirstWakes\":3,\"slowFirstWakeMs\":2000}}");
        TriggerThresholds t = tightened();
        ProbePlan plan = new ProbePlan(List.of(ProbeLayer.PROCESS, ProbeLayer.APPLICATION, ProbeLayer.INTEGRATION), 500,
                16, 1, t, Map.of(TriggerKind.LATENCY, TriggerAction.ROLLBACK, TriggerKind.ERROR_RATE,
                        TriggerAction.ROLLBACK), 50.0, null, null, "alice");
        RunStep v = step("c-drill-slow", StepKind.VALIDATE, 1, target(lease.hostKey()),
                new StepCommand.Validate("2026.9.6", "2026.9.5", "CHG-10", Map.of(), null, null, plan));

        StepResult r = run(v);

        assertThat(r.outcome()).as(r.reason()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(r.facts()).containsEntry("trigger.LATENCY", "PASSED").containsEntry("trigger.ERROR_RATE", "PASSED")
                .containsKeys("restartDrillRecoveredMillis", "drillRecoveryProbes");
        assertThat(BREACHES).noneMatch(b -> b.cutoverId().equals("c-drill-slow"));
        List<ProbeResult> integration = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> PROBES.stream().filter(p -> v.messageId().equals(p.commandMessageId())
                        && p.layer() == ProbeLayer.INTEGRATION).toList(),
                l -> l.size() == Integer.parseInt(r.facts().get("probeRounds")));
        // the slow answers were published, marked as the drill's recovery
        assertThat(integration).filteredOn(p -> p.latencyMillis() != null && p.latencyMillis() >= 2000).hasSize(3)
                .allSatisfy(p -> {
                    assertThat(p.observed()).containsEntry(DrillRecovery.MARKER, "true");
                    assertThat(p.verdict()).isEqualTo(Verdict.PASSED);
                });
        assertThat(integration).filteredOn(p -> !DrillRecovery.marked(p)).hasSizeGreaterThanOrEqualTo(t.minSamples());
        // and they are what would have rolled a healthy candidate back without the exclusion
        List<ProbeResult> unmarked = integration.stream().map(TransientFaultIntegrationTest::withoutMarker).toList();
        assertThat(TriggerRules.latency(unmarked, 50.0, t).verdict()).isEqualTo(Verdict.FAILED);
        assertThat(TriggerRules.latency(integration, 50.0, t).verdict()).isEqualTo(Verdict.PASSED);
    }

    @Test
    @Order(6)
    void aDrillThatDoesNotRecoverWithinItsOwnLimitFailsValidateWithTheDrillsReason() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        // the drill's kickstart starts a gateway that needs 8 s to be ready; the drill's limit here is 2 s
        LeaseSimulatorResource.simulator().setGatewayFaults("hk-1", "{\"*\":{\"startupDelayMs\":8000}}");
        List<ProbeResult> published = new ArrayList<>();
        StepExecutionService worker = new StepExecutionService(ssh, withDrillLimit(config, Duration.ofSeconds(2)),
                metrics, new ValidationEvents() {
                    @Override
                    public void probeResult(ProbeResult result) {
                        published.add(result);
                    }

                    @Override
                    public CompletionStage<Void> breach(ThresholdBreached breach) {
                        return CompletableFuture.completedFuture(null);
                    }
                });
        // (a mutable list, as JSON gives it: ProbeWindow.validate asks contains(null))
        ProbePlan plan = new ProbePlan(new ArrayList<>(List.of(ProbeLayer.PROCESS, ProbeLayer.APPLICATION)), 500, 4, 1,
                tightened(),
                Map.of(), 50.0, null, null, "alice");
        long start = System.nanoTime();
        StepResult r = worker.execute(step("c-drill-limit", StepKind.VALIDATE, 1, target(lease.hostKey()),
                new StepCommand.Validate(null, "2026.9.5", "CHG-11", Map.of(), null, null, plan)));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.reason()).isEqualTo("restart drill: the gateway did not answer /readyz 200 within 2000 ms of "
                + "launchctl kickstart -k");
        assertThat(r.facts()).doesNotContainKey("restartDrillRecoveredMillis");
        assertThat(millis).as("failed at the limit, not at the window's or the gateway's end").isLessThan(7_000);
        int drillRound = published.stream().filter(p -> "kickstart -k".equals(p.observed().get("restartDrill")))
                .mapToInt(ProbeResult::round).findFirst().orElseThrow();
        assertThat(published).filteredOn(p -> p.layer() == ProbeLayer.APPLICATION && p.round() >= drillRound)
                .isNotEmpty()
                .allSatisfy(p -> {
                    assertThat(p.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
                    assertThat(p.observed()).containsEntry(DrillRecovery.MARKER, "true");
                });
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** {@code config} with another {@code probe.validate.drill-recovery-timeout}. */
    private static ProbeConfig withDrillLimit(ProbeConfig config, Duration limit) {
        ProbeConfig.Validate validate = (ProbeConfig.Validate) Proxy.newProxyInstance(
                ProbeConfig.Validate.class.getClassLoader(), new Class<?>[] {ProbeConfig.Validate.class},
                (proxy, m, args) -> m.getName().equals("drillRecoveryTimeout") ? limit
                        : m.invoke(config.validate(), args));
        return (ProbeConfig) Proxy.newProxyInstance(ProbeConfig.class.getClassLoader(),
                new Class<?>[] {ProbeConfig.class},
                (proxy, m, args) -> m.getName().equals("validate") ? validate : m.invoke(config, args));
    }

    private static ProbeResult withoutMarker(ProbeResult p) {
        Map<String, String> o = new LinkedHashMap<>(p.observed());
        o.remove(DrillRecovery.MARKER);
        return new ProbeResult(p.messageId(), p.cutoverId(), p.leaseId(), p.timestamp(), p.schemaVersion(), p.epoch(),
                p.commandMessageId(), p.round(), p.layer(), p.verdict(), p.latencyMillis(), p.detail(), o);
    }

    /** Playbook thresholds with fewer samples, so a short test window can decide. */
    private static TriggerThresholds tightened() {
        TriggerThresholds p = TriggerThresholds.playbook();
        return new TriggerThresholds(p.crashCount(), p.crashWindowSeconds(), p.errorRatePercent(), 5,
                p.latencyMultiplier(), p.latencyFloorMillis(), p.integrationP95MaxMillis(), 1.0);
    }

    private static Path frozen(SimulatedLease lease) {
        return lease.home().resolve(".openclaw-cutover/FROZEN");
    }

    private static LeaseTarget target(String hostKey) {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        return new LeaseTarget(Region.HK, lease.host(), lease.sshPort(), lease.sshUser(), hostKey, lease.gatewayPort(),
                lease.probeUser());
    }

    private static RunStep step(String cutoverId, StepKind kind, long epoch, LeaseTarget target, StepCommand command) {
        return RunStep.builder().cutoverId(cutoverId).leaseId("hk-1").epoch(epoch).kind(kind).attempt(1)
                .replyTo(Topics.STEP_RESULTS).target(target).command(command).deadline(Instant.now().plusSeconds(60))
                .build();
    }

    private static StepResult run(RunStep command) {
        Registry.register(command.leaseId(), command.target()); // what the orchestrator publishes for the lease
        producer.send(new ProducerRecord<>(Topics.stepCommands(Region.HK), command.leaseId(), Json.write(command)));
        producer.flush();
        return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> RESULTS.stream().filter(r -> command.messageId().equals(r.commandMessageId()))
                        .findFirst().orElse(null), r -> r != null);
    }

    private static StepResult succeeded(StepResult r) {
        assertThat(r.outcome()).as(r.kind() + ": " + r.reason() + " " + r.evidence()).isEqualTo(StepOutcome.SUCCEEDED);
        return r;
    }
}
