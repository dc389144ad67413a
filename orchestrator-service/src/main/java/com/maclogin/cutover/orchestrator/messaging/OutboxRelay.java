package com.maclogin.cutover.orchestrator.messaging;

import com.maclogin.cutover.orchestrator.config.OrchestratorConfig;
import com.maclogin.cutover.orchestrator.repository.OutboxMessage;
import com.maclogin.cutover.orchestrator.repository.OutboxRepository;
import com.maclogin.cutover.orchestrator.service.DispatchService;
import com.maclogin.cutover.orchestrator.service.OutboxWritten;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes outbox rows to Kafka: right after each commit that wrote some, and by a periodic sweep for anything left
 * unsent. One relay thread per instance; across instances a PostgreSQL advisory lock plus {@code FOR UPDATE SKIP
 * LOCKED} keep a row from being sent twice at the same time, and rows leave in id order (so per lease in order).
 * A row is marked sent only after the broker acknowledged it (acks=all, idempotent producer).
 */
@ApplicationScoped
public class OutboxRelay {

    private final OutboxRepository outbox;
    private final DispatchService dispatch;
    private final OrchestratorConfig config;
    private final String bootstrapServers;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean stopped;
    private ExecutorService worker;
    private KafkaProducer<String, String> producer;

    public OutboxRelay(OutboxRepository outbox, DispatchService dispatch, OrchestratorConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.outbox = outbox;
        this.dispatch = dispatch;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "orchestrator-outbox");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    private synchronized ExecutorService worker() {
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "outbox-relay");
                t.setDaemon(true);
                return t;
            });
        }
        return worker;
    }

    /** Right after a commit that wrote outbox rows. */
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWritten written) {
        trigger();
    }

    /** Safety net: rows whose immediate publication failed, or written by an instance that died before sending. */
    @Scheduled(every = "${orchestrator.outbox.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        trigger();
    }

    /** Asks the relay thread to drain the outbox; coalesces while a drain is already queued. */
    public void trigger() {
        if (stopped) {
            return;
        }
        if (queued.compareAndSet(false, true)) {
            try {
                worker().submit(this::drain);
            } catch (RuntimeException e) {
                queued.set(false);
                Log.warnf("outbox relay not scheduled: %s", e.toString());
            }
        }
    }

    private void drain() {
        queued.set(false);
        try {
            int sent;
            do {
                sent = QuarkusTransaction.requiringNew().call(this::publishBatch);
            } while (sent >= config.outbox().batchSize());
        } catch (Exception e) {
            Log.warnf("outbox relay: publishing failed, the sweep will retry: %s", e.toString());
        }
    }

    /** One transaction: lock the oldest unsent rows, send them, wait for the acks, mark the acknowledged ones sent. */
    int publishBatch() throws Exception {
        if (!outbox.tryRelayLock()) {
            return 0; // another instance is relaying; its rows and order are its own
        }
        List<OutboxMessage> rows = outbox.lockUnsent(config.outbox().batchSize());
        if (rows.isEmpty()) {
            return 0;
        }
        KafkaProducer<String, String> kafka = producer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        for (OutboxMessage m : rows) {
            acks.add(kafka.send(new ProducerRecord<>(m.topic, m.messageKey, m.payload)));
        }
        long waitMillis = config.outbox().sendTimeout().toMillis();
        int sent = 0;
        for (int i = 0; i < rows.size(); i++) {
            OutboxMessage m = rows.get(i);
            try {
                acks.get(i).get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // stop at the first failure: later rows of the same lease must not overtake it
                Log.warnf("outbox relay: %s %s for lease %s not acknowledged: %s", m.type, m.messageId, m.messageKey, e.toString());
                break;
            }
            m.sentAt = Instant.now();
            if ("RunStep".equals(m.type)) {
                dispatch.dispatched(m.messageId);
            }
            sent++;
        }
        Log.debugf("outbox relay: %d of %d sent", sent, rows.size());
        return sent == rows.size() ? sent : 0;
    }

    void shutdown(@Observes ShutdownEvent ev) {
        stopped = true;
        ExecutorService w;
        KafkaProducer<String, String> p;
        synchronized (this) {
            w = worker;
            p = producer;
        }
        if (w != null) {
            w.shutdown();
            try {
                w.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (p != null) {
            p.close(java.time.Duration.ofSeconds(2));
        }
    }
}
