package com.maclogin.cutover.orchestrator.it;

import com.maclogin.cutover.contracts.Evidence;
import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.StepKind;
import com.maclogin.cutover.contracts.StepOutcome;
import com.maclogin.cutover.contracts.StepReport;
import com.maclogin.cutover.contracts.StepResult;
import com.maclogin.cutover.contracts.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the regional workers (every region): consumes RunStep from cutover.steps.* over the real broker and answers
 * each with a StepResult on the command's replyTo topic. Per lease, a script can change the answer or hold it.
 */
public final class FakeWorker implements AutoCloseable {

    public static final String HASH_PLIST = "1f".repeat(32);
    public static final String HASH_PACKAGE = "2e".repeat(32);
    public static final String HASH_STATE = "3c".repeat(32);

    /** How to answer one command: a result, or null to hold it (never answer). */
    public interface Script {
        StepResult answer(RunStep cmd);
    }

    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    public final List<RunStep> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public FakeWorker(String bootstrap) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "fake-worker-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        // every region's command topic: fleet tests run leases in several regions (the other tests use HK only)
        consumer.subscribe(java.util.Arrays.stream(com.maclogin.cutover.contracts.Region.values())
                .map(Topics::stepCommands).toList());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        thread = new Thread(this::loop, "fake-worker");
        thread.setDaemon(true);
        thread.start();
    }

    public void script(String leaseId, Script script) {
        scripts.put(leaseId, script);
    }

    public List<RunStep> commandsFor(String cutoverId) {
        return received.stream().filter(r -> r.cutoverId().equals(cutoverId)).toList();
    }

    private void loop() {
        while (running) {
            for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(100))) {
                RunStep cmd = Json.read(rec.value(), RunStep.class);
                received.add(cmd);
                StepResult result = scripts.getOrDefault(cmd.leaseId(), FakeWorker::succeed).answer(cmd);
                if (result != null) {
                    publish(result);
                }
            }
        }
        consumer.close();
    }

    public void publish(StepResult result) {
        publish(Topics.STEP_RESULTS, result.leaseId(), result);
    }

    /** Publishes any message (ProbeResult, ThresholdBreached, ...) as the worker would, keyed by lease id. */
    public void publish(String topic, String leaseId, Object message) {
        try {
            producer.send(new ProducerRecord<>(topic, leaseId, Json.write(message))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, String> inventoryFacts() {
        Map<String, String> f = new HashMap<>();
        f.put("uid", "501");
        f.put("loginNodeVersion", "v22.12.0");
        f.put("plistNodeVersion", "v22.12.0");
        f.put("enginesNode", ">=22.12.0");
        f.put("gatewayVersion", "2026.9.5");
        f.put("gatewayPort", "18789");
        f.put("gatewayPid", "4242");
        f.put("listeningPid", "4242");
        f.put("plistSha256", HASH_PLIST);
        f.put("packageSha256", HASH_PACKAGE);
        f.put("diskFreePercent", "42");
        f.put("baselineP95Millis", "180");
        f.put("gatewayUser", "openclaw");
        f.put("probeUser", "openclaw-probe");
        f.put("probeLaunchdRead", "OK");
        f.put("probeLaunchdState", "running");
        f.put("cliPath", "/Users/openclaw/.npm-global/bin/openclaw");
        f.put("cliVersion", "2026.9.5");
        f.put("cliWritable", "true");
        return f;
    }

    public static StepResult succeed(RunStep cmd) {
        Map<String, String> facts = switch (cmd.kind()) {
            case INVENTORY -> inventoryFacts();
            case SNAPSHOT -> Map.of("kitPath", "/Users/gw/.openclaw-cutover/" + cmd.cutoverId(),
                    "stateArchiveSha256", HASH_STATE, "packageArchiveSha256", "4b".repeat(32),
                    "plistBackupSha256", HASH_PLIST);
            default -> Map.of();
        };
        return result(cmd, StepOutcome.SUCCEEDED, null, facts);
    }

    public static StepResult result(RunStep cmd, StepOutcome outcome, String reason, Map<String, String> facts) {
        return StepResult.answering(cmd).outcome(outcome).reason(reason).facts(facts)
                .report(StepReport.fromFacts(cmd.kind(), facts))
                .evidence(List.of(Evidence.of(cmd.kind().name().toLowerCase(), "fake " + cmd.kind(), 0, "ok")))
                .durationMillis(3).workerId("fake-worker-hk").build();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(1));
    }
}
