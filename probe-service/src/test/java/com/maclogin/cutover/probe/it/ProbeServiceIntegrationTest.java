package com.maclogin.cutover.probe.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.ProbeLayer;
import com.maclogin.cutover.contracts.ProbePlan;
import com.maclogin.cutover.contracts.ProbeResult;
import com.maclogin.cutover.contracts.ThresholdBreached;
import com.maclogin.cutover.contracts.TriggerAction;
import com.maclogin.cutover.contracts.TriggerKind;
import com.maclogin.cutover.contracts.TriggerThresholds;
import com.maclogin.cutover.contracts.Verdict;
import com.maclogin.cutover.probe.client.CommandResult;
import com.maclogin.cutover.probe.client.CommandTimeoutException;
import com.maclogin.cutover.probe.client.LeaseSshClient;
import com.maclogin.cutover.probe.config.ProbeConfig;
import com.maclogin.cutover.probe.matrix.ProbeOutcome;
import com.maclogin.cutover.probe.matrix.ProbeSession;
import com.maclogin.cutover.probe.matrix.ProcessProbe;
import com.maclogin.cutover.probe.service.StepExecutionService;
import com.maclogin.cutover.probe.service.ValidationEvents;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import com.maclogin.cutover.contracts.LeaseTarget;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepCommand;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.simulator.FaultSwitch;
import com.maclogin.cutover.simulator.Faults;
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
import java.util.function.Function;
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
    private static final ConcurrentLinkedQueue<ProbeResult> PROBES = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<ThresholdBreached> BREACHES = new ConcurrentLinkedQueue<>();
    /** Every value read from the three output topics, to scan for secrets. */
    private static final ConcurrentLinkedQueue<String> RAW = new ConcurrentLinkedQueue<>();
    /** Each received record's value -> its W3C {@code traceparent} header ("none" without one). */
    private static final java.util.Map<String, String> TRACE_HEADER = new java.util.concurrent.ConcurrentHashMap<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static KafkaProducer<String, String> producer;
    private static Thread reader;
    private static final java.util.concurrent.ConcurrentHashMap<String, Instant> RECEIVED_AT =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static Map<String, String> inventory;
    private static SSLServerSocket tlsServer;

    @Inject
    LeaseSshClient ssh;
    @Inject
    ProbeConfig config;
    @Inject
    MeterRegistry metrics;
    @Inject
    ValidationEvents events;

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
                consumer.subscribe(List.of(Topics.STEP_RESULTS, Topics.PROBE_RESULTS, Topics.BREACHES));
                while (RUNNING.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                        RAW.add(r.value());
                        String traceparent = com.maclogin.cutover.messaging.MessageTracing.traceparent(r.headers());
                        TRACE_HEADER.put(r.value(), traceparent == null ? "none" : traceparent);
                        switch (r.topic()) {
                            case Topics.PROBE_RESULTS -> PROBES.add(Json.read(r.value(), ProbeResult.class));
                            case Topics.BREACHES -> {
                                ThresholdBreached b = Json.read(r.value(), ThresholdBreached.class);
                                RECEIVED_AT.put(b.messageId(), Instant.now());
                                BREACHES.add(b);
                            }
                            default -> {
                                StepResult result = Json.read(r.value(), StepResult.class);
                                assertThat(r.key()).isEqualTo(result.leaseId());
                                RESULTS.add(result);
                            }
                        }
                    }
                }
            }
        }, "step-results-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** A TLS endpoint (self-signed, valid 365 days) that the lease can reach on loopback, for the TLS layer. */
    @BeforeAll
    static void tlsEndpoint() throws Exception {
        Path store = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "tls-").resolve("gw.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gw", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=gw.test",
                "-validity", "365", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).isZero();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        tlsServer = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!tlsServer.isClosed()) {
                try (SSLSocket s = (SSLSocket) tlsServer.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                    s.getInputStream().read();
                } catch (Exception e) {
                    // the probe hangs up after the handshake
                }
            }
        }, "tls-endpoint");
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    static void close() throws Exception {
        tlsServer.close();
        RUNNING.set(false);
        reader.join(5000);
        producer.close();
    }

    @Test
    @Order(1)
    void inventoryReportsEveryFactOfTheContract() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        // a listing with an entry changed in the last two seconds is never trusted: wait until the tree is older
        awaitSettled(lease.home().resolve(".npm-global/lib/node_modules/openclaw"));
        StepResult r = run(step("c-inv", StepKind.INVENTORY, 1, 1, target(lease.hostKey()), NONE));

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
        assertThat(Long.parseLong(r.facts().get("baselineP95Millis"))).isBetween(0L, 5000L);
        assertThat(r.evidence()).extracting(e -> e.name()).contains("hooks token", "integration baseline");
        // the values the gates read, typed, beside the facts
        StepReport.Inventory report = r.report(StepReport.Inventory.class);
        assertThat(report).isEqualTo(StepReport.Inventory.fromFacts(r.facts()));
        assertThat(report.gatewayVersion()).isEqualTo("2026.9.5");
        assertThat(report.gatewayPort()).isEqualTo(lease.gatewayPort());
        assertThat(report.plistSha256()).isEqualTo(sha256(plistFile(lease)));
        assertThat(report.packageSha256()).isEqualTo(r.facts().get("packageSha256"));
        assertThat(report.gatewayPid()).isNotNull();
        assertThat(report.listeningPids()).containsExactly(report.gatewayPid());
        assertThat(report.loginNodeVersion()).isNotBlank();
        assertThat(report.plistNodeVersion()).isNotBlank();
        assertThat(report.diskFreePercent()).isNotNull();
        assertThat(report.baselineP95Millis()).isNotNull();
        // the lease user's CLI as the login shell resolves it (npm's global prefix bin), beside the service
        assertThat(r.facts()).containsEntry("cliPath", lease.home() + "/.npm-global/bin/openclaw")
                .containsEntry("cliVersion", "2026.9.5").containsEntry("cliWritable", "true")
                .containsEntry("cliLink", "../lib/node_modules/openclaw/openclaw.mjs");
        assertThat(report.cliVersion()).isEqualTo(report.gatewayVersion());
        assertThat(report.cliPath()).isEqualTo(lease.home() + "/.npm-global/bin/openclaw");
        assertThat(r.facts()).containsKeys("kitsCount", "kitsBytes", "oldVersionsCount", "oldVersionsBytes");
        // the package tree's stat listing, taken right before its content hash (RESTORE compares it)
        assertThat(r.facts().get("packageStatSha256")).matches("[0-9a-f]{64}");
        assertThat(report.packageStatSha256()).isEqualTo(r.facts().get("packageStatSha256"));
        assertThat(r.evidence()).extracting(e -> e.name()).containsSubsequence("package tree stat listing sha256",
                "package tree sha256");
        inventory = r.facts();
    }

    @Test
    @Order(2)
    void cutoverThenRestoreRunsTheInventoriedBytesAgainAndARedeliveredFlipIsNotReapplied() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        String id = "c-full";
        Function<StepKind, StepCommand> candidate = cutover("2026.9.6", "CHG-1");

        succeeded(run(step(id, StepKind.FREEZE, 1, 1, t, candidate)));
        assertThat(Files.readString(lease.home().resolve(".openclaw-cutover/FROZEN"))).contains("cutoverId=c-full",
                "ticket=CHG-1", "tag=oc-cutover-");
        StepResult snapshot = succeeded(run(step(id, StepKind.SNAPSHOT, 1, 1, t, candidate)));
        assertThat(snapshot.facts()).containsKeys("kitPath", "stateArchiveSha256", "packageArchiveSha256",
                "plistBackupSha256").containsEntry("stateSnapshotMethod", "openclaw-backup");
        assertThat(snapshot.report()).isEqualTo(new StepReport.Snapshot(snapshot.facts().get("stateArchiveSha256"),
                snapshot.facts().get("packageArchiveSha256"), snapshot.facts().get("plistBackupSha256")));
        StepResult install = succeeded(run(step(id, StepKind.INSTALL_CANDIDATE, 1, 1, t, candidate)));
        assertThat(install.facts()).containsKeys("candidatePackageRoot", "candidatePackageSha256")
                .containsEntry("candidateEnginesNode", ">=18");
        assertThat(install.report(StepReport.InstallCandidate.class).candidateEnginesNode()).isEqualTo(">=18");

        RunStep flip = step(id, StepKind.FLIP_PLIST, 1, 1, t, candidate);
        StepResult flipped = succeeded(run(flip));
        assertThat(flipped.facts().get("newPlistSha256")).isEqualTo(sha256(plistFile(lease)))
                .isNotEqualTo(inventory.get("plistSha256"));
        assertThat(lease.installedVersion()).isEqualTo("2026.9.6");
        // the lease user's CLI moved with the plist (one rename of npm's bin link), the old version's files untouched
        String npmCli = lease.home() + "/.npm-global/bin/openclaw";
        String candidateCli = lease.home() + "/.openclaw-cutover/versions/2026.9.6/bin/openclaw";
        assertThat(flipped.facts()).containsEntry("cliSwitch", "SWITCHED").containsEntry("cliPath", npmCli)
                .containsEntry("cliLink", candidateCli).containsEntry("cliVersion", "2026.9.6")
                .containsEntry("cliPreviousLink", "../lib/node_modules/openclaw/openclaw.mjs")
                .containsEntry("cliPreviousVersion", "2026.9.5");
        assertThat(loginShell(t, "command -v openclaw; openclaw --version")).isEqualTo(npmCli + "\n2026.9.6\n");
        assertThat(Files.readSymbolicLink(Path.of(npmCli)).toString()).isEqualTo(candidateCli);
        assertThat(Files.readString(lease.home().resolve(".openclaw-cutover/c-full/cli.previous")))
                .isEqualTo("path=" + npmCli + "\nlink=../lib/node_modules/openclaw/openclaw.mjs\n");
        assertThat(treeHash(t, lease.home() + "/.npm-global/lib/node_modules/openclaw"))
                .as("the running version's package is not replaced").isEqualTo(inventory.get("packageSha256"));
        assertThat(flipped.evidence()).extracting(e -> e.name())
                .containsSubsequence("login shell openclaw", "mv candidate plist", "record cli in kit", "switch cli");

        // re-delivery of the very same command: answered from the worker's record, the lease is not touched
        Instant plistModified = Files.getLastModifiedTime(plistFile(lease)).toInstant();
        String ledgerBefore = Files.readString(ledger(lease));
        StepResult again = resend(flip, flipped);
        assertThat(again.messageId()).isEqualTo(flipped.messageId());
        assertThat(again.facts()).isEqualTo(flipped.facts());
        assertThat(Files.getLastModifiedTime(plistFile(lease)).toInstant()).isEqualTo(plistModified);
        assertThat(Files.readString(ledger(lease))).isEqualTo(ledgerBefore);
        assertThat(ledgerBefore.lines().filter(l -> l.contains(" c-full:FLIP_PLIST:1 "))).hasSize(1);

        // a worker restart (empty in-memory store and fencing): the lease's ledger answers, nothing is re-applied
        StepExecutionService restarted = new StepExecutionService(ssh, config, metrics, events);
        StepResult afterRestart = restarted.execute(flip);
        assertThat(afterRestart.outcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(afterRestart.messageId()).isEqualTo(flipped.messageId());
        assertThat(afterRestart.facts()).isEqualTo(flipped.facts());
        assertThat(afterRestart.evidence()).extracting(e -> e.name()).contains("read ledger")
                .doesNotContain("mv candidate plist", "plutil -lint", "switch cli");
        assertThat(Files.getLastModifiedTime(plistFile(lease)).toInstant()).isEqualTo(plistModified);
        assertThat(Files.readString(ledger(lease))).isEqualTo(ledgerBefore);

        StepResult reload = succeeded(run(step(id, StepKind.RELOAD, 1, 1, t, candidate)));
        assertThat(reload.facts()).containsEntry("runningVersion", "2026.9.6");
        assertThat(lease.runningVersion()).isEqualTo("2026.9.6");
        StepResult validate = succeeded(run(step(id, StepKind.VALIDATE, 1, 1, t,
                new StepCommand.Validate(null, null, null, Map.of(), 3, 500, null))));
        assertThat(Integer.parseInt(validate.facts().get("probeRounds"))).isBetween(4, 8);
        assertThat(validate.facts()).containsEntry("runningVersion", "2026.9.6");

        // rollback: a higher epoch, hashes from the inventory gate, with the package tree's stat listing
        StepCommand restore = new StepCommand.Restore("2026.9.5",
                Map.of("plist", inventory.get("plistSha256"), "package", inventory.get("packageSha256"),
                        "state", snapshot.facts().get("stateArchiveSha256"),
                        "packageStat", inventory.get("packageStatSha256")));
        StepResult restored = succeeded(run(step(id, StepKind.RESTORE, 1, 2, t, restore)));
        // the old tree was never touched (the candidate went beside it): its listing is unchanged, no content read
        assertThat(restored.facts()).containsEntry("packageCheck", "stat-unchanged");
        assertThat(restored.evidence()).extracting(e -> e.name()).contains("package tree stat listing sha256")
                .doesNotContain("package sha256 before", "restore package");
        // where the time went, part by part (the benchmark's split)
        for (String part : List.of("Connection", "HashChecks", "Package", "State", "Launchd", "GatewayStart",
                "Verify")) {
            assertThat(Long.parseLong(restored.facts().get("restore" + part + "Millis"))).as(part)
                    .isBetween(0L, 60_000L);
        }
        assertThat(Long.parseLong(restored.facts().get("restoreConnectionMillis")))
                .as("RESTORE opens a new connection (host key checked again)").isPositive();
        assertThat(restored.facts().get("restoreGatewayStartMillis")).isEqualTo(restored.facts().get("readyAfterMillis"));
        assertThat(restored.facts()).containsEntry("stateArchiveSha256", snapshot.facts().get("stateArchiveSha256"))
                .containsEntry("plistSha256After", inventory.get("plistSha256"))
                .containsEntry("packageSha256After", inventory.get("packageSha256"))
                .containsEntry("runningVersion", "2026.9.5")
                .containsKeys("plistSha256Before", "packageSha256Before");
        StepReport.Restore restoreReport = restored.report(StepReport.Restore.class);
        assertThat(restoreReport.stateArchiveSha256()).isEqualTo(snapshot.facts().get("stateArchiveSha256"));
        assertThat(restoreReport.plistSha256After()).isEqualTo(inventory.get("plistSha256"));
        assertThat(restoreReport.packageSha256After()).isEqualTo(inventory.get("packageSha256"));
        assertThat(restoreReport.runningVersion()).isEqualTo("2026.9.5");
        assertThat(restoreReport.unfrozen()).isTrue();
        // and the CLI is back where the kit recorded it: npm's relative link into the old package
        assertThat(restored.facts()).containsEntry("cliRestore", "RESTORED").containsEntry("cliVersion", "2026.9.5")
                .containsEntry("cliLink", "../lib/node_modules/openclaw/openclaw.mjs")
                .containsEntry("packageRestoredFromArchive", "false");
        assertThat(loginShell(t, "openclaw --version")).isEqualTo("2026.9.5\n");
        StepResult revalidated = succeeded(run(step(id, StepKind.VALIDATE, 1, 2, t,
                new StepCommand.Validate(null, "2026.9.5", null, Map.of(), 3, 500, null))));
        assertThat(revalidated.facts()).containsEntry("runningVersion", "2026.9.5");
        assertThat(revalidated.report(StepReport.Validate.class).runningVersion()).isEqualTo("2026.9.5");

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
                target(LeaseSimulatorResource.impostorHostKey()), NONE));
        assertThat(r.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(r.reason()).isEqualTo("host key mismatch for 127.0.0.1:" + lease.sshPort());
        assertThat(r.facts()).isEmpty();
    }

    @Test
    @Order(4)
    void aCommandWithAnOlderEpochThanOneAlreadySeenIsRefused() {
        LeaseTarget t = target(LeaseSimulatorResource.lease().hostKey());
        assertThat(run(step("c-epoch", StepKind.INVENTORY, 1, 5, t, NONE)).outcome())
                .isEqualTo(StepOutcome.SUCCEEDED);
        StepResult stale = run(step("c-epoch", StepKind.INVENTORY, 2, 4, t, NONE));
        assertThat(stale.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(stale.reason()).isEqualTo("stale epoch 4 < 5");
    }

    @Test
    @Order(5)
    void hostileParametersUnsupportedStepsAndPastDeadlinesAreAnsweredNotRun() {
        LeaseTarget t = target(LeaseSimulatorResource.lease().hostKey());
        StepResult hostile = run(step("c-bad", StepKind.INSTALL_CANDIDATE, 1, 1, t,
                new StepCommand.InstallCandidate("2026.9.6'; touch /tmp/pwned; '", null)));
        assertThat(hostile.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(hostile.reason()).startsWith("invalid parameter: version");
        assertThat(hostile.evidence()).isEmpty();

        StepResult parallel = run(step("c-bad", StepKind.PARALLEL_RUN, 1, 1, t, canary("2026.9.6", t.gatewayPort(), 2)));
        assertThat(parallel.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(parallel.reason()).isEqualTo("invalid parameter: canary port " + t.gatewayPort()
                + " is the gateway port");
        assertThat(parallel.evidence()).isEmpty();
        StepResult outside = run(step("c-bad", StepKind.PARALLEL_RUN, 2, 1, t, canary("2026.9.6", 8080, 2)));
        assertThat(outside.reason()).isEqualTo("invalid parameter: canary port 8080 is outside 18000-29999");

        StepResult wrongKind = run(step("c-bad", StepKind.RELOAD, 1, 1, t, new StepCommand.FlipPlist("2026.9.6")));
        assertThat(wrongKind.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(wrongKind.reason()).isEqualTo("invalid parameter: command of kind FLIP_PLIST in a RELOAD step");
        assertThat(wrongKind.evidence()).isEmpty();
        StepResult noCommand = run(step("c-bad", StepKind.RESTORE, 1, 1, t, (StepCommand) null));
        assertThat(noCommand.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(noCommand.reason()).isEqualTo("invalid parameter: command is required");

        RunStep late = step("c-bad", StepKind.FREEZE, 1, 1, t, NONE);
        late = late.toBuilder().deadline(Instant.now().minusSeconds(1)).build();
        StepResult timedOut = run(late);
        assertThat(timedOut.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
        assertThat(LeaseSimulatorResource.lease().home().resolve(".openclaw-cutover/FROZEN")).doesNotExist();
    }

    @Test
    @Order(6)
    void readinessIncludesTheKafkaChannelAndTheReadablePrivateKey() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }


    @Test
    @Order(7)
    void aValidateWindowProbesAsTheProbeAccountWhoseUidIsNotTheGatewaysWhileTheStepsRunAsTheGatewayUser() {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        assertThat(lease.probeAccount().osUser()).as("runs as root here and in CI: " + lease.probeAccount().note())
                .isTrue();
        StepResult inv = run(step("c-probeuser", StepKind.INVENTORY, 1, 1, target(lease.hostKey()), NONE));
        assertThat(inv.outcome()).as(inv.reason()).isEqualTo(StepOutcome.SUCCEEDED);
        String gatewayUid = inv.facts().get("uid");

        ProbePlan plan = new ProbePlan(List.of(ProbeLayer.PROCESS, ProbeLayer.TCP, ProbeLayer.APPLICATION,
                ProbeLayer.DISK), 500, 2, null, tightened(), Map.of(), null, null, null, "alice");
        RunStep v = step("c-probeuser", StepKind.VALIDATE, 1, 1, target(lease.hostKey()), withPlan(plan));
        StepResult r = run(v);

        assertThat(r.outcome()).as(r.reason()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(r.facts()).containsEntry("probeUser", "openclaw-probe").containsEntry("probeAccount", "DISTINCT")
                .containsEntry("gatewayUid", gatewayUid)
                .containsEntry("probeUid", Integer.toString(lease.probeAccount().uid()))
                .containsEntry("verdict.PROCESS", "PASSED").containsEntry("verdict.DISK", "PASSED");
        assertThat(r.facts().get("probeUid")).isNotEqualTo(r.facts().get("gatewayUid"));
        assertThat(r.evidence()).filteredOn(e -> e.name().equals("probe account id -u")).singleElement()
                .satisfies(e -> assertThat(e.command()).startsWith("openclaw-probe@"));
        // the process layer printed the gateway's job (its uid, not the probe account's) as the probe account
        assertThat(r.evidence()).filteredOn(e -> e.name().equals("launchctl print")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.command()).contains("gui/" + gatewayUid + "/ai.openclaw.gateway"));
        assertThat(r.evidence()).filteredOn(e -> e.name().equals("df")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.command()).isEqualTo("df -k '" + lease.home() + "'"));
    }

    /**
     * Issue 10 points 2 and 3: INVENTORY tries the probe account's launchd read exactly as the PROCESS probe runs it
     * (its sudo grant) and reports it; without the grant (fault switch PROBE_GRANT_REMOVED) the read is REFUSED with
     * sudo's answer, and a window run anyway is blind: PROCESS an ERROR every round (never "not loaded"), VALIDATE
     * FAILED naming the layer and the crash trigger, never GREEN.
     */
    @Test
    @Order(7)
    void theProbeAccountsLaunchdReadIsCheckedAtInventoryAndWithoutItsGrantTheWindowIsBlindNotGreen() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        StepResult ok = run(step("c-grant", StepKind.INVENTORY, 1, 1, target(lease.hostKey()), NONE));
        assertThat(ok.outcome()).as(ok.reason()).isEqualTo(StepOutcome.SUCCEEDED);
        String uid = ok.facts().get("uid");
        String read = "'sudo' '-n' '-u' '" + lease.sshUser() + "' '/bin/launchctl' 'print' 'gui/" + uid
                + "/ai.openclaw.gateway'";
        assertThat(ok.facts()).containsEntry("probeLaunchdRead", "OK").containsEntry("probeLaunchdState", "running")
                .containsEntry("probeUser", "openclaw-probe").containsEntry("gatewayUser", lease.sshUser());
        assertThat(ok.evidence()).filteredOn(e -> e.name().equals("probe account launchd read")).singleElement()
                .satisfies(e -> assertThat(e.command()).isEqualTo("openclaw-probe@" + lease.host() + ": " + read));

        LeaseSimulatorResource.simulator().setFaults(lease.id(), Faults.none().withProbeGrantRemoved(true));
        try {
            StepResult refused = run(step("c-grant", StepKind.INVENTORY, 2, 1, target(lease.hostKey()), NONE));
            assertThat(refused.outcome()).as("INVENTORY reports; the orchestrator's gate refuses")
                    .isEqualTo(StepOutcome.SUCCEEDED);
            assertThat(refused.facts()).containsEntry("probeLaunchdRead", "REFUSED")
                    .containsEntry("probeLaunchdDetail", "sudo: a password is required (exit 1)")
                    .doesNotContainKey("probeLaunchdState");
            assertThat(refused.facts()).as("the gateway's own read still works").containsEntry("launchdState", "running");

            ProbePlan plan = new ProbePlan(List.of(ProbeLayer.PROCESS, ProbeLayer.APPLICATION), 500, 2, null,
                    tightened(), Map.of(), null, null, null, "alice");
            RunStep v = step("c-grant", StepKind.VALIDATE, 1, 1, target(lease.hostKey()), withPlan(plan));
            StepResult r = run(v);
            assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
            assertThat(r.reason()).startsWith("blind validation window, not GREEN: layer PROCESS never PASSED (")
                    .contains("sudo: a password is required",
                            "trigger CRASH_LOOP INCONCLUSIVE for lack of data (no launchd run counter read)")
                    .doesNotContain("APPLICATION never PASSED");
            assertThat(r.facts()).containsEntry("windowVerdict", "FAIL").containsEntry("blind", "PROCESS,CRASH_LOOP")
                    .containsEntry("verdict.PROCESS", "ERROR").containsEntry("trigger.CRASH_LOOP", "INCONCLUSIVE");
            List<ProbeResult> process = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                    () -> PROBES.stream().filter(p -> v.messageId().equals(p.commandMessageId())
                            && p.layer() == ProbeLayer.PROCESS).toList(), l -> l.size() >= 2);
            assertThat(process).allSatisfy(p -> {
                assertThat(p.verdict()).isEqualTo(Verdict.ERROR);
                assertThat(p.detail()).isEqualTo("launchd state not readable by openclaw-probe: "
                        + "sudo: a password is required (exit 1)").doesNotContain("not loaded");
            });
        } finally {
            LeaseSimulatorResource.simulator().clearFault(lease.id(), FaultSwitch.PROBE_GRANT_REMOVED);
        }
    }

    @Test
    @Order(7)
    void aProbeAccountWithTheGatewaysUidFailsTheWindowAtOnceAndOneThatCannotLogInIsAnErrorNotAHang() {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        ProbePlan plan = new ProbePlan(List.of(ProbeLayer.PROCESS, ProbeLayer.APPLICATION), 500, 1, null, tightened(),
                Map.of(), null, null, null, "alice");
        // the gateway's own account named as the probe account: same uid, the window does not pretend
        long t0 = System.nanoTime();
        RunStep same = step("c-probe-same", StepKind.VALIDATE, 1, 1, targetWithProbeUser(lease.sshUser()), withPlan(plan));
        StepResult r = run(same);
        assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.reason()).isEqualTo("probe account " + lease.sshUser() + " runs as uid " + r.facts().get("gatewayUid")
                + ", the gateway's uid: the probe matrix must not run as the gateway user; window not run");
        assertThat(r.facts()).containsEntry("probeAccount", "SAME_UID");
        assertThat(PROBES).noneMatch(p -> same.messageId().equals(p.commandMessageId()));

        // an account the lease does not know: every probe is an ERROR (like any SSH failure), the window FAILS
        RunStep unknown = step("c-probe-unknown", StepKind.VALIDATE, 1, 1, targetWithProbeUser("nosuchprobe"),
                withPlan(plan));
        StepResult u = run(unknown);
        assertThat(u.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(u.reason()).startsWith("blind validation window, not GREEN: layer PROCESS never PASSED")
                .contains("layer APPLICATION never PASSED", "ssh: authentication failed");
        assertThat(u.facts()).containsEntry("probeAccount", "UNREACHABLE").containsEntry("probeUser", "nosuchprobe")
                .doesNotContainKey("probeUid");
        assertThat(u.evidence()).anySatisfy(e -> assertThat(e.output()).contains("authentication as nosuchprobe failed"));
        List<ProbeResult> errors = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> PROBES.stream().filter(p -> unknown.messageId().equals(p.commandMessageId())).toList(),
                l -> l.size() >= 2);
        assertThat(errors).allSatisfy(p -> {
            assertThat(p.verdict()).isEqualTo(Verdict.ERROR);
            assertThat(p.detail()).startsWith("ssh: authentication failed");
        });
        assertThat((System.nanoTime() - t0) / 1_000_000).as("no hang").isLessThan(30_000);
    }

    @Test
    @Order(7)
    void validateWithAPlanOnAHealthyLeasePublishesEveryLayerEveryRoundRunsTheDrillAndSucceeds() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        ProbePlan plan = new ProbePlan(List.of(ProbeLayer.values()), 500, 6, 2, tightened(), Map.of(), 50.0,
                "127.0.0.1:" + tlsServer.getLocalPort(), 30, "alice");
        RunStep v = step("c-plan", StepKind.VALIDATE, 1, 1, target(lease.hostKey()), withPlan(plan));
        // the command carries a trace (as the orchestrator's relay sends it): every record the step sends continues it
        String traceId = UUID.randomUUID().toString().replace("-", "");
        ProducerRecord<String, String> traced = new ProducerRecord<>(Topics.stepCommands(Region.HK), v.leaseId(),
                Json.write(v));
        traced.headers().add("traceparent", ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes());
        Registry.register(v.leaseId(), v.target());
        producer.send(traced);
        StepResult r = run(v, false);

        assertThat(r.outcome()).as(r.reason()).isEqualTo(StepOutcome.SUCCEEDED);
        int rounds = Integer.parseInt(r.facts().get("probeRounds"));
        assertThat(rounds).isBetween(6, 13);
        assertThat(r.facts()).containsEntry("runningVersion", "2026.9.5").containsEntry("trigger.CRASH_LOOP", "PASSED")
                .containsEntry("crashes", "0").containsEntry("errorRatePercent", "0")
                .containsEntry("verdict.PROCESS", "PASSED").containsEntry("verdict.TCP", "PASSED")
                .containsEntry("verdict.APPLICATION", "PASSED").containsEntry("verdict.INTEGRATION", "PASSED")
                .containsEntry("verdict.TLS", "PASSED").containsEntry("verdict.DISK", "PASSED")
                .containsEntry("restartDrillExitCode", "0")
                .containsKeys("integrationP95Millis", "diskFreePercent", "restartDrillAtSecond",
                        "restartDrillRecoveredMillis", "probeLatencyP95Millis");
        assertThat(r.evidence()).extracting(e -> e.name()).contains("restart drill", "hooks token", "tls certificate");

        List<ProbeResult> published = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> PROBES.stream().filter(p -> v.messageId().equals(p.commandMessageId())).toList(),
                l -> l.size() == rounds * ProbeLayer.values().length);
        for (int round = 1; round <= rounds; round++) {
            int n = round;
            assertThat(published.stream().filter(p -> p.round() == n).map(ProbeResult::layer))
                    .as("round " + n).containsExactlyInAnyOrder(ProbeLayer.values());
        }
        assertThat(published).allSatisfy(p -> {
            assertThat(p.epoch()).isEqualTo(1);
            assertThat(p.leaseId()).isEqualTo("hk-1");
        });
        assertThat(published).filteredOn(p -> "kickstart -k".equals(p.observed().get("restartDrill"))).hasSize(1);
        // the drill's restart is seen (run counter +1) and is not a crash; no failures outside its recovery
        assertThat(published).filteredOn(p -> p.verdict() == Verdict.FAILED || p.verdict() == Verdict.ERROR)
                .isEmpty();
        assertThat(published.stream().filter(p -> p.layer() == ProbeLayer.PROCESS)
                .map(p -> p.observed().get("runs")).collect(Collectors.toSet())).hasSize(2);
        assertThat(BREACHES).noneMatch(b -> b.cutoverId().equals("c-plan"));
        // one trace: the StepResult and every ProbeResult carry the command's trace id in their traceparent header
        List<String> headers = RAW.stream().filter(raw -> raw.contains(v.messageId())).map(TRACE_HEADER::get).toList();
        assertThat(headers).hasSize(published.size() + 1).allSatisfy(h -> assertThat(h).startsWith("00-" + traceId + "-"));
        // and each probe's latency is observed per layer at /q/metrics (probe_latency_seconds, registered at start-up)
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        for (ProbeLayer layer : ProbeLayer.values()) {
            assertThat(metrics).contains("probe_latency_seconds_bucket{layer=\"" + layer + "\",le=\"10.0\"}");
        }
        assertThat(metrics).doesNotContain("probe_latency_seconds_count{layer=\"TCP\"} 0.0");

        // no secret ever left the worker: hooks token, gateway token, private key
        JsonNode config = Json.MAPPER.readTree(lease.home().resolve(".openclaw/openclaw.json").toFile());
        String hooksToken = config.path("hooks").path("token").asText();
        String gatewayToken = config.path("gateway").path("auth").path("token").asText();
        assertThat(hooksToken).hasSizeGreaterThan(16);
        assertThat(RAW).isNotEmpty().allSatisfy(raw -> assertThat(raw).doesNotContain(hooksToken)
                .doesNotContain(gatewayToken).doesNotContain("PRIVATE KEY"));
    }

    @Test
    @Order(8)
    void aCrashLoopingGatewayTripsCrashLoopWithinOneRoundOfTheThirdCrash() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseSimulatorResource.simulator().setGatewayFaults("hk-1", "{\"*\":{\"crashAfterMs\":300}}");
        try {
            // the drill's kickstart -k loads the faulty start; from then on every run crashes 300 ms after ready
            ProbePlan plan = new ProbePlan(List.of(ProbeLayer.PROCESS, ProbeLayer.APPLICATION), 500, 40, 1,
                    tightened(), Map.of(TriggerKind.CRASH_LOOP, TriggerAction.ROLLBACK), 50.0, null, null, "alice");
            StepCommand params = new StepCommand.Validate("2026.9.6", "2026.9.5", "CHG-9",
                    Map.of("plist", "a".repeat(64)), null, null, plan);
            RunStep v = step("c-crash", StepKind.VALIDATE, 1, 3, target(lease.hostKey()), params);
            StepResult r = run(v);

            assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
            assertThat(r.reason()).matches("breach: CRASH_LOOP [3-9] crashes in \\d+ s \\(runs \\d+ -> \\d+.*\\)");
            ThresholdBreached b = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                    () -> BREACHES.stream().filter(x -> x.cutoverId().equals("c-crash")).findFirst().orElse(null),
                    x -> x != null);
            assertThat(b.trigger()).isEqualTo(TriggerKind.CRASH_LOOP);
            assertThat(b.action()).isEqualTo(TriggerAction.ROLLBACK);
            assertThat(b.epoch()).isEqualTo(3);
            assertThat(b.threshold()).isEqualTo("3 crashes within 300 s");
            assertThat(b.numbers()).containsKeys("runsFirst", "runsLast", "round", "lastExitCode");
            assertThat(Integer.parseInt(b.numbers().get("crashes"))).isGreaterThanOrEqualTo(3);
            assertThat(b.ticketId()).isEqualTo("CHG-9");
            assertThat(b.previousVersion()).isEqualTo("2026.9.5");
            assertThat(b.candidateVersion()).isEqualTo("2026.9.6");
            assertThat(b.rollbackOwner()).isEqualTo("alice");
            assertThat(b.expectedSha256()).containsEntry("plist", "a".repeat(64));
            assertThat(b.target()).isEqualTo(v.target());

            // observedAt is the PROCESS probe that saw the third crash; the breach followed within that round
            List<ProbeResult> process = PROBES.stream().filter(p -> v.messageId().equals(p.commandMessageId())
                    && p.layer() == ProbeLayer.PROCESS).sorted(java.util.Comparator.comparingInt(ProbeResult::round))
                    .toList();
            ProbeResult observing = process.stream().filter(p -> p.timestamp().equals(b.observedAt())).findFirst()
                    .orElseThrow();
            assertThat(observing.round()).isEqualTo(Integer.parseInt(b.numbers().get("round")))
                    .isEqualTo(process.get(process.size() - 1).round());
            long detectMillis = Duration.between(b.observedAt(), b.timestamp()).toMillis();
            long receivedMillis = Duration.between(b.observedAt(), RECEIVED_AT.get(b.messageId())).toMillis();
            System.out.printf("[measure] crash loop: probe -> breach published %d ms, -> consumed %d ms, "
                    + "round %d, %s%n", detectMillis, receivedMillis, observing.round(), b.observed());
            assertThat(detectMillis).isLessThan(500);
        } finally {
            LeaseSimulatorResource.simulator().setGatewayFaults("hk-1", "{}");
        }
        // the next KeepAlive respawn reads no faults and stays up
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "2026.9.5".equals(lease.runningVersion()));
    }

    @Test
    @Order(9)
    void aHungSshPeerIsTimedOutForAStepAndAnErrorForAProbeWithinTheConnectTimeout() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept()); // accepts TCP, never says a word
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LeaseTarget hung = new LeaseTarget(Region.HK, "127.0.0.1", silent.getLocalPort(), lease.sshUser(),
                    lease.hostKey(), lease.gatewayPort());
            long connectMillis = config.ssh().connectTimeout().toMillis();

            long start = System.nanoTime();
            StepResult r = run(step("c-hung", StepKind.INVENTORY, 1, 1, hung, NONE));
            long stepMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
            assertThat(r.reason()).isEqualTo("ssh to 127.0.0.1:" + silent.getLocalPort() + " timed out: no SSH "
                    + "handshake within " + connectMillis + " ms");
            assertThat(stepMillis).isLessThan(connectMillis + 5000);

            ProbeSession session = new ProbeSession(ssh, hung, lease.gatewayPort(), "gui/501/ai.openclaw.gateway",
                    null, null, 0, 10, new ProbeSession.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
                            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), null);
            start = System.nanoTime();
            ProbeOutcome o = new ProcessProbe().probe(session);
            assertThat(o.verdict()).isEqualTo(Verdict.ERROR);
            assertThat(o.detail()).startsWith("ssh: no SSH handshake within");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(connectMillis + 2000);
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    @Order(10)
    void aCommandThatNeverReturnsIsCutAtTheCommandTimeoutAndTheConnectionStaysUsable() throws Exception {
        LeaseTarget t = target(LeaseSimulatorResource.lease().hostKey());
        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ssh.exec(t, "sleep 30", Duration.ofMillis(800)))
                .isInstanceOf(CommandTimeoutException.class).hasMessage("command did not finish within 800 ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
        CommandResult after = ssh.exec(t, "echo still-here", Duration.ofSeconds(10));
        assertThat(after.stdout().trim()).isEqualTo("still-here");
    }

    @Test
    @Order(11)
    void aTamperedStateArchiveFailsTheRestoreBeforeAnythingIsRestored() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        String id = "c-tamper";
        Function<StepKind, StepCommand> candidate = cutover("2026.9.6", "CHG-2");
        succeeded(run(step(id, StepKind.FREEZE, 1, 1, t, candidate)));
        StepResult snapshot = succeeded(run(step(id, StepKind.SNAPSHOT, 1, 1, t, candidate)));
        String snapshotHash = snapshot.facts().get("stateArchiveSha256");
        Path archive = lease.home().resolve(".openclaw-cutover/" + id + "/state.tgz");
        assertThat(sha256(archive)).isEqualTo(snapshotHash);

        // someone rewrites the archive on the lease after the snapshot
        Files.write(archive, new byte[] {0x1f, (byte) 0x8b, 0}, java.nio.file.StandardOpenOption.APPEND);
        String tampered = sha256(archive);
        Instant plistModified = Files.getLastModifiedTime(plistFile(lease)).toInstant();
        Path stateConfig = lease.home().resolve(".openclaw/openclaw.json");
        String stateBefore = Files.readString(stateConfig);
        long runsBefore = Long.parseLong(run(step(id + "-inv", StepKind.INVENTORY, 1, 1, t, NONE))
                .facts().get("runs"));

        StepCommand restore = new StepCommand.Restore("2026.9.5",
                Map.of("plist", inventory.get("plistSha256"), "package", inventory.get("packageSha256"),
                        "state", snapshotHash));
        StepResult r = run(step(id, StepKind.RESTORE, 1, 2, t, restore));

        assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.reason()).isEqualTo("state archive " + archive + " hashes to " + tampered
                + ", not the snapshot hash " + snapshotHash + "; nothing restored");
        assertThat(r.facts()).containsEntry("stateArchiveSha256", tampered);
        // a failed restore still reports, typed, what it found
        assertThat(r.report(StepReport.Restore.class).stateArchiveSha256()).isEqualTo(tampered);
        assertThat(r.report(StepReport.Restore.class).plistSha256After()).isNull();
        assertThat(r.evidence()).extracting(e -> e.name()).contains("state archive sha256")
                .doesNotContain("launchctl bootout", "restore plist", "restore package", "restore state");
        // nothing restored: same plist, same state, no state moved aside, the gateway never stopped
        assertThat(Files.getLastModifiedTime(plistFile(lease)).toInstant()).isEqualTo(plistModified);
        assertThat(Files.readString(stateConfig)).isEqualTo(stateBefore);
        try (var kit = Files.list(archive.getParent())) {
            assertThat(kit.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("state-aside-"));
        }
        StepResult after = run(step(id + "-inv", StepKind.INVENTORY, 2, 1, t, NONE));
        assertThat(after.facts()).containsEntry("launchdState", "running").containsEntry("runs", Long.toString(runsBefore));
        assertThat(lease.runningVersion()).isEqualTo("2026.9.5");

        succeeded(run(step(id, StepKind.UNFREEZE, 1, 2, t, candidate)));
    }

    @Test
    @Order(29)
    void aPackageFileRewrittenInPlaceWithItsSizeAndMtimeKeptIsCaughtByItsCtimeAndRestoredFromTheKit() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        String id = "c-inplace";
        Function<StepKind, StepCommand> candidate = cutover("2026.9.6", "CHG-3");
        Path pkg = lease.home().resolve(".npm-global/lib/node_modules/openclaw");
        awaitSettled(pkg);
        StepResult inv = succeeded(run(step(id, StepKind.INVENTORY, 1, 1, t, NONE)));
        String stat = inv.facts().get("packageStatSha256");
        assertThat(stat).isNotNull();
        succeeded(run(step(id, StepKind.FREEZE, 1, 1, t, candidate)));
        StepResult snapshot = succeeded(run(step(id, StepKind.SNAPSHOT, 1, 1, t, candidate)));

        // someone rewrites a file of the running package: same length, mtime set back; only the ctime moves
        Path victim = pkg.resolve("package.json");
        String original = Files.readString(victim);
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(victim);
        Files.writeString(victim, original.replace("\"name\"", "\"nam3\""));
        Files.setLastModifiedTime(victim, mtime);
        assertThat(Files.size(victim)).isEqualTo(original.length());

        StepResult restored = succeeded(run(step(id, StepKind.RESTORE, 1, 2, t, new StepCommand.Restore("2026.9.5",
                Map.of("plist", inv.facts().get("plistSha256"), "package", inv.facts().get("packageSha256"),
                        "state", snapshot.facts().get("stateArchiveSha256"), "packageStat", stat)))));
        assertThat(restored.facts()).containsEntry("packageCheck", "content-hash")
                .containsEntry("packageRestoredFromArchive", "true")
                .containsEntry("packageSha256After", inv.facts().get("packageSha256"));
        assertThat(restored.facts().get("packageSha256Before")).isNotEqualTo(inv.facts().get("packageSha256"));
        assertThat(restored.evidence()).extracting(e -> e.name()).containsSubsequence(
                "package tree stat listing sha256", "package sha256 before", "restore package", "package sha256 after");
        assertThat(Files.readString(victim)).isEqualTo(original);
        assertThat(Long.parseLong(restored.facts().get("restorePackageMillis"))).isPositive();
        // the rewritten tree RESTORE moved aside is evidence for a human; the next tests want the lease as it was
        try (var aside = Files.list(pkg.getParent())) {
            for (Path p : aside.filter(p -> p.getFileName().toString().startsWith("openclaw.cutover-aside-")).toList()) {
                assertThat(Files.readString(p.resolve("package.json"))).contains("\"nam3\"");
                try (var walk = Files.walk(p)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    @Test
    @Order(12)
    void aRestoreWithoutTheStateHashIsRefusedUnrun() {
        LeaseTarget t = target(LeaseSimulatorResource.lease().hostKey());
        StepResult r = run(step("c-nostate", StepKind.RESTORE, 1, 1, t, new StepCommand.Restore("2026.9.5",
                Map.of("plist", inventory.get("plistSha256"), "package", inventory.get("packageSha256")))));
        assertThat(r.outcome()).isEqualTo(StepOutcome.REFUSED);
        assertThat(r.reason()).startsWith("invalid parameter: expectedSha256.state");
        assertThat(r.evidence()).isEmpty();
    }

    @Test
    @Order(13)
    void aCandidateTarballWithAnotherHashIsRefusedBeforeAnythingIsInstalled() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        Path fixtures = npmPackDouble(lease);
        try {
            Path tgz = fixtures.resolve("openclaw-2026.9.3.tgz");
            String found = sha256(tgz);
            String expected = "ab".repeat(32);
            StepResult r = run(step("c-tgz-bad", StepKind.INSTALL_CANDIDATE, 1, 1, target(lease.hostKey()),
                    new StepCommand.InstallCandidate("2026.9.3", expected)));

            String kitTarball = lease.home().resolve(".openclaw-cutover/c-tgz-bad/openclaw-2026.9.3.tgz").toString();
            assertThat(r.outcome()).isEqualTo(StepOutcome.FAILED);
            assertThat(r.reason()).isEqualTo("candidate tarball " + kitTarball + " hashes to " + found + ", expected "
                    + expected + "; nothing installed");
            assertThat(r.facts()).containsEntry("candidateTarballSha256", found);
            assertThat(r.evidence()).extracting(e -> e.name()).contains("npm pack", "tarball sha256")
                    .doesNotContain("npm install");
            assertThat(Files.readAllLines(fixtures.resolve("npm.log"))).containsExactly("pack openclaw@2026.9.3");
            assertThat(lease.home().resolve(".openclaw-cutover/versions/2026.9.3")).doesNotExist();
            assertThat(lease.runningVersion()).isEqualTo("2026.9.5");
            assertThat(lease.installedVersion()).isEqualTo("2026.9.5");
        } finally {
            restoreNpm(lease);
        }
    }

    @Test
    @Order(14)
    void aCandidateTarballWithTheExpectedHashIsInstalledFromThatVerifiedFile() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        Path fixtures = npmPackDouble(lease);
        try {
            String expected = sha256(fixtures.resolve("openclaw-2026.9.3.tgz"));
            StepResult r = succeeded(run(step("c-tgz-ok", StepKind.INSTALL_CANDIDATE, 1, 1, target(lease.hostKey()),
                    new StepCommand.InstallCandidate("2026.9.3", expected))));

            String kitTarball = lease.home().resolve(".openclaw-cutover/c-tgz-ok/openclaw-2026.9.3.tgz").toString();
            assertThat(r.facts()).containsEntry("candidateTarballSha256", expected)
                    .containsEntry("candidateTarball", kitTarball).containsKey("candidatePackageSha256");
            List<String> npm = Files.readAllLines(fixtures.resolve("npm.log"));
            assertThat(npm).hasSize(2);
            assertThat(npm.get(0)).isEqualTo("pack openclaw@2026.9.3");
            assertThat(npm.get(1)).startsWith("install -g --prefix ").endsWith(" " + kitTarball);
            assertThat(Files.readString(lease.home().resolve(
                    ".openclaw-cutover/versions/2026.9.3/lib/node_modules/openclaw/package.json")))
                    .contains("\"version\": \"2026.9.3\"");
            assertThat(lease.runningVersion()).isEqualTo("2026.9.5");
        } finally {
            restoreNpm(lease);
        }
    }

    @Test
    @Order(15)
    void snapshotTakesTheStateFromAVerifiedOpenclawBackupAndItsArchiveRestoresTheLiveState() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        String id = "c-snap-backup";
        Path state = lease.home().resolve(".openclaw");
        // tmp/ is skipped by `openclaw backup create` (OPENCLAW.md section 4) but would be in a tar of the live directory
        Files.createDirectories(state.resolve("tmp"));
        Files.writeString(state.resolve("tmp/scratch-" + id), "not part of a backup");
        String config = Files.readString(state.resolve("openclaw.json"));
        String db = sha256(state.resolve("state/openclaw.sqlite"));

        StepResult snapshot = succeeded(run(step(id, StepKind.SNAPSHOT, 1, 1, t, NONE)));

        Path kit = lease.home().resolve(".openclaw-cutover/" + id);
        assertThat(snapshot.facts()).containsEntry("stateSnapshotMethod", "openclaw-backup")
                .containsEntry("stateArchiveSha256", sha256(kit.resolve("state.tgz")))
                .doesNotContainKey("stateSnapshotFallbackReason");
        assertThat(snapshot.evidence()).extracting(e -> e.name()).contains("openclaw backup create",
                "archive state from backup").doesNotContain("archive state");
        Path backup = Path.of(snapshot.facts().get("stateBackupArchive"));
        assertThat(backup.getParent()).isEqualTo(kit.resolve("backup"));
        assertThat(snapshot.facts()).containsEntry("stateBackupSha256", sha256(backup));
        assertThat(Files.readString(kit.resolve("manifest.sha256"))).contains("backup/" + backup.getFileName());
        assertThat(kit.resolve("backup/extract")).doesNotExist();
        // the kit holds every gateway secret: created under umask 077 (the simulator's sessions have macOS's 022)
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(kit)))
                .as("kit directory").isEqualTo("rwx------");
        for (Path f : List.of(kit.resolve("state.tgz"), kit.resolve("package.tgz"), kit.resolve("manifest.sha256"),
                kit.resolve("ai.openclaw.gateway.plist"), backup)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                    .as("mode of %s", f.getFileName()).isEqualTo("rw-------");
        }

        Path unpacked = untar(kit.resolve("state.tgz"));
        assertThat(Files.readString(unpacked.resolve(".openclaw/openclaw.json"))).isEqualTo(config);
        assertThat(sha256(unpacked.resolve(".openclaw/state/openclaw.sqlite"))).isEqualTo(db);
        assertThat(unpacked.resolve(".openclaw/tmp/scratch-" + id)).doesNotExist();

        // the kit restores: RESTORE checks the hash, moves the live state aside and unpacks state.tgz
        Files.writeString(state.resolve("openclaw.json"), config.replace("{", "{\"changedAfterSnapshot\": true, "));
        StepCommand restore = new StepCommand.Restore("2026.9.5",
                Map.of("plist", inventory.get("plistSha256"), "package", inventory.get("packageSha256"),
                        "state", snapshot.facts().get("stateArchiveSha256")));
        StepResult restored = succeeded(run(step(id, StepKind.RESTORE, 1, 2, t, restore)));
        assertThat(restored.facts()).containsEntry("runningVersion", "2026.9.5");
        assertThat(Files.readString(state.resolve("openclaw.json"))).isEqualTo(config);
        assertThat(sha256(state.resolve("state/openclaw.sqlite"))).isEqualTo(db);
        assertThat(lease.runningVersion()).isEqualTo("2026.9.5");

        // a later attempt finds the verified kit (backup archive included) and does not overwrite it
        StepResult again = succeeded(run(step(id, StepKind.SNAPSHOT, 2, 2, t, NONE)));
        assertThat(again.reason()).isEqualTo("already applied");
        assertThat(again.facts()).containsEntry("stateSnapshotMethod", "openclaw-backup")
                .containsEntry("stateArchiveSha256", snapshot.facts().get("stateArchiveSha256"));
    }

    @Test
    @Order(16)
    void withoutAUsableBackupCliSnapshotFallsBackToTarAndRetriesAFileChangedExit() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        String id = "c-snap-tar";
        Path cli = lease.home().resolve(".npm-global/lib/node_modules/openclaw/openclaw.mjs");
        Path hidden = cli.resolveSibling("openclaw.mjs.hidden");
        Path bin = lease.home().resolve(".sim/bin");
        Path flag = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "tar-flaky-").resolve("failed-once");
        // GNU tar's exit 1 ("file changed as we read it") once, then the real tar
        Files.writeString(bin.resolve("tar"), "#!/bin/bash\n"
                + "case \" $* \" in *state.tgz*) if [ ! -e '" + flag + "' ]; then touch '" + flag + "'; "
                + "echo 'tar: .openclaw/state/openclaw.sqlite: file changed as we read it' >&2; exit 1; fi;; esac\n"
                + "for t in /usr/bin/tar /bin/tar; do [ -x \"$t\" ] && exec \"$t\" \"$@\"; done; exit 127\n");
        Files.setPosixFilePermissions(bin.resolve("tar"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(cli, hidden);
        StepResult snapshot;
        try {
            snapshot = succeeded(run(step(id, StepKind.SNAPSHOT, 1, 1, t, NONE)));
        } finally {
            Files.move(hidden, cli);
            Files.delete(bin.resolve("tar"));
        }

        Path kit = lease.home().resolve(".openclaw-cutover/" + id);
        // dist/index.js is the gateway only in the stand-in: `backup` exits 1 there
        assertThat(snapshot.facts()).containsEntry("stateSnapshotMethod", "tar")
                .containsEntry("stateSnapshotFallbackReason", "openclaw backup create exited 1")
                .containsEntry("stateTarAttempts", "2")
                .containsEntry("stateArchiveSha256", sha256(kit.resolve("state.tgz")))
                .doesNotContainKey("stateBackupArchive");
        assertThat(flag).exists();
        assertThat(snapshot.evidence()).extracting(e -> e.name()).contains("openclaw backup create", "archive state",
                "archive state (attempt 2)", "state snapshot method");
        assertThat(snapshot.evidence()).filteredOn(e -> e.name().equals("archive state"))
                .extracting(e -> e.exitCode()).containsExactly(1);
        assertThat(Files.readString(kit.resolve("manifest.sha256"))).doesNotContain("backup/");
        Path unpacked = untar(kit.resolve("state.tgz"));
        assertThat(Files.readString(unpacked.resolve(".openclaw/openclaw.json")))
                .isEqualTo(Files.readString(lease.home().resolve(".openclaw/openclaw.json")));
    }

    @Test
    @Order(17)
    void aCanaryOfTheCandidateIsStartedOnItsOwnPortProbedAndStoppedWhileProductionKeepsServingTheOldVersion()
            throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        String id = "c-canary";
        Function<StepKind, StepCommand> candidate = cutover("2026.9.6", "CHG-4");
        succeeded(run(step(id, StepKind.SNAPSHOT, 1, 1, t, candidate)));
        succeeded(run(step(id, StepKind.INSTALL_CANDIDATE, 1, 1, t, candidate)));
        Map<String, String> before = succeeded(run(step(id + "-inv", StepKind.INVENTORY, 1, 1, t,
                NONE))).facts();
        int port = freePort(lease.gatewayPort());

        // what an operator's tunnel would see on both ports while the step runs
        List<String> production = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> canarySeen = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                production.add(startupVersion(lease.gatewayPort()));
                String c = startupVersion(port);
                if (!c.equals("down") && !c.startsWith("no version")) {
                    canarySeen.add(c);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "canary-watcher");
        watcher.start();
        StepResult r;
        try {
            r = succeeded(run(step(id, StepKind.PARALLEL_RUN, 1, 1, t, canary("2026.9.6", port, 2))));
        } finally {
            watching.set(false);
            watcher.join(5000);
        }

        assertThat(r.facts()).containsEntry("canaryPort", Integer.toString(port))
                .containsEntry("canaryVersion", "2026.9.6").containsEntry("productionVersion", "2026.9.5")
                .containsEntry("canaryStateSource", "snapshot").containsEntry("canaryStopResult", "terminated")
                .containsEntry("canaryPortFree", "true");
        int rounds = Integer.parseInt(r.facts().get("canaryProbeRounds"));
        assertThat(rounds).isBetween(3, 12);
        assertThat(r.facts()).containsEntry("canaryHealthzOk", Integer.toString(rounds))
                .containsEntry("canaryReadyzOk", Integer.toString(rounds))
                .containsEntry("productionProbeOk", Integer.toString(rounds));
        assertThat(r.evidence()).extracting(e -> e.name()).contains("canary state", "start canary", "stop canary");
        assertThat(r.evidence()).filteredOn(e -> e.name().equals("start canary")).first()
                .satisfies(e -> assertThat(e.command()).contains("OPENCLAW_STATE_DIR='" + lease.home()
                        + "/.openclaw-cutover/c-canary/canary-state'", "OPENCLAW_SKIP_CHANNELS=1", "nohup ",
                        "/versions/2026.9.6/lib/node_modules/openclaw/dist/index.js' gateway --port '" + port + "'"));
        // the canary really served the candidate on its port, production never left the old version
        assertThat(canarySeen).isNotEmpty().containsOnly("2026.9.6");
        assertThat(production).isNotEmpty().containsOnly("2026.9.5");
        // stopped: pid gone, port free, production's launchd job untouched
        long pid = Long.parseLong(r.facts().get("canaryPid"));
        assertThat(running(pid)).as("canary pid " + pid + " still running").isFalse();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
        Path kit = lease.home().resolve(".openclaw-cutover/" + id);
        assertThat(kit.resolve("canary.pid")).doesNotExist();
        assertThat(Files.readString(kit.resolve("canary.log"))).contains("2026.9.6");
        assertThat(Files.exists(kit.resolve("canary-state/openclaw.json"))).isTrue();
        Map<String, String> after = succeeded(run(step(id + "-inv", StepKind.INVENTORY, 2, 1, t,
                NONE))).facts();
        assertThat(after).containsEntry("gatewayVersion", "2026.9.5").containsEntry("launchdState", "running")
                .containsEntry("gatewayPid", before.get("gatewayPid")).containsEntry("runs", before.get("runs"));
        assertThat(lease.runningVersion()).isEqualTo("2026.9.5");
        assertThat(lease.installedVersion()).isEqualTo("2026.9.5");
    }

    @Test
    @Order(18)
    void aCanaryThatFailsReadyzFailsTheStepAndIsStillStoppedWithTheLeaseUnchanged() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        String id = "c-canary-bad";
        Function<StepKind, StepCommand> candidate = cutover("2026.9.6", "CHG-5");
        succeeded(run(step(id, StepKind.INSTALL_CANDIDATE, 1, 1, t, candidate)));
        String plistBefore = sha256(plistFile(lease));
        int port = freePort(lease.gatewayPort());
        Path faults = lease.home().resolve(".sim/gateway-faults.json");
        String previousFaults = Files.exists(faults) ? Files.readString(faults) : null;
        // read by a gateway at start: the candidate answers /startupz 200 but /readyz 503 right after
        Files.writeString(faults, "{\"2026.9.6\": {\"readyFailingAfterMs\": 0}}");
        StepResult r;
        try {
            r = run(step(id, StepKind.PARALLEL_RUN, 1, 1, t, canary("2026.9.6", port, 5)));
        } finally {
            if (previousFaults == null) {
                Files.delete(faults);
            } else {
                Files.writeString(faults, previousFaults);
            }
        }

        assertThat(r.outcome()).as(r.reason()).isEqualTo(StepOutcome.FAILED);
        assertThat(r.reason()).isEqualTo("canary on port " + port + ": /readyz answered 503 during the canary window");
        assertThat(r.facts()).containsEntry("canaryVersion", "2026.9.6").containsEntry("canaryReadyzOk", "0")
                .containsEntry("canaryStopResult", "terminated").containsEntry("canaryPortFree", "true")
                .containsEntry("canaryStateSource", "live-copy");
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
        assertThat(sha256(plistFile(lease))).isEqualTo(plistBefore);
        assertThat(lease.runningVersion()).isEqualTo("2026.9.5");
        assertThat(startupVersion(lease.gatewayPort())).isEqualTo("2026.9.5");
        // the compensation (UNFREEZE) finds no canary left to stop
        StepResult unfreeze = succeeded(run(step(id, StepKind.UNFREEZE, 1, 1, t, candidate)));
        assertThat(unfreeze.facts()).doesNotContainKey("canaryStopResult");
    }

    @Test
    @Order(30)
    void afterGreenUnfreezeRemovesOldVersionDirectoriesKeepsThePreviousOneAndRollbacksSwitchTheCliBack()
            throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        Path versions = lease.home().resolve(".openclaw-cutover/versions");
        String npmCli = lease.home() + "/.npm-global/bin/openclaw";
        // litter of earlier cutovers, and a directory that is no version (not the cutovers': never counted or touched)
        fakeVersion(versions, "2026.9.1");
        fakeVersion(versions, "2026.9.2");
        Files.createDirectories(versions.resolve("notes"));
        Map<String, String> invA = succeeded(run(step("c-prune-a-inv", StepKind.INVENTORY, 1, 1, t, NONE))).facts();
        List<String> litter = versionDirs(versions);
        assertThat(litter).contains("2026.9.1", "2026.9.2").doesNotContain("notes");
        // the service runs from npm's global prefix: every version directory is an old one
        assertThat(invA).containsEntry("oldVersionsCount", Integer.toString(litter.size()))
                .containsEntry("cliVersion", "2026.9.5");
        assertThat(Long.parseLong(invA.get("oldVersionsBytes"))).isPositive();
        assertThat(Long.parseLong(invA.get("kitsCount"))).isPositive();
        assertThat(Long.parseLong(invA.get("kitsBytes"))).isPositive();

        // cutover A, GREEN path: 2026.9.5 side by side (from npm's prefix into versions/2026.9.5)
        Function<StepKind, StepCommand> a = cutover("2026.9.5", "CHG-A");
        String snapshotA = greenPath("c-prune-a", t, a).facts().get("stateArchiveSha256");
        StepResult unfreezeA = succeeded(run(step("c-prune-a", StepKind.UNFREEZE, 1, 1, t, a)));
        assertThat(unfreezeA.facts()).containsEntry("pruneVersions", "REMOVED").containsEntry("keptVersions", "2026.9.5");
        assertThat(unfreezeA.facts().get("prunedVersions").split(",")).containsExactlyInAnyOrderElementsOf(
                litter.stream().filter(v -> !v.equals("2026.9.5")).toList());
        assertThat(versionDirs(versions)).containsExactly("2026.9.5");
        assertThat(versions.resolve("notes")).isDirectory();
        assertThat(lease.home().resolve(".npm-global/lib/node_modules/openclaw/package.json"))
                .as("nothing outside versions/").exists();
        assertThat(lease.home().resolve(".openclaw-cutover/FROZEN")).doesNotExist();
        assertThat(Files.readSymbolicLink(Path.of(npmCli)).toString()).isEqualTo(versions + "/2026.9.5/bin/openclaw");

        // cutover B from there to 2026.9.6; litter appears meanwhile; UNFREEZE keeps the running and the previous one
        Map<String, String> invB = succeeded(run(step("c-prune-b-inv", StepKind.INVENTORY, 1, 1, t, NONE))).facts();
        assertThat(invB).containsEntry("oldVersionsCount", "0").containsEntry("cliVersion", "2026.9.5")
                .containsEntry("packageRoot", versions + "/2026.9.5/lib/node_modules/openclaw");
        Function<StepKind, StepCommand> bCmd = cutover("2026.9.6", "CHG-B");
        String snapshotB = greenPath("c-prune-b", t, bCmd).facts().get("stateArchiveSha256");
        fakeVersion(versions, "2026.9.4");
        assertThat(loginShell(t, "openclaw --version")).isEqualTo("2026.9.6\n");
        StepResult unfreezeB = succeeded(run(step("c-prune-b", StepKind.UNFREEZE, 1, 1, t, bCmd)));
        assertThat(unfreezeB.facts()).containsEntry("pruneVersions", "REMOVED")
                .containsEntry("keptVersions", "2026.9.6,2026.9.5").containsEntry("prunedVersions", "2026.9.4");
        assertThat(versionDirs(versions)).containsExactlyInAnyOrder("2026.9.5", "2026.9.6");
        Map<String, String> after = succeeded(run(step("c-prune-b-inv", StepKind.INVENTORY, 2, 1, t, NONE))).facts();
        assertThat(after).containsEntry("oldVersionsCount", "1").containsEntry("oldVersions", "2026.9.5")
                .containsEntry("cliVersion", "2026.9.6").containsEntry("gatewayVersion", "2026.9.6");

        // rollback of B (after GREEN): the previous version directory is still there, the CLI goes back into it
        StepResult restoredB = succeeded(run(step("c-prune-b", StepKind.RESTORE, 1, 2, t, new StepCommand.Restore(
                "2026.9.5", Map.of("plist", invB.get("plistSha256"), "package", invB.get("packageSha256"),
                        "state", snapshotB)))));
        assertThat(restoredB.facts()).containsEntry("runningVersion", "2026.9.5").containsEntry("cliRestore", "RESTORED")
                .containsEntry("cliLink", versions + "/2026.9.5/bin/openclaw").containsEntry("cliVersion", "2026.9.5")
                .containsEntry("packageRestoredFromArchive", "false");
        // and of A: back to npm's prefix and its relative bin link, the lease as it was before both
        StepResult restoredA = succeeded(run(step("c-prune-a", StepKind.RESTORE, 1, 2, t, new StepCommand.Restore(
                "2026.9.5", Map.of("plist", invA.get("plistSha256"), "package", invA.get("packageSha256"),
                        "state", snapshotA)))));
        assertThat(restoredA.facts()).containsEntry("cliRestore", "RESTORED")
                .containsEntry("cliLink", "../lib/node_modules/openclaw/openclaw.mjs");
        assertThat(loginShell(t, "command -v openclaw; openclaw --version")).isEqualTo(npmCli + "\n2026.9.5\n");
        assertThat(sha256(plistFile(lease))).isEqualTo(invA.get("plistSha256"));
        assertThat(lease.runningVersion()).isEqualTo("2026.9.5");
    }

    @Test
    @Order(31)
    void inventoryReportsTheCliTheLoginShellFindsWhenItIsNotTheServicesVersion() throws Exception {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        LeaseTarget t = target(lease.hostKey());
        LeaseSimulatorResource.simulator().setFaults("hk-1",
                com.maclogin.cutover.simulator.Faults.none().withCliVersion("2026.9.3"));
        try {
            StepResult r = succeeded(run(step("c-cli-drift", StepKind.INVENTORY, 1, 1, t, NONE)));
            assertThat(r.facts()).containsEntry("gatewayVersion", "2026.9.5").containsEntry("cliVersion", "2026.9.3")
                    .containsEntry("cliPath", lease.home() + "/.sim/cli-drift/bin/openclaw");
            assertThat(r.report(StepReport.Inventory.class).cliVersion()).isEqualTo("2026.9.3");
            assertThat(r.evidence()).extracting(e -> e.name()).contains("login shell openclaw",
                    "login shell openclaw --version");
        } finally {
            LeaseSimulatorResource.simulator().clearFaults("hk-1");
        }
    }

    /** INVENTORY, FREEZE, SNAPSHOT, INSTALL_CANDIDATE, FLIP_PLIST, RELOAD of {@code id}; returns the SNAPSHOT result. */
    private static StepResult greenPath(String id, LeaseTarget t, Function<StepKind, StepCommand> commands) {
        succeeded(run(step(id, StepKind.FREEZE, 1, 1, t, commands)));
        StepResult snapshot = succeeded(run(step(id, StepKind.SNAPSHOT, 1, 1, t, commands)));
        succeeded(run(step(id, StepKind.INSTALL_CANDIDATE, 1, 1, t, commands)));
        StepResult flip = succeeded(run(step(id, StepKind.FLIP_PLIST, 1, 1, t, commands)));
        assertThat(flip.facts()).containsEntry("cliSwitch", "SWITCHED");
        succeeded(run(step(id, StepKind.RELOAD, 1, 1, t, commands)));
        return snapshot;
    }

    private static void fakeVersion(Path versions, String v) throws Exception {
        Path pkg = versions.resolve(v + "/lib/node_modules/openclaw");
        Files.createDirectories(pkg);
        Files.writeString(pkg.resolve("package.json"), "{\"name\": \"openclaw\", \"version\": \"" + v + "\"}\n");
    }

    /** The version directories under {@code versions} (names that are versions), sorted. */
    private static List<String> versionDirs(Path versions) throws Exception {
        try (var l = Files.list(versions)) {
            return l.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> com.maclogin.cutover.contracts.Validation.version(n) == null).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** stdout of {@code script} in the lease user's login shell, over SSH as the gateway's account. */
    private String loginShell(LeaseTarget t, String script) throws Exception {
        CommandResult r = ssh.exec(t, "\"$SHELL\" -lc '" + script + "'", Duration.ofSeconds(20));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.stdout();
    }

    /** The package tree hash INVENTORY computes, of {@code root} on the lease. */
    /** Waits until every entry under {@code root} changed more than 2.2 s ago (a listing trusted at INVENTORY). */
    private static void awaitSettled(Path root) throws Exception {
        long newest = 0;
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                java.nio.file.attribute.FileTime c = (java.nio.file.attribute.FileTime) Files.getAttribute(p,
                        "unix:ctime", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                newest = Math.max(newest, Math.max(c.toMillis(),
                        Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis()));
            }
        }
        long wait = newest + 2_200 - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private String treeHash(LeaseTarget t, String root) throws Exception {
        CommandResult r = ssh.exec(t, com.maclogin.cutover.probe.service.LeaseInventory.packageTreeHashScript(root),
                Duration.ofSeconds(20));
        return r.stdout().substring(0, 64);
    }

    /**
     * The lease-simulator's npm shim emulates {@code npm install -g [--prefix] openclaw@<v>} only: no {@code npm pack}
     * and no install from a tarball file. This test double wraps it on the lease's PATH: {@code pack} copies a fixture
     * tarball into the working directory, an install of {@code <dir>/openclaw-<v>.tgz} is passed to the shim as
     * {@code openclaw@<v>}; every call is logged to {@code npm.log}. Returns the fixture directory.
     */
    private static Path npmPackDouble(SimulatedLease lease) throws Exception {
        Path fixtures = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "npm-pack-");
        Files.write(fixtures.resolve("openclaw-2026.9.3.tgz"),
                ("openclaw 2026.9.3 tarball fixture " + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path bin = lease.home().resolve(".sim/bin");
        if (!Files.exists(bin.resolve("npm-sim"))) {
            Files.move(bin.resolve("npm"), bin.resolve("npm-sim"));
        }
        String f = fixtures.toString();
        Files.writeString(bin.resolve("npm"), "#!/bin/bash\n"
                + "echo \"$*\" >> '" + f + "/npm.log'\n"
                + "if [ \"$1\" = pack ]; then\n"
                + "  v=\"${2#openclaw@}\"\n"
                + "  [ -f '" + f + "'/openclaw-\"$v\".tgz ] || { echo 'npm error 404' >&2; exit 1; }\n"
                + "  cp '" + f + "'/openclaw-\"$v\".tgz ./openclaw-\"$v\".tgz && echo openclaw-\"$v\".tgz; exit $?\n"
                + "fi\n"
                + "args=()\n"
                + "for a in \"$@\"; do case \"$a\" in\n"
                + "  *.tgz) b=\"${a##*/}\"; b=\"${b#openclaw-}\"; args+=(\"openclaw@${b%.tgz}\") ;;\n"
                + "  *) args+=(\"$a\") ;;\n"
                + "esac; done\n"
                + "exec \"$(dirname \"$0\")/npm-sim\" \"${args[@]}\"\n");
        Files.setPosixFilePermissions(bin.resolve("npm"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return fixtures;
    }

    private static void restoreNpm(SimulatedLease lease) throws Exception {
        Path bin = lease.home().resolve(".sim/bin");
        Files.move(bin.resolve("npm-sim"), bin.resolve("npm"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Playbook thresholds with fewer samples, so a short test window can decide. */
    private static TriggerThresholds tightened() {
        TriggerThresholds p = TriggerThresholds.playbook();
        return new TriggerThresholds(p.crashCount(), p.crashWindowSeconds(), p.errorRatePercent(), 5,
                p.latencyMultiplier(), p.latencyFloorMillis(), p.integrationP95MaxMillis(), 1.0);
    }

    private static StepCommand withPlan(ProbePlan plan) {
        return new StepCommand.Validate(null, "2026.9.5", "CHG-1", Map.of(), null, null, plan);
    }

    /** Commands that need nothing but the kind (INVENTORY, SNAPSHOT, UNFREEZE). */
    private static final Function<StepKind, StepCommand> NONE = kind -> cutover(null, null).apply(kind);

    /** The commands of a cutover to {@code version} under {@code ticket}, by kind (as the orchestrator sends them). */
    private static Function<StepKind, StepCommand> cutover(String version, String ticket) {
        return kind -> switch (kind) {
            case INVENTORY -> new StepCommand.Inventory();
            case FREEZE -> new StepCommand.Freeze(ticket, null);
            case SNAPSHOT -> new StepCommand.Snapshot();
            case INSTALL_CANDIDATE -> new StepCommand.InstallCandidate(version, null);
            case FLIP_PLIST -> new StepCommand.FlipPlist(version);
            case RELOAD -> new StepCommand.Reload(version);
            case UNFREEZE -> new StepCommand.Unfreeze();
            default -> throw new IllegalArgumentException(kind + " needs its own command");
        };
    }

    private static LeaseTarget target(String hostKey) {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        return new LeaseTarget(Region.HK, lease.host(), lease.sshPort(), lease.sshUser(), hostKey,
                lease.gatewayPort(), lease.probeUser());
    }

    private static LeaseTarget targetWithProbeUser(String probeUser) {
        SimulatedLease lease = LeaseSimulatorResource.lease();
        return new LeaseTarget(Region.HK, lease.host(), lease.sshPort(), lease.sshUser(), lease.hostKey(),
                lease.gatewayPort(), probeUser);
    }

    private static RunStep step(String cutoverId, StepKind kind, int attempt, long epoch, LeaseTarget target,
            StepCommand command) {
        return RunStep.builder().cutoverId(cutoverId).leaseId("hk-1").epoch(epoch).kind(kind).attempt(attempt)
                .replyTo(Topics.STEP_RESULTS).target(target).command(command).deadline(Instant.now().plusSeconds(60))
                .build();
    }

    private static RunStep step(String cutoverId, StepKind kind, int attempt, long epoch, LeaseTarget target,
            Function<StepKind, StepCommand> commands) {
        return step(cutoverId, kind, attempt, epoch, target, commands.apply(kind));
    }

    private static StepResult run(RunStep command) {
        return run(command, true);
    }

    /** {@code send}: false when the caller sent the command itself (e.g. with headers). */
    private static StepResult run(RunStep command, boolean send) {
        if (command.target() != null) {
            Registry.register(command.leaseId(), command.target()); // what the orchestrator publishes for the lease
        }
        if (send) {
            producer.send(new ProducerRecord<>(Topics.stepCommands(Region.HK), command.leaseId(), Json.write(command)));
        }
        producer.flush();
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> RESULTS.stream().filter(r -> command.messageId().equals(r.commandMessageId()))
                        .findFirst().orElse(null), r -> r != null);
    }

    /** Sends {@code command} again and waits for a second result answering it. */
    private static StepResult resend(RunStep command, StepResult first) {
        Registry.register(command.leaseId(), command.target());
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

    /** PARALLEL_RUN's command: the candidate, its canary plan, a short probe interval. */
    private static StepCommand canary(String version, int port, int seconds) {
        return new StepCommand.ParallelRun(version, new com.maclogin.cutover.contracts.CanaryPlan(port, seconds), 500);
    }

    /** Alive and not a zombie (this machine's pid 1 does not reap orphans, so a stopped canary may linger as one). */
    private static boolean running(long pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        String s = Files.readString(stat);
        return !s.substring(s.lastIndexOf(')') + 1).trim().startsWith("Z");
    }

    /** A free loopback port in the canary range, away from the gateway's. */
    private static int freePort(int gatewayPort) throws Exception {
        for (int port = 19990 - (int) (ProcessHandle.current().pid() % 500); port > 18000; port -= 13) {
            if (Math.abs(port - gatewayPort) < 120) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (java.io.IOException busy) {
                // next
            }
        }
        throw new IllegalStateException("no free canary port");
    }

    /** {@code version} of {@code GET /startupz} on a loopback port, {@code down} when nothing answers. */
    private static String startupVersion(int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(2000);
            s.getOutputStream().write(("GET /startupz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\":\"([^\"]+)\"").matcher(response);
            return m.find() ? m.group(1) : "no version: " + response.lines().findFirst().orElse("");
        } catch (java.io.IOException e) {
            return "down";
        }
    }

    private static Path untar(Path archive) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "untar-");
        Process p = new ProcessBuilder("tar", "-C", dir.toString(), "-xzf", archive.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        return dir;
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
