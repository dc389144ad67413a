package com.maclogin.cutover.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.Json;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The relay against a real Kafka broker (in-JVM KRaft) and a real PostgreSQL (embedded), from test-support, without
 * Quarkus: relays are plain objects here, so two of them can share one outbox table like two service instances.
 */
class OutboxRelayBrokerTest {

    /** A message of the product's shape; {@code seq} is its place in its lease's order. */
    record Numbered(String messageId, String cutoverId, String leaseId, Instant timestamp, int schemaVersion, int seq,
            String filler) implements CutoverMessage {
    }

    static final AtomicInteger TABLES = new AtomicInteger();

    static PGSimpleDataSource db;
    static String bootstrap;
    static JdbcTransactions tx;

    @BeforeAll
    static void start() throws Exception {
        db = SharedInfra.db();
        bootstrap = SharedInfra.bootstrap();
        tx = new JdbcTransactions(db);
        sql("create schema relay_test");
    }

    @AfterAll
    static void stop() throws Exception {
        tx.close();
    }

    @Test
    void twoRelaysOnOneOutboxDeliverEveryMessageOfFiveLeasesAtLeastOnceAndInOrderPerLease() throws Exception {
        OutboxStore store = newOutbox();
        String topic = newTopic(3);
        int leases = 5;
        int perLease = 200;
        Map<String, AtomicInteger> dispatchedBy = Map.of("relay-a", new AtomicInteger(), "relay-b", new AtomicInteger());
        List<OutboxRelay> relays = List.of(relay("relay-a", store, 20, dispatchedBy.get("relay-a")),
                relay("relay-b", store, 20, dispatchedBy.get("relay-b")));
        relays.forEach(OutboxRelay::start);
        ExecutorService writers = Executors.newFixedThreadPool(leases);
        try {
            // one writer per lease, like one cutover's transactions: each message commits on its own, then wakes a relay
            List<Future<?>> written = new ArrayList<>();
            for (int l = 0; l < leases; l++) {
                String lease = "lease-" + l;
                written.add(writers.submit(() -> {
                    for (int seq = 0; seq < perLease; seq++) {
                        Numbered m = message(lease, seq, "");
                        tx.inNewTransaction(c -> {
                            store.insert(c, topic, m);
                            return null;
                        });
                        relays.get(ThreadLocalRandom.current().nextInt(relays.size())).trigger();
                    }
                    return null;
                }));
            }
            for (Future<?> f : written) {
                f.get();
            }

            Map<String, List<Integer>> seqsByLease = new HashMap<>();
            Map<String, Set<Integer>> partitionsByLease = new HashMap<>();
            Set<String> distinct = ConcurrentHashMap.newKeySet();
            try (KafkaConsumer<String, String> consumer = consumer(topic)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        Numbered m = Json.read(r.value(), Numbered.class);
                        assertThat(r.key()).isEqualTo(m.leaseId());
                        seqsByLease.computeIfAbsent(m.leaseId(), k -> new ArrayList<>()).add(m.seq());
                        partitionsByLease.computeIfAbsent(m.leaseId(), k -> ConcurrentHashMap.newKeySet()).add(r.partition());
                        distinct.add(m.messageId());
                    }
                    return distinct.size() == leases * perLease;
                });
            }

            List<Integer> expected = IntStream.range(0, perLease).boxed().toList();
            assertThat(seqsByLease).hasSize(leases);
            seqsByLease.forEach((lease, seqs) -> {
                // at least once: a repeat may follow a retried send, but never ahead of an earlier message of the lease
                assertThat(seqs.stream().distinct().toList()).as("first arrivals of %s", lease).isEqualTo(expected);
                assertThat(isInOrderAllowingRepeats(seqs)).as("order of %s in the topic: %s", lease, seqs).isTrue();
                assertThat(partitionsByLease.get(lease)).as("partitions of %s", lease).hasSize(1);
            });
            assertThat(count("select count(*) from " + store.table() + " where sent_at is null")).isZero();
            // every row was acknowledged and marked sent by exactly one of the two relays
            assertThat(dispatchedBy.get("relay-a").get() + dispatchedBy.get("relay-b").get()).isEqualTo(leases * perLease);
        } finally {
            writers.shutdownNow();
            relays.forEach(OutboxRelay::close);
        }
    }

    @Test
    void whileOneRelayHoldsTheOutboxLockAnotherRelayPublishesNothing() throws Exception {
        OutboxStore store = newOutbox();
        String topic = newTopic(1);
        for (int seq = 0; seq < 3; seq++) {
            Numbered m = message("lease-lock", seq, "");
            tx.inNewTransaction(c -> {
                store.insert(c, topic, m);
                return null;
            });
        }
        try (OutboxRelay relay = relay("relay-b", store, 100, new AtomicInteger());
                Connection holder = db.getConnection()) {
            holder.setAutoCommit(false);
            assertThat(store.tryRelayLock(holder)).as("relay A's transaction takes the lock").isTrue();

            assertThat(relay.publishBatch()).isEqualTo(new OutboxRelay.Batch(0, false));
            assertThat(count("select count(*) from " + store.table() + " where sent_at is null")).isEqualTo(3);

            holder.commit(); // relay A's transaction ends, and its lock with it
            assertThat(relay.publishBatch()).isEqualTo(new OutboxRelay.Batch(3, false));
            assertThat(count("select count(*) from " + store.table() + " where sent_at is null")).isZero();
        }
    }

    @Test
    void aRowTheBrokerRefusesGetsItsAttemptsAndLastErrorAndNoLaterRowIsMarkedSent() throws Exception {
        OutboxStore store = newOutbox();
        String topic = newTopic(1);
        List<Numbered> rows = List.of(message("lease-big", 0, ""), message("lease-big", 1, "x".repeat(1_200_000)),
                message("lease-big", 2, ""));
        for (Numbered m : rows) {
            tx.inNewTransaction(c -> {
                store.insert(c, topic, m);
                return null;
            });
        }
        try (OutboxRelay relay = relay("relay-a", store, 100, new AtomicInteger())) {
            assertThat(relay.publishBatch()).isEqualTo(new OutboxRelay.Batch(1, false));
            assertThat(relay.publishBatch()).isEqualTo(new OutboxRelay.Batch(0, false));
        }

        Map<Integer, List<Object>> state = new LinkedHashMap<>();
        tx.inNewTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "select id, sent_at is not null, publish_attempts, last_error from " + store.table() + " order by id")) {
                int i = 0;
                while (r.next()) {
                    state.put(i++, List.of(r.getBoolean(2), r.getInt(3), String.valueOf(r.getString(4))));
                }
            }
            return null;
        });
        assertThat(state.get(0)).containsExactly(true, 1, "null");
        assertThat(state.get(1).subList(0, 2)).containsExactly(false, 2);
        assertThat((String) state.get(1).get(2)).startsWith("RecordTooLargeException");
        assertThat(state.get(2)).containsExactly(false, 0, "null");
    }

    /**
     * Trace context through the outbox, the broker and the consumer kit (OpenTelemetry SDK with an in-memory
     * exporter): the row keeps the context it was written in, the relay's record carries it as {@code traceparent},
     * and the consumer's span continues the same trace.
     */
    @Test
    void theConsumersSpanContinuesTheTraceTheOutboxRowWasWrittenInThroughTheRelaysProducerSpan() throws Exception {
        OutboxStore store = newOutbox();
        String topic = newTopic(1);
        Numbered traced = message("hk-1", 0, "traced");
        Numbered untraced = message("hk-2", 0, "untraced");

        // the business change: an HTTP request's span is current while the row is written in its transaction
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exported)).build()).build();
        MessageTracing tracing = new MessageTracing(sdk);
        Span request = tracing.tracer().spanBuilder("POST /api/v1/cutovers").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope s = request.makeCurrent()) {
            tx.inNewTransaction(c -> {
                store.insert(c, topic, traced);
                return null;
            });
        } finally {
            request.end();
        }
        tx.inNewTransaction(c -> { // a timer's row, written outside any trace
            store.insert(c, topic, untraced);
            return null;
        });
        assertThat(count("select count(*) from " + store.table()
                + " where trace_parent like '00-" + request.getSpanContext().getTraceId() + "-%'")).isEqualTo(1);

        // the relay publishes on another thread, with no span current
        Properties p = KafkaClientProperties.outboxProducer(Map.of("bootstrap.servers", bootstrap),
                "trace-relay", Duration.ofSeconds(10));
        try (OutboxRelay relay = new OutboxRelay("trace-relay", store, tx, new KafkaProducer<>(p),
                new OutboxRelay.Settings(10, Duration.ofSeconds(10), Duration.ofMillis(50)), DispatchHook.NONE,
                tracing)) {
            assertThat(relay.publishBatch()).isEqualTo(new OutboxRelay.Batch(2, false));
        }

        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(topic)) {
            long until = System.currentTimeMillis() + 20_000;
            while (records.size() < 2 && System.currentTimeMillis() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSize(2);
        ConsumerRecord<String, String> tracedRecord = records.stream().filter(r -> "hk-1".equals(r.key())).findFirst()
                .orElseThrow();
        ConsumerRecord<String, String> untracedRecord = records.stream().filter(r -> "hk-2".equals(r.key()))
                .findFirst().orElseThrow();
        String header = MessageTracing.traceparent(tracedRecord.headers());
        assertThat(header).startsWith("00-" + request.getSpanContext().getTraceId() + "-");
        assertThat(MessageTracing.traceparent(untracedRecord.headers())).isNull();

        // the consumer kit: the handler runs in a span of the same trace, with the ids in the MDC
        TransactionalConsumer kit = new TransactionalConsumer(new MemoryInbox(), tx,
                Duration.ofSeconds(5), tracing);
        AtomicReference<SpanContext> inHandler = new AtomicReference<>();
        AtomicReference<String> handlerTraceparent = new AtomicReference<>();
        AtomicReference<Object> mdcCutover = new AtomicReference<>();
        assertThat(kit.consume(topic, tracedRecord, Numbered.class, m -> {
            inHandler.set(Span.current().getSpanContext());
            handlerTraceparent.set(MessageTracing.currentTraceparent()); // what an outbox row written here keeps
            mdcCutover.set(MDC.get(TransactionalConsumer.MDC_CUTOVER_ID));
        })).isTrue();
        assertThat(MDC.get(TransactionalConsumer.MDC_CUTOVER_ID)).isNull();
        AtomicReference<SpanContext> untracedHandler = new AtomicReference<>();
        assertThat(kit.consume(topic, untracedRecord, Numbered.class,
                m -> untracedHandler.set(Span.current().getSpanContext()))).isTrue();

        String traceId = request.getSpanContext().getTraceId();
        assertThat(inHandler.get().getTraceId()).isEqualTo(traceId);
        assertThat(handlerTraceparent.get()).startsWith("00-" + traceId + "-" + inHandler.get().getSpanId());
        assertThat(mdcCutover.get()).isEqualTo(traced.cutoverId());
        assertThat(untracedHandler.get().isValid()).isTrue();
        assertThat(untracedHandler.get().getTraceId()).isNotEqualTo(traceId); // no header: a trace of its own

        // parentage: request <- relay's PRODUCER span <- consumer's CONSUMER span
        List<SpanData> spans = exported.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList();
        SpanData publish = spans.stream().filter(s -> s.getKind() == SpanKind.PRODUCER).findFirst().orElseThrow();
        SpanData process = spans.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).findFirst().orElseThrow();
        assertThat(publish.getName()).isEqualTo(topic + " publish");
        assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(header).isEqualTo("00-" + traceId + "-" + publish.getSpanId() + "-01");
        assertThat(process.getName()).isEqualTo(topic + " process");
        assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(process.getSpanId()).isEqualTo(inHandler.get().getSpanId());
        assertThat(process.getAttributes().asMap().toString()).contains(traced.cutoverId()).contains("hk-1");
        assertThat(spans).hasSize(3);
        sdk.close();
    }

    /** The inbox in memory: this test is about the trace, the inbox has its own tests in the services. */
    static final class MemoryInbox extends Inbox {
        private final Set<String> seen = new HashSet<>();

        MemoryInbox() {
            super(new Table("memory_inbox", "processed_at", null, null), null, null);
        }

        @Override
        public synchronized boolean firstDelivery(String messageId, String topic, String cutoverId) {
            return seen.add(messageId);
        }
    }


    // ------------------------------------------------------------------ helpers

    static boolean isInOrderAllowingRepeats(List<Integer> seqs) {
        int highest = -1;
        for (int seq : seqs) {
            if (seq > highest + 1) {
                return false; // something of this lease overtook an earlier message that had not arrived yet
            }
            highest = Math.max(highest, seq);
        }
        return true;
    }

    static OutboxRelay relay(String name, OutboxStore store, int batchSize, AtomicInteger dispatched) {
        Properties p = KafkaClientProperties.outboxProducer(Map.of("bootstrap.servers", bootstrap), name,
                Duration.ofSeconds(10));
        return new OutboxRelay(name, store, tx, new KafkaProducer<>(p),
                new OutboxRelay.Settings(batchSize, Duration.ofSeconds(10), Duration.ofMillis(50)),
                (type, messageId) -> dispatched.incrementAndGet());
    }

    static Numbered message(String lease, int seq, String filler) {
        return new Numbered(lease + "-" + seq + "-" + System.nanoTime(), "co-" + lease, lease, Instant.now(), 1, seq,
                filler);
    }

    static OutboxStore newOutbox() throws Exception {
        String table = "relay_test.outbox_" + TABLES.incrementAndGet();
        sql("create table " + table + " (id bigint generated by default as identity primary key,"
                + " message_id varchar(255) not null unique, topic varchar(255) not null,"
                + " message_key varchar(255) not null, type varchar(255) not null, payload text not null,"
                + " created_at timestamptz not null, sent_at timestamptz,"
                + " publish_attempts integer not null default 0, last_error text, trace_parent text)");
        return new OutboxStore(table);
    }

    static String newTopic(int partitions) throws Exception {
        String topic = "relay-test-" + TABLES.get() + "-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        return topic;
    }

    static KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    static void sql(String statement) throws Exception {
        tx.inNewTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(statement);
            }
            return null;
        });
    }

    static long count(String query) throws Exception {
        return tx.inNewTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
