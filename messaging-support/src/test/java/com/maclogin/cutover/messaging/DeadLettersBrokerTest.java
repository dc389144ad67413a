package com.maclogin.cutover.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.CutoverMessage;
import com.maclogin.cutover.contracts.DeadLetterReason;
import com.maclogin.cutover.contracts.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer kit's dead-letter path against a real Kafka broker and real PostgreSQL transactions (no Quarkus):
 * every kind of poison record becomes exactly one {@code DeadLetter} with its reason, and the good record after them
 * is still handled.
 */
class DeadLettersBrokerTest {

    enum Color { RED, GREEN }

    /** A message of the product's shape. */
    record Ping(String messageId, String cutoverId, String leaseId, Instant timestamp, int schemaVersion, Color color,
            int n) implements CutoverMessage {
    }

    static final int CAP = 2048;
    static final int PREFIX = 256;
    static JdbcTransactions tx;

    @BeforeAll
    static void start() throws Exception {
        tx = new JdbcTransactions(SharedInfra.db());
        tx.inNewTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("create schema if not exists dead_letter_test");
                s.execute("create table dead_letter_test.handled (message_id text primary key)");
                s.execute("create table dead_letter_test.inbox (message_id text primary key)");
            }
            return null;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        tx.close();
    }

    @Test
    void everyPoisonKindIsExactlyOneDeadLetterWithItsReasonAndTheNextGoodRecordIsStillHandled() throws Exception {
        String topic = newTopic("poison-" + System.nanoTime());
        String deadLetterTopic = newTopic("dead-letters-" + System.nanoTime());
        Map<String, DeadLetterReason> expected = new LinkedHashMap<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        poison(records, expected, topic, "null-value", null, DeadLetterReason.NULL);
        poison(records, expected, topic, "json-null", "null", DeadLetterReason.NULL);
        byte[] garbage = new byte[64];
        new java.util.Random(7).nextBytes(garbage);
        records.add(new ProducerRecord<>(topic, "random-bytes", garbage));
        expected.put("random-bytes", DeadLetterReason.NOT_JSON);
        poison(records, expected, topic, "truncated", "{\"messageId\":\"m-t\",\"cutoverId\":\"co", DeadLetterReason.NOT_JSON);
        poison(records, expected, topic, "array", "[1,2,3]", DeadLetterReason.WRONG_SHAPE);
        poison(records, expected, topic, "wrong-type", "{\"messageId\":\"m-w\",\"cutoverId\":\"c\",\"n\":\"many\"}",
                DeadLetterReason.WRONG_SHAPE);
        poison(records, expected, topic, "unknown-enum",
                "{\"messageId\":\"m-e\",\"cutoverId\":\"c\",\"color\":\"PURPLE\"}", DeadLetterReason.WRONG_SHAPE);
        poison(records, expected, topic, "no-message-id", "{\"cutoverId\":\"c\"}", DeadLetterReason.MISSING_FIELD);
        poison(records, expected, topic, "no-cutover-id", "{\"messageId\":\"m-c\"}", DeadLetterReason.MISSING_FIELD);
        poison(records, expected, topic, "huge", Json.write(ping("m-huge", 0)).replace("}", ",\"filler\":\""
                + "x".repeat(CAP) + "\"}"), DeadLetterReason.TOO_LARGE);
        poison(records, expected, topic, "refused-iae", Json.write(ping("m-iae", -1)), DeadLetterReason.INVALID);
        poison(records, expected, topic, "refused-invalid", Json.write(ping("m-inv", -2)), DeadLetterReason.INVALID);
        poison(records, expected, topic, "refused-sql-22", Json.write(ping("m-sql", -3)), DeadLetterReason.INVALID);
        poison(records, expected, topic, "always-failing", Json.write(ping("m-gave-up", -4)), DeadLetterReason.GAVE_UP);
        Ping good = ping("m-good", 1);
        records.add(new ProducerRecord<>(topic, "good", Json.write(good).getBytes(StandardCharsets.UTF_8)));
        sendAll(records);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeadLetters deadLetters = new DeadLetters(new KafkaProducer<>(KafkaClientProperties.outboxProducer(
                Map.of("bootstrap.servers", SharedInfra.bootstrap()), "dead-letter-test", Duration.ofSeconds(10))),
                new DeadLetters.Settings(deadLetterTopic, "kit-test", CAP, PREFIX, Duration.ofSeconds(10)), registry);
        TransactionalConsumer kit = new TransactionalConsumer(new TransactionInbox(), tx,
                Duration.ofMillis(300), MessageTracing.disabled(), deadLetters);
        AtomicInteger attempts = new AtomicInteger();
        List<String> handled = new ArrayList<>();
        List<Boolean> returned = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(topic)) {
            long until = System.currentTimeMillis() + 30_000;
            while (returned.size() < records.size() && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    returned.add(kit.consume(topic, r, Ping.class, p -> {
                        attempts.incrementAndGet();
                        switch (p.n()) {
                            case -1 -> throw new IllegalArgumentException("n must not be negative");
                            case -2 -> throw new InvalidMessageException("no such cutover");
                            case -3 -> throw new SQLException("value too long for type character varying(64)", "22001");
                            case -4 -> throw new IllegalStateException("the database is restarting");
                            default -> {
                                insertHandled(p.messageId());
                                handled.add(p.messageId());
                            }
                        }
                    }));
                }
            }
        } finally {
            deadLetters.close();
        }

        assertThat(returned).hasSize(records.size());
        assertThat(returned.subList(0, records.size() - 1)).containsOnly(false);
        assertThat(returned.get(records.size() - 1)).isTrue();
        assertThat(handled).containsExactly("m-good");
        assertThat(count("select count(*) from dead_letter_test.handled where message_id like 'm-%'")).isEqualTo(1);
        // only the good record's id is in the inbox: every failed attempt rolled its row back
        assertThat(count("select count(*) from dead_letter_test.inbox where message_id like 'm-%'")).isEqualTo(1);

        Map<String, JsonNode> letters = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(deadLetterTopic)) {
            long until = System.currentTimeMillis() + 15_000;
            while (letters.size() < expected.size() && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(letters.put(r.key(), Json.MAPPER.readTree(r.value()))).as("second letter for " + r.key())
                            .isNull();
                }
            }
            assertThat(consumer.poll(Duration.ofMillis(300))).isEmpty(); // and nothing more
        }
        assertThat(letters.keySet()).containsExactlyElementsOf(expected.keySet());
        long offset = 0;
        for (Map.Entry<String, DeadLetterReason> e : expected.entrySet()) {
            JsonNode d = letters.get(e.getKey());
            assertThat(d.get("reason").asText()).as(e.getKey()).isEqualTo(e.getValue().name());
            assertThat(d.get("sourceTopic").asText()).isEqualTo(topic);
            assertThat(d.get("partition").asInt()).isZero();
            assertThat(d.get("offset").asLong()).as(e.getKey()).isEqualTo(offset++);
            assertThat(d.get("consumer").asText()).isEqualTo("kit-test");
            assertThat(d.get("detail").asText()).isNotBlank().hasSizeLessThanOrEqualTo(500);
            assertThat(d.get("messageId").asText()).isNotBlank();
        }
        assertThat(letters.get("null-value").get("payloadBytes").asInt()).isEqualTo(-1);
        assertThat(letters.get("null-value").get("payloadPrefix").isNull()).isTrue();
        JsonNode huge = letters.get("huge");
        assertThat(huge.get("truncated").asBoolean()).isTrue();
        assertThat(huge.get("payloadPrefix").asText()).hasSize(PREFIX).startsWith("{\"messageId\":\"m-huge\"");
        assertThat(huge.get("payloadBytes").asInt()).isGreaterThan(CAP);
        assertThat(huge.get("detail").asText()).contains("over the cap of " + CAP);
        assertThat(letters.get("unknown-enum").get("detail").asText()).contains("PURPLE");
        assertThat(letters.get("refused-iae").get("cutoverId").asText()).isEqualTo("co-1");
        assertThat(letters.get("refused-iae").get("detail").asText()).contains("n must not be negative");
        assertThat(letters.get("always-failing").get("detail").asText()).contains("the database is restarting");
        // the permanent failures ran once each, the transient one until it gave up, the good one once
        assertThat(attempts.get()).isGreaterThan(5);
        assertThat(registry.find(DeadLetters.METRIC).tags("service", "kit-test", "topic", topic).counters())
                .hasSize(7);
        assertThat(registry.get(DeadLetters.METRIC).tags("topic", topic, "reason", "WRONG_SHAPE").counter().count())
                .isEqualTo(3);
        assertThat(registry.get(DeadLetters.METRIC).tags("topic", topic, "reason", "INVALID").counter().count())
                .isEqualTo(3);
    }

    @Test
    void aBatchReturnsOnlyOnceEveryDeadLetterOfItIsAcknowledgedAndItsGoodRecordsAreHandledInOrder() throws Exception {
        String topic = newTopic("batch-" + System.nanoTime());
        String deadLetterTopic = newTopic("batch-dead-letters-" + System.nanoTime());
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Map<String, DeadLetterReason> expected = new LinkedHashMap<>();
        records.add(new ProducerRecord<>(topic, "good-1", Json.write(ping("b-good-1", 1)).getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 200; i++) {
            poison(records, expected, topic, "bad-" + i, i % 2 == 0 ? "{not json" : null,
                    i % 2 == 0 ? DeadLetterReason.NOT_JSON : DeadLetterReason.NULL);
        }
        poison(records, expected, topic, "refused", Json.write(ping("b-refused", -1)), DeadLetterReason.INVALID);
        records.add(new ProducerRecord<>(topic, "good-2", Json.write(ping("b-good-2", 2)).getBytes(StandardCharsets.UTF_8)));
        sendAll(records);
        AtomicInteger acknowledged = new AtomicInteger();
        java.util.Properties props = KafkaClientProperties.outboxProducer(
                Map.of("bootstrap.servers", SharedInfra.bootstrap(), "linger.ms", "50"), "dead-letter-batch-test",
                Duration.ofSeconds(10));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "50"); // acknowledgements arrive well after the sends
        KafkaProducer<String, String> counting = new KafkaProducer<>(props) {
            @Override
            public java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    ProducerRecord<String, String> record, org.apache.kafka.clients.producer.Callback callback) {
                return super.send(record, (metadata, e) -> {
                    if (e == null) {
                        acknowledged.incrementAndGet();
                    }
                    callback.onCompletion(metadata, e);
                });
            }
        };
        DeadLetters deadLetters = new DeadLetters(counting, new DeadLetters.Settings(deadLetterTopic, "kit-test", CAP,
                PREFIX, Duration.ofSeconds(10)), null);
        TransactionalConsumer kit = new TransactionalConsumer(new TransactionInbox(), tx, Duration.ofMillis(300),
                MessageTracing.disabled(), deadLetters);
        List<String> handled = new ArrayList<>();
        List<ConsumerRecord<String, String>> all = readAll(topic, records.size());

        int n = kit.consumeAll(topic, all, Ping.class, p -> {
            if (p.n() < 0) {
                throw new IllegalArgumentException("refused");
            }
            handled.add(p.messageId());
        });
        // returned only after the broker acknowledged every dead letter of the batch
        assertThat(acknowledged.get()).isEqualTo(expected.size());
        Map<String, String> letters = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(deadLetterTopic)) {
            for (int polls = 0; polls < 10 && letters.size() < expected.size(); polls++) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> letters.put(r.key(), r.value()));
            }
        } finally {
            deadLetters.close();
        }

        assertThat(n).isEqualTo(2);
        assertThat(handled).containsExactly("b-good-1", "b-good-2");
        assertThat(letters.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, reason) -> assertThat(letters.get(key)).contains("\"reason\":\"" + reason + "\""));
    }

    @Test
    void aGroupCommitsInOneTransactionAndARefusedRecordInItIsOneDeadLetterWhileTheOthersCommitOnceInOrder()
            throws Exception {
        String topic = newTopic("group-" + System.nanoTime());
        String deadLetterTopic = newTopic("group-dead-letters-" + System.nanoTime());
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Map<String, DeadLetterReason> expected = new LinkedHashMap<>();
        // one group of five readable records: two good, the first one again (same id), the refused one, a good one
        for (String[] r : new String[][] {{"g-1", "1"}, {"g-2", "2"}, {"g-1", "1"}, {"g-refused", "-1"}, {"g-3", "3"}}) {
            records.add(new ProducerRecord<>(topic, r[0], Json.write(ping(r[0], Integer.parseInt(r[1])))
                    .getBytes(StandardCharsets.UTF_8)));
        }
        expected.put("g-refused", DeadLetterReason.INVALID);
        poison(records, expected, topic, "g-not-json", "{not json", DeadLetterReason.NOT_JSON);
        // then a group of four good ones only
        for (int i = 4; i <= 7; i++) {
            records.add(new ProducerRecord<>(topic, "g-" + i, Json.write(ping("g-" + i, i)).getBytes(StandardCharsets.UTF_8)));
        }
        sendAll(records);
        List<ConsumerRecord<String, String>> all = readAll(topic, records.size());
        AtomicInteger transactions = new AtomicInteger();
        Transactions counting = new Transactions() {
            @Override
            public <T> T inNewTransaction(Work<T> work) throws Exception {
                transactions.incrementAndGet();
                return tx.inNewTransaction(work);
            }
        };
        DeadLetters deadLetters = new DeadLetters(new KafkaProducer<>(KafkaClientProperties.outboxProducer(
                Map.of("bootstrap.servers", SharedInfra.bootstrap()), "dead-letter-group-test", Duration.ofSeconds(10))),
                new DeadLetters.Settings(deadLetterTopic, "kit-test", CAP, PREFIX, Duration.ofSeconds(10)), null);
        TransactionalConsumer kit = new TransactionalConsumer(new TransactionInbox(), counting, Duration.ofMillis(300),
                MessageTracing.disabled(), deadLetters);
        List<String> handled = new ArrayList<>();
        AtomicInteger afterEach = new AtomicInteger();

        int first = kit.consumeGrouped(topic, all.subList(0, 6), Ping.class, 5, p -> {
            if (p.n() < 0) {
                throw new IllegalArgumentException("n must not be negative");
            }
            insertHandledInTransaction(p.messageId());
            handled.add(p.messageId());
        }, afterEach::incrementAndGet);
        int transactionsOfFirst = transactions.getAndSet(0);
        handled.clear();
        int second = kit.consumeGrouped(topic, all.subList(6, all.size()), Ping.class, 5, p -> {
            insertHandledInTransaction(p.messageId());
            handled.add(p.messageId());
        }, afterEach::incrementAndGet);

        Map<String, String> letters = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer(deadLetterTopic)) {
            for (int polls = 0; polls < 10 && letters.size() < expected.size(); polls++) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> letters.put(r.key(), r.value()));
            }
            assertThat(consumer.poll(Duration.ofMillis(300))).isEmpty();
        } finally {
            deadLetters.close();
        }
        // the refused record failed the group's transaction: nothing of it stayed, each record then had its own
        assertThat(first).isEqualTo(3);
        assertThat(transactionsOfFirst).isEqualTo(1 + 5);
        assertThat(letters.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, reason) -> assertThat(letters.get(key)).contains("\"reason\":\"" + reason + "\""));
        // a group without a bad record: one transaction for its four records, handled in order
        assertThat(second).isEqualTo(4);
        assertThat(transactions.get()).isEqualTo(1);
        assertThat(handled).containsExactly("g-4", "g-5", "g-6", "g-7");
        assertThat(count("select count(*) from dead_letter_test.handled where message_id like 'g-%'")).isEqualTo(7);
        assertThat(count("select count(*) from dead_letter_test.inbox where message_id like 'g-%'")).isEqualTo(7);
        assertThat(count("select count(*) from dead_letter_test.handled where message_id = 'g-1'")).isEqualTo(1);
    }

    /** The handler's own write, in the consumer's transaction (rolled back with it). */
    static void insertHandledInTransaction(String messageId) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement("insert into dead_letter_test.handled values (?)")) {
            s.setString(1, messageId);
            s.executeUpdate();
        }
    }

    @Test
    void permanentFailuresAreTheInvalidValueKindsAndEverythingElseIsRetried() {
        Map<Throwable, Boolean> table = new LinkedHashMap<>();
        table.put(new IllegalArgumentException("bad"), true);
        table.put(new NumberFormatException("x"), true);
        table.put(new InvalidMessageException("no such cutover"), true);
        table.put(new NullPointerException(), true);
        table.put(new IllegalStateException("wrapped", new java.time.DateTimeException("bad date")), true);
        table.put(new RuntimeException(new SQLException("value too long", "22001")), true);
        table.put(new StackOverflowError(), true);
        table.put(new IllegalStateException("the database restarted"), false);
        table.put(new RuntimeException(new SQLException("connection refused", "08001")), false);
        table.put(new RuntimeException(new SQLException("could not serialize access", "40001")), false);
        table.put(new java.io.UncheckedIOException(new java.io.IOException("broken pipe")), false);
        table.forEach((e, permanent) -> assertThat(DeadLetters.isPermanent(e)).as(e.toString()).isEqualTo(permanent));
    }

    @Test
    void thePayloadPrefixNeverSplitsACharacterAndTheDetailIsOneBoundedLine() {
        assertThat(DeadLetters.prefix("aé€😀b", 1)).isEqualTo("a");
        assertThat(DeadLetters.prefix("aé€😀b", 3)).isEqualTo("aé");
        assertThat(DeadLetters.prefix("aé€😀b", 9)).isEqualTo("aé€");
        assertThat(DeadLetters.prefix("aé€😀b", 10)).isEqualTo("aé€😀");
        assertThat(DeadLetters.oneLine("a\nb\r\n  c")).isEqualTo("a b c");
        assertThat(DeadLetters.oneLine("x".repeat(600))).hasSize(500).endsWith("…");
    }

    // ------------------------------------------------------------------ helpers

    /** The inbox as a PostgreSQL table written in the consumer's JDBC transaction: an attempt that fails takes its row with it. */
    static final class TransactionInbox extends Inbox {
        TransactionInbox() {
            super(new Table("dead_letter_test.inbox", "processed_at", null, null), null, null);
        }

        @Override
        public boolean firstDelivery(String messageId, String topic, String cutoverId) {
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "insert into dead_letter_test.inbox values (?) on conflict do nothing")) {
                s.setString(1, messageId);
                return s.executeUpdate() == 1;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static Ping ping(String messageId, int n) {
        return new Ping(messageId, "co-1", "hk-1", Instant.now(), 1, Color.RED, n);
    }

    static void poison(List<ProducerRecord<String, byte[]>> records, Map<String, DeadLetterReason> expected,
            String topic, String key, String value, DeadLetterReason reason) {
        records.add(new ProducerRecord<>(topic, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
        expected.put(key, reason);
    }

    static void insertHandled(String messageId) throws SQLException {
        try (Connection c = SharedInfra.db().getConnection();
                PreparedStatement s = c.prepareStatement("insert into dead_letter_test.handled values (?)")) {
            s.setString(1, messageId);
            s.executeUpdate();
        }
    }

    static long count(String query) throws Exception {
        return tx.inNewTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    static String newTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedInfra.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
        return name;
    }

    static KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        TopicPartition p = new TopicPartition(topic, 0);
        consumer.assign(List.of(p));
        consumer.seekToBeginning(List.of(p));
        return consumer;
    }

    /** The first {@code n} records of {@code topic} (20 s at most), asserted to be all of them. */
    private static List<ConsumerRecord<String, String>> readAll(String topic, int n) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(topic)) {
            long until = System.currentTimeMillis() + 20_000;
            while (all.size() < n && System.currentTimeMillis() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        assertThat(all).hasSize(n);
        return all;
    }

    /** Sends {@code records} as they are (bytes, so a poison record stays what it is). */
    private static void sendAll(List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (ProducerRecord<String, byte[]> r : records) {
                producer.send(r);
            }
        }
    }
}
