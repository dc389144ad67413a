package com.maclogin.cutover.probe.registry;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.RunStep;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.messaging.KafkaClientProperties;
import com.maclogin.cutover.probe.ProbeReasons;
import com.maclogin.cutover.probe.config.ProbeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;

/**
 * The worker's copy of its region's lease registry: {@code cutover.leases.<region>} (compacted, written only by the
 * orchestrator) read from the beginning by a plain consumer ({@code assign} of every partition, no group, nothing
 * committed) into a map kept current by a daemon thread. A step command is served only for a lease in this map, and
 * with the host, port, users and pinned host key of the map ({@link #resolve}): the command's own {@code target} is
 * never believed. Readiness ({@link LeaseRegistryReadinessCheck}) is DOWN until the topic was read up to the end
 * offsets it had at start. A command for a lease the map does not hold (or holds in another region) first makes the
 * reader read up to the topic's end as of that moment, so a registration published just before the command counts.
 */
@ApplicationScoped
public class LeaseRegistry {

    /** A command with the registry's target, or why it is refused. */
    public record Resolution(RunStep command, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    private final Region region;
    private final String topic;
    private final LeaseRegistryConfig config;
    private final Map<String, Object> kafka;
    private final MeterRegistry metrics;
    private final Map<String, LeaseRegistration> leases = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Queue<CompletableFuture<Void>> syncs = new ConcurrentLinkedQueue<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread reader;

    public LeaseRegistry(ProbeConfig probe, LeaseRegistryConfig config, Config kafkaConfig, MeterRegistry metrics) {
        this.region = Region.parse(probe.region());
        this.topic = Topics.leaseRegistry(region);
        this.config = config;
        this.kafka = KafkaClientProperties.fromConfig(kafkaConfig);
        this.metrics = metrics;
        metrics.gaugeMapSize("probe.registry.leases", List.of(), leases);
    }

    void start(@Observes StartupEvent event) {
        reader = new Thread(this::readForever, "lease-registry-" + region.suffix());
        reader.setDaemon(true);
        reader.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** The topic this worker reads. */
    public String topic() {
        return topic;
    }

    /** Whether the registry was read up to the end offsets the topic had when the worker started. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** How many leases the registry holds (for this region or registered as moved away from it). */
    public int size() {
        return leases.size();
    }

    /** Every registration held (any region), a copy. */
    public List<LeaseRegistration> registrations() {
        return List.copyOf(leases.values());
    }

    /**
     * {@code listener} runs on the reader thread after every change of the map and when the first catch-up completes
     * (the continuous watch recomputes its leases): keep it short.
     */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                Log.warnf("lease registry %s: a change listener failed: %s", topic, e.toString());
            }
        }
    }

    /** The registration held for {@code leaseId}, if any. */
    public Optional<LeaseRegistration> lookup(String leaseId) {
        return leaseId == null ? Optional.empty() : Optional.ofNullable(leases.get(leaseId));
    }

    /**
     * {@code command} with the target of its lease's registration, or a refusal: the lease is unknown, registered in
     * another region, or the registry could not be read to its end within {@code probe.registry.catch-up-timeout}.
     * A refusal is counted ({@code probe.steps.unregistered}, tagged by reason).
     */
    public Resolution resolve(RunStep command) {
        if (!awaitCaughtUp(config.catchUpTimeout())) {
            return refuse(command, "not-ready", String.format(ProbeReasons.REGISTRY_NOT_READY, topic));
        }
        LeaseRegistration r = lookup(command.leaseId()).orElse(null);
        if (r == null || r.region() != region) {
            // the registration may be on the broker but not read yet (published just before the command): read the
            // registry up to its end as of now, then decide
            syncToEnd(config.catchUpTimeout());
            r = lookup(command.leaseId()).orElse(null);
        }
        if (r == null) {
            return refuse(command, "unknown-lease", String.format(ProbeReasons.UNKNOWN_LEASE, command.leaseId(), region));
        }
        if (r.region() != region) {
            return refuse(command, "other-region", String.format(ProbeReasons.LEASE_OF_OTHER_REGION, command.leaseId(),
                    r.region(), region));
        }
        return new Resolution(command.toBuilder().target(r.target()).build(), null);
    }

    private Resolution refuse(RunStep command, String reason, String text) {
        metrics.counter("probe.steps.unregistered", "reason", reason).increment();
        Log.warnf("cutover=%s lease=%s step=%s: %s", command.cutoverId(), command.leaseId(), command.kind(), text);
        return new Resolution(command, text);
    }

    /** Asks the reader to read the registry up to the end offsets it has now, and waits for that up to {@code timeout}. */
    void syncToEnd(Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        syncs.add(done);
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup(); // out of its poll now, not after the poll timeout
        }
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Log.warnf("lease registry %s: not read to its end within %s", topic, timeout);
        }
    }

    /** Waits up to {@code timeout} for the first catch-up; true once it happened. */
    public boolean awaitCaughtUp(Duration timeout) {
        try {
            return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Applies one record of the topic: a registration (kept unless older than the one held), or a tombstone (null
     * value: the lease is removed). A record that is not a valid registration of its key changes nothing.
     */
    void apply(String key, String value) {
        if (key == null) {
            invalid(null, "record without a key");
            return;
        }
        if (value == null) {
            if (leases.remove(key) != null) {
                Log.infof("lease=%s removed from the lease registry %s", key, topic);
                changed();
            }
            return;
        }
        LeaseRegistration r;
        try {
            r = Json.read(value, LeaseRegistration.class);
        } catch (RuntimeException e) {
            invalid(key, "not a LeaseRegistration: " + e.getClass().getSimpleName());
            return;
        }
        if (r == null || !key.equals(r.leaseId())) {
            invalid(key, "the record's lease id " + (r == null ? null : r.leaseId()) + " is not its key");
            return;
        }
        String problem = r.invalid();
        if (problem != null) {
            invalid(key, problem);
            return;
        }
        LeaseRegistration kept = leases.merge(key, r, (held, next) -> held.updatedAt() != null
                && next.updatedAt() != null && next.updatedAt().isBefore(held.updatedAt()) ? held : next);
        if (kept == r) {
            changed();
        }
        if (kept != r) {
            Log.warnf("lease=%s: a registration older (%s) than the one held (%s) was ignored", key, r.updatedAt(),
                    kept.updatedAt());
        } else if (caughtUp()) {
            Log.infof("lease=%s registered in %s: region %s, %s:%d (updated %s)", key, topic, r.region(), r.host(),
                    r.sshPort(), r.updatedAt());
        }
    }

    private void invalid(String key, String why) {
        metrics.counter("probe.registry.invalid").increment();
        Log.warnf("lease=%s: a record of the lease registry %s was ignored: %s", key, topic, why);
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "probe-service-" + region.suffix() + "-lease-registry");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    private void readForever() {
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProperties())) {
                consumer = c;
                read(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                Log.warnf("lease registry %s: %s; reading again in %s", topic, e.toString(), config.retryInterval());
                pause();
            } finally {
                consumer = null;
            }
        }
    }

    private void read(KafkaConsumer<String, String> c) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (not created yet?)");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(10));
        List<Sync> waiting = new ArrayList<>();
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        while (running) {
            for (CompletableFuture<Void> f = syncs.poll(); f != null; f = syncs.poll()) {
                asked.add(f);
            }
            try {
                if (!asked.isEmpty()) {
                    waiting.add(new Sync(c.endOffsets(partitions, Duration.ofSeconds(10)), List.copyOf(asked)));
                    asked.clear();
                }
                for (ConsumerRecord<String, String> r : c.poll(config.pollTimeout())) {
                    apply(r.key(), r.value());
                }
                if (!caughtUp() && reached(c, end)) {
                    caughtUp.countDown();
                    Log.infof("lease registry %s read to its end: %d leases", topic, leases.size());
                    changed();
                }
                waiting.removeIf(w -> {
                    if (reached(c, w.end())) {
                        w.done().forEach(f -> f.complete(null));
                        return true;
                    }
                    return false;
                });
            } catch (WakeupException e) {
                if (!running) {
                    throw e;
                }
                // a step asked for a sync: its end offsets are taken at the top of the loop
            }
        }
    }

    /** End offsets a step waits for the reader to reach. */
    private record Sync(Map<TopicPartition, Long> end, List<CompletableFuture<Void>> done) {
    }

    private static boolean reached(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    private void pause() {
        try {
            Thread.sleep(config.retryInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
